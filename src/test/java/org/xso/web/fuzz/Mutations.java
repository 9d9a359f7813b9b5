package org.xso.web.fuzz;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hostile changes to a valid request, schema-agnostic as a hostile client is: a path, query or
 * header value replaced by a wrong type, an out-of-range number or an overlong string; a body
 * member replaced (by such values, or by text meant to forge a log line, hide its direction, escape
 * a directory or inject markup), added or removed; the body's shape or text broken (truncated, a member given
 * twice, trailing garbage, a bare scalar); a media type the operation does not take. Whether the
 * result still satisfies the contract is for the contract to say, not for the mutation.
 */
final class Mutations {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** Which change (among those that apply to the request), where, and with which value. */
	record Mutation(int target, int selector, int variant) {
	}

	private static final List<String> PATH_VALUES = List.of("0", "-1", "32752", "2147483648", "abc", "1.5",
			"00000000-0000-0000-0000-000000000000", "not-a-uuid", "vscsi", "VBD", "%20", "null");

	private static final List<String> QUERY_VALUES = List.of("-1", "abc", "99999999999999999999", "", "1.5", "yes",
			"TRUE", "NOT_A_VALUE", "x".repeat(600), "0", "2147483648", "null", " operation", "10000001",
			"operation\u202E", "/local/domain/1\u0000", "/local/../../etc/passwd");

	private static final List<String> HEADER_VALUES = List.of("\"" + "e".repeat(300) + "\"", "white space", "", "-1",
			"W/\"1\"", "\"999\"", "*", "k".repeat(129), "12345678901234567890", "1");

	private static final List<Object> JSON_VALUES = List.of(-1, 0, 1.5, new BigInteger("99999999999999999999"), "",
			"x".repeat(300), true, List.of(), Map.of(), "NOT_AN_ENUM", 2147483648L, -2147483649L, 1e300,
			"00:16:3E:00:00:01", 4097, 257, 5, 600001, 32752, 16777216, "x\n\u001b[31mFAKE LOG LINE", "nul\u0000name",
			"rtl\u202Eexe.txt", "\uFEFFbom", "zero\u200Bwidth", "<script>alert(1)</script>", "../../etc/passwd");

	private static final List<String> SHAPES = List.of("[]", "\"text\"", "42", "null", "true", "{}", "");

	private static final List<String> MEDIA_TYPES = List.of("text/plain", "application/xml",
			"application/octet-stream", "multipart/form-data");

	private Mutations() {
	}

	static Arbitrary<Mutation> any() {
		Arbitrary<Integer> pick = Arbitraries.integers().between(0, 9_999);
		return Combinators.combine(pick, pick, pick).as(Mutation::new);
	}

	static FuzzRequest apply(FuzzRequest r, Mutation m) {
		List<String> targets = new ArrayList<>();
		if (!r.operation().in("path").isEmpty()) {
			targets.add("path");
		}
		if (!r.operation().in("query").isEmpty()) {
			targets.add("query");
		}
		if (!r.operation().in("header").isEmpty()) {
			targets.add("header");
		}
		targets.add("query unknown");
		if (r.operation().hasBody()) {
			if (!(r.body() instanceof FuzzRequest.Raw) && r.body() != FuzzRequest.NO_BODY) {
				targets.add("body value");
				targets.add("body member added");
				targets.add("body member removed");
			}
			targets.add("body shape");
			targets.add("body text");
			targets.add("media type");
		}
		if (targets.isEmpty()) {
			return r;
		}
		String target = targets.get(m.target() % targets.size());
		Map<String, Object> path = new LinkedHashMap<>(r.path());
		Map<String, Object> query = new LinkedHashMap<>(r.query());
		Map<String, Object> headers = new LinkedHashMap<>(r.headers());
		Object body = copy(r.body());
		String contentType = r.contentType();
		String what;
		switch (target) {
			case "path" -> {
				String name = pick(r.operation().in("path"), m.selector()).name();
				path.put(name, pick(PATH_VALUES, m.variant()));
				what = "path " + name;
			}
			case "query" -> {
				String name = pick(r.operation().in("query"), m.selector()).name();
				query.put(name, pick(QUERY_VALUES, m.variant()));
				what = "query " + name;
			}
			case "query unknown" -> {
				query.put(pick(List.of("unexpected", "dryrun", "sise", "Page"), m.selector()), pick(QUERY_VALUES, m.variant()));
				what = "query parameter the operation does not declare";
			}
			case "header" -> {
				String name = pick(r.operation().in("header"), m.selector()).name();
				headers.put(name, pick(HEADER_VALUES, m.variant()));
				what = "header " + name;
			}
			case "body value" -> {
				List<Slot> slots = slots(body);
				Object value = copy(pick(JSON_VALUES, m.variant()));
				if (slots.isEmpty()) {
					body = value;
					what = "body replaced";
				}
				else {
					Slot slot = pick(slots, m.selector());
					slot.set(value);
					what = "body value at " + slot;
				}
			}
			case "body member added" -> {
				List<Map<String, Object>> objects = objects(body);
				if (objects.isEmpty()) {
					return r;
				}
				pick(objects, m.selector()).put("unexpectedMember", copy(pick(JSON_VALUES, m.variant())));
				what = "body member added";
			}
			case "body member removed" -> {
				List<Slot> members = slots(body).stream().filter(s -> s.object != null).toList();
				if (members.isEmpty()) {
					return r;
				}
				Slot slot = pick(members, m.selector());
				slot.object.remove(slot.key);
				what = "body member removed at " + slot;
			}
			case "body shape" -> {
				body = new FuzzRequest.Raw(pick(SHAPES, m.variant()));
				what = "body shape";
			}
			case "body text" -> {
				String text = r.body() instanceof FuzzRequest.Raw raw ? raw.text()
						: r.body() == FuzzRequest.NO_BODY ? "{}" : JSON.writeValueAsString(r.body());
				body = new FuzzRequest.Raw(broken(r.body(), text, m));
				what = "body text";
			}
			case "media type" -> {
				contentType = pick(MEDIA_TYPES, m.variant());
				what = "media type";
			}
			default -> throw new IllegalStateException(target);
		}
		if (r.operation().hasBody() && body != FuzzRequest.NO_BODY && contentType.isEmpty()) {
			contentType = r.operation().body().mediaTypes().get(0);
		}
		return r.with(path, query, headers, body, contentType, what);
	}

	private static String broken(Object tree, String text, Mutation m) {
		return switch (m.variant() % 5) {
			case 0 -> text.substring(0, m.selector() % Math.max(1, text.length()));
			case 1 -> duplicated(tree, text);
			case 2 -> text + " {}";
			case 3 -> "{not json}";
			default -> text.replace(":", "=");
		};
	}

	/** The object's text with its first member given twice. */
	@SuppressWarnings("unchecked")
	private static String duplicated(Object tree, String text) {
		if (tree instanceof Map<?, ?> map && !map.isEmpty() && text.startsWith("{")) {
			Map.Entry<String, Object> first = ((Map<String, Object>) map).entrySet().iterator().next();
			return "{" + JSON.writeValueAsString(first.getKey()) + ":" + JSON.writeValueAsString(first.getValue()) + ","
					+ text.substring(1);
		}
		return "{\"a\":1,\"a\":2}";
	}

	/** A place in a JSON tree that holds a value: an object member or an array element. */
	private static final class Slot {

		final Map<String, Object> object;

		final String key;

		final List<Object> array;

		final int index;

		Slot(Map<String, Object> object, String key, List<Object> array, int index) {
			this.object = object;
			this.key = key;
			this.array = array;
			this.index = index;
		}

		void set(Object value) {
			if (object != null) {
				object.put(key, value);
			}
			else {
				array.set(index, value);
			}
		}

		@Override
		public String toString() {
			return object != null ? key : "[" + index + "]";
		}

	}

	@SuppressWarnings("unchecked")
	private static List<Slot> slots(Object tree) {
		List<Slot> out = new ArrayList<>();
		if (tree instanceof Map<?, ?> map) {
			for (Map.Entry<String, Object> e : ((Map<String, Object>) map).entrySet()) {
				out.add(new Slot((Map<String, Object>) map, e.getKey(), null, -1));
				out.addAll(slots(e.getValue()));
			}
		}
		else if (tree instanceof List<?> list) {
			for (int i = 0; i < list.size(); i++) {
				out.add(new Slot(null, null, (List<Object>) list, i));
				out.addAll(slots(list.get(i)));
			}
		}
		return out;
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> objects(Object tree) {
		List<Map<String, Object>> out = new ArrayList<>();
		if (tree instanceof Map<?, ?> map) {
			out.add((Map<String, Object>) map);
			map.values().forEach(v -> out.addAll(objects(v)));
		}
		else if (tree instanceof List<?> list) {
			list.forEach(v -> out.addAll(objects(v)));
		}
		return out;
	}

	/** A deep, mutable copy of a JSON tree. */
	@SuppressWarnings("unchecked")
	static Object copy(Object tree) {
		if (tree instanceof Map<?, ?> map) {
			Map<String, Object> out = new LinkedHashMap<>();
			((Map<String, Object>) map).forEach((k, v) -> out.put(k, copy(v)));
			return out;
		}
		if (tree instanceof List<?> list) {
			List<Object> out = new ArrayList<>();
			list.forEach(v -> out.add(copy(v)));
			return out;
		}
		return tree;
	}

	private static <T> T pick(List<T> list, int selector) {
		return list.get(selector % list.size());
	}

}
