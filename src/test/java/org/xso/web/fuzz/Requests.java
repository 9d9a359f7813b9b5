package org.xso.web.fuzz;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import org.xso.hypervisor.DeviceSpec;
import org.xso.web.fuzz.FuzzRequest.Known;

/**
 * jqwik arbitraries of requests, derived from the contract: an operation, then for each of its
 * parameters and its body a value the schema allows (optional members and parameters present or
 * not, numbers anywhere in their range with the bounds as edge cases, enums, patterns, oneOf
 * variants), with ids drawn mostly from what exists so requests get past the lookups; then, for
 * about two requests in five, one {@link Mutations hostile change}.
 */
final class Requests {

	private final Contract contract;

	Requests(Contract contract) {
		this.contract = contract;
	}

	Arbitrary<FuzzRequest> any() {
		return Arbitraries.of(contract.operations()).flatMap(this::of);
	}

	Arbitrary<FuzzRequest> of(Contract.Operation op) {
		Arbitrary<Map<String, Object>> path = parameters(op, "path");
		Arbitrary<Map<String, Object>> query = parameters(op, "query");
		Arbitrary<Map<String, Object>> headers = parameters(op, "header");
		Arbitrary<Object> body = Arbitraries.just(FuzzRequest.NO_BODY);
		Arbitrary<String> contentType = Arbitraries.just("");
		if (op.hasBody()) {
			Arbitrary<Object> value = value(op.body().schema(), "");
			body = op.body().required() ? value
					: Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(FuzzRequest.NO_BODY)), Tuple.of(3, value));
			contentType = Arbitraries.of(op.body().mediaTypes());
		}
		Arbitrary<Optional<Mutations.Mutation>> mutation = Arbitraries.frequencyOf(
				Tuple.of(3, Arbitraries.just(Optional.empty())), Tuple.of(2, Mutations.any().map(Optional::of)));
		return Combinators.combine(path, query, headers, body, contentType, mutation)
			.as((p, q, h, b, c, m) -> {
				FuzzRequest valid = new FuzzRequest(op, p, q, h, b, c, null);
				return m.map(mut -> Mutations.apply(valid, mut)).orElse(valid);
			});
	}

	private Arbitrary<Map<String, Object>> parameters(Contract.Operation op, String in) {
		List<Arbitrary<Optional<Map.Entry<String, Object>>>> members = new ArrayList<>();
		for (Contract.Parameter p : op.in(in)) {
			Arbitrary<Object> value = parameter(op, p);
			Arbitrary<Optional<Map.Entry<String, Object>>> present = value.map(v -> Optional.of(Map.entry(p.name(), v)));
			// a stream that follows never ends: the fuzzer always says follow=false
			members.add(p.required() || p.name().equals("follow") ? present
					: Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(Optional.empty())), Tuple.of(1, present)));
		}
		return entries(members);
	}

	private Arbitrary<Object> parameter(Contract.Operation op, Contract.Parameter p) {
		switch (p.name()) {
			case "If-Match":
				return Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.of(0, 1).map(i -> new Known(Known.Kind.ETAG, i))),
						Tuple.of(1, Arbitraries.just("*")), Tuple.of(1, Arbitraries.just("\"0\"")));
			case "id":
				Known.Kind kind = op.path().startsWith("/api/v1/checkpoints") ? Known.Kind.CHECKPOINT
						: Known.Kind.OPERATION;
				return Arbitraries.frequencyOf(Tuple.of(4, known(kind)), Tuple.of(1, uuids()));
			case "follow":
				return Arbitraries.just(false);
			default:
				return value(p.schema(), p.name());
		}
	}

	/** A value the schema allows; {@code name} is the member or parameter it is for. */
	Arbitrary<Object> value(Map<String, Object> schema, String name) {
		Map<String, Object> s = contract.deref(schema);
		if (s.containsKey("oneOf")) {
			List<Arbitrary<Object>> variants = Contract.list(s.get("oneOf"))
				.stream()
				.map(v -> value(Contract.map(v), name))
				.toList();
			return Arbitraries.oneOf(variants);
		}
		if (s.containsKey("enum")) {
			return Arbitraries.of(Contract.list(s.get("enum")));
		}
		String type = String.valueOf(s.get("type"));
		return switch (type) {
			case "object" -> object(s);
			case "array" -> array(s, name);
			case "integer" -> integer(s, name);
			case "boolean" -> Arbitraries.of(true, false);
			case "string" -> string(s, name);
			default -> throw new IllegalStateException("no generator for a schema of type " + type + " (" + name + ")");
		};
	}

	private Arbitrary<Object> object(Map<String, Object> schema) {
		Map<String, Object> properties = Contract.map(schema.get("properties"));
		List<Object> required = Contract.list(schema.get("required"));
		List<Arbitrary<Optional<Map.Entry<String, Object>>>> members = new ArrayList<>();
		for (Map.Entry<String, Object> p : properties.entrySet()) {
			Arbitrary<Optional<Map.Entry<String, Object>>> present = value(Contract.map(p.getValue()), p.getKey())
				.map(v -> Optional.of(Map.entry(p.getKey(), v)));
			members.add(required.contains(p.getKey()) ? present
					: Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(Optional.empty())), Tuple.of(1, present)));
		}
		return entries(members).map(m -> (Object) m);
	}

	private static Arbitrary<Map<String, Object>> entries(List<Arbitrary<Optional<Map.Entry<String, Object>>>> members) {
		if (members.isEmpty()) {
			return Arbitraries.just(Map.of());
		}
		return Combinators.combine(members).as(list -> {
			Map<String, Object> m = new LinkedHashMap<>();
			list.forEach(e -> e.ifPresent(entry -> m.put(entry.getKey(), entry.getValue())));
			return m;
		});
	}

	private Arbitrary<Object> array(Map<String, Object> schema, String name) {
		int min = ((Number) schema.getOrDefault("minItems", 0)).intValue();
		int max = Math.min(((Number) schema.getOrDefault("maxItems", 3)).intValue(), min + 3);
		return value(Contract.map(schema.get("items")), name).list().ofMinSize(min).ofMaxSize(max).map(l -> (Object) l);
	}

	private Arbitrary<Object> integer(Map<String, Object> schema, String name) {
		boolean int64 = "int64".equals(schema.get("format"));
		long min = schema.containsKey("minimum") ? ((Number) schema.get("minimum")).longValue()
				: int64 ? Long.MIN_VALUE : Integer.MIN_VALUE;
		long max = schema.containsKey("maximum") ? ((Number) schema.get("maximum")).longValue()
				: int64 ? Long.MAX_VALUE : Integer.MAX_VALUE;
		Arbitrary<Object> any = Arbitraries.longs().between(min, max).map(v -> (Object) v);
		return switch (name) {
			case "domid", "targetDomid" -> Arbitraries.frequencyOf(Tuple.of(3, known(Known.Kind.DOMID)), Tuple.of(1, any));
			case "backendDomid" -> Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(0L)),
					Tuple.of(1, known(Known.Kind.DOMID)), Tuple.of(1, any));
			case "devid" -> Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.of(51712L, 51728L, 0L, 1L)), Tuple.of(1, any));
			default -> any;
		};
	}

	private Arbitrary<Object> string(Map<String, Object> schema, String name) {
		if ("uuid".equals(schema.get("format"))) {
			return "checkpointId".equals(name)
					? Arbitraries.frequencyOf(Tuple.of(3, known(Known.Kind.CHECKPOINT)), Tuple.of(1, uuids()))
					: uuids();
		}
		if (schema.containsKey("pattern")) {
			return pattern((String) schema.get("pattern"), name);
		}
		int min = ((Number) schema.getOrDefault("minLength", 0)).intValue();
		int max = Math.min(((Number) schema.getOrDefault("maxLength", 40)).intValue(), 40);
		return Arbitraries.strings().withCharRange(' ', '~').ofMinLength(min).ofMaxLength(max).map(v -> (Object) v);
	}

	/**
	 * Strings matching each pattern the contract puts on a request value. A pattern without a
	 * generator here fails the fuzzer, so a new rule in the contract is never silently skipped.
	 */
	private Arbitrary<Object> pattern(String pattern, String name) {
		Arbitrary<String> generated;
		if (pattern.equals("^([0-9a-f]{2}:){5}[0-9a-f]{2}$")) {
			generated = Arbitraries.integers()
				.between(0, 255)
				.list()
				.ofSize(6)
				.map(bytes -> String.join(":", bytes.stream().map(b -> String.format("%02x", b)).toList()));
		}
		else if (pattern.equals("^[A-Za-z0-9._:-]{1,128}$")) {
			generated = Arbitraries.strings()
				.withCharRange('A', 'Z')
				.withCharRange('a', 'z')
				.withCharRange('0', '9')
				.withChars("._:-")
				.ofMinLength(1)
				.ofMaxLength(128);
		}
		else if (pattern.equals("^[0-9]{1,18}$")) {
			generated = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.longs().between(0, 50)),
					Tuple.of(1, Arbitraries.longs().between(0, 999_999_999_999_999_999L)))
				.map(String::valueOf);
		}
		else if (pattern.startsWith("^(?:") && pattern.contains(")(?:,(?:")) {
			// a comma-separated list of the alternatives the pattern names
			String alternatives = pattern.substring(4, pattern.indexOf(")(?:,"));
			List<String> names = Arrays.stream(alternatives.split("\\|")).map(a -> a.replace("\\.", ".")).toList();
			generated = Arbitraries.of(names).list().ofMinSize(1).ofMaxSize(3).map(l -> String.join(",", l));
		}
		else if (pattern.startsWith("^(/|(/[A-Za-z0-9_@:.")) {
			Arbitrary<String> segment = Arbitraries.strings()
				.withCharRange('a', 'z')
				.withCharRange('0', '9')
				.withChars("_@:.-")
				.ofMinLength(1)
				.ofMaxLength(8);
			generated = Arbitraries.frequencyOf(
					Tuple.of(3, Arbitraries.of("/", "/local/domain", "/local/domain/1", "/local/domain/0/backend")),
					Tuple.of(1, segment.list().ofMinSize(1).ofMaxSize(4).map(l -> "/" + String.join("/", l))));
		}
		else if (pattern.equals("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")) {
			Arbitrary<String> first = Arbitraries.strings()
				.withCharRange('A', 'Z')
				.withCharRange('a', 'z')
				.withCharRange('0', '9')
				.ofLength(1);
			Arbitrary<String> rest = Arbitraries.strings()
				.withCharRange('A', 'Z')
				.withCharRange('a', 'z')
				.withCharRange('0', '9')
				.withChars("._-")
				.ofMinLength(0)
				.ofMaxLength(63);
			generated = Combinators.combine(first, rest).as(String::concat);
		}
		else if (pattern.equals("^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$")) {
			// a host's name: the one these tests' instance serves, or any other of the pattern
			Arbitrary<String> inner = Arbitraries.strings()
				.withCharRange('a', 'z')
				.withCharRange('0', '9')
				.withChars(".-")
				.ofMinLength(0)
				.ofMaxLength(61);
			Arbitrary<String> edge = Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').ofLength(1);
			generated = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.of("local")),
					Tuple.of(2, Combinators.combine(edge, inner, edge).as((x, y, z) -> x + y + z)));
		}
		else if (pattern.equals("^[^\\u0000-\\u001F\\u007F-\\u009F]+$")) {
			// a principal's name: the ones the service records, or any printable text (non-ASCII too)
			generated = Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.of("anonymous", "system", "alice")),
					Tuple.of(1, Arbitraries.strings()
						.withCharRange(' ', '~')
						.withCharRange('\u00a0', '\u00ff')
						.withCharRange('\u4e00', '\u4e20')
						.ofMinLength(1)
						.ofMaxLength(64)));
		}
		else if (pattern.equals("^[ -~]*[!-~][ -~]*$")) {
			generated = Arbitraries.strings()
				.withCharRange(' ', '~')
				.ofMinLength(1)
				.ofMaxLength(64)
				.filter(s -> !s.isBlank());
		}
		else if (pattern.equals("^" + DeviceSpec.BRIDGE.pattern() + "$")) {
			// a bridge: the ones a simulated host has by default, or any interface name
			generated = Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.of("xenbr0", "xenbr1")),
					Tuple.of(1, Arbitraries.strings()
						.withCharRange('A', 'Z')
						.withCharRange('a', 'z')
						.withCharRange('0', '9')
						.withChars("_.-")
						.ofMinLength(1)
						.ofMaxLength(15)
						.filter(v -> DeviceSpec.BRIDGE.matcher(v).matches())));
		}
		else if (pattern.equals("^" + DeviceSpec.TARGET.pattern() + "$")) {
			// a disk target: a volume name or a path of such segments
			Arbitrary<String> segment = Arbitraries.strings()
				.withCharRange('a', 'z')
				.withCharRange('0', '9')
				.withChars("_.:+-")
				.ofMinLength(1)
				.ofMaxLength(12);
			generated = Arbitraries.frequencyOf(Tuple.of(1, segment),
					Tuple.of(1, segment.list().ofMinSize(1).ofMaxSize(4).map(l -> "/" + String.join("/", l))))
				.filter(v -> DeviceSpec.TARGET.matcher(v).matches());
		}
		else {
			throw new IllegalStateException("no generator for the pattern of " + name + ": " + pattern);
		}
		return generated.map(v -> (Object) v);
	}

	private static Arbitrary<Object> known(Known.Kind kind) {
		return Arbitraries.integers().between(0, 7).map(i -> (Object) new Known(kind, i));
	}

	private static Arbitrary<Object> uuids() {
		return Arbitraries.longs().tuple2().map(t -> (Object) new UUID(t.get1(), t.get2()).toString());
	}

}
