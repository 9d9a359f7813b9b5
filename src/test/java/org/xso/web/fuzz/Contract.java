package org.xso.web.fuzz;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.Yaml;

/**
 * {@code openapi.yaml} as the fuzzer reads it: every operation with its parameters (path-level
 * and its own) and request body, and the schemas behind them with {@code $ref}s followed.
 */
final class Contract {

	private static final List<String> METHODS = List.of("get", "put", "post", "patch", "delete");

	/** One parameter of an operation. */
	record Parameter(String name, String in, boolean required, Map<String, Object> schema) {
	}

	/** An operation's request body: its media types and schema. */
	record Body(boolean required, List<String> mediaTypes, Map<String, Object> schema) {
	}

	/** One operation: {@code POST /api/v1/domains/{domid}/suspend} and what it takes. */
	record Operation(String id, String method, String path, List<Parameter> parameters, Body body,
			Map<String, Object> responses) {

		boolean hasBody() {
			return body != null;
		}

		List<Parameter> in(String location) {
			return parameters.stream().filter(p -> p.in().equals(location)).toList();
		}

		@Override
		public String toString() {
			return id + " (" + method.toUpperCase() + " " + path + ")";
		}

	}

	private final Map<String, Object> root;

	private final List<Operation> operations = new ArrayList<>();

	private Contract(Map<String, Object> root) {
		this.root = root;
		Map<String, Object> paths = map(root.get("paths"));
		for (Map.Entry<String, Object> path : paths.entrySet()) {
			Map<String, Object> item = map(path.getValue());
			List<Object> shared = list(item.get("parameters"));
			for (String method : METHODS) {
				if (!item.containsKey(method)) {
					continue;
				}
				Map<String, Object> op = map(item.get(method));
				List<Parameter> parameters = new ArrayList<>();
				for (Object p : concat(shared, list(op.get("parameters")))) {
					Map<String, Object> param = deref(map(p));
					parameters.add(new Parameter((String) param.get("name"), (String) param.get("in"),
							Boolean.TRUE.equals(param.get("required")), map(param.get("schema"))));
				}
				Body body = null;
				if (op.containsKey("requestBody")) {
					Map<String, Object> rb = deref(map(op.get("requestBody")));
					Map<String, Object> content = map(rb.get("content"));
					Map<String, Object> first = map(content.values().iterator().next());
					body = new Body(Boolean.TRUE.equals(rb.get("required")), List.copyOf(content.keySet()),
							map(first.get("schema")));
				}
				operations.add(new Operation((String) op.get("operationId"), method, path.getKey(),
						List.copyOf(parameters), body, map(op.get("responses"))));
			}
		}
	}

	static Contract load(Path file) {
		try (Reader in = Files.newBufferedReader(file)) {
			return new Contract(new Yaml().load(in));
		}
		catch (IOException e) {
			throw new IllegalStateException("cannot read " + file, e);
		}
	}

	List<Operation> operations() {
		return List.copyOf(operations);
	}

	/** The schema a {@code $ref} names (repeatedly), or the schema itself. */
	Map<String, Object> deref(Map<String, Object> schema) {
		Map<String, Object> s = schema;
		while (s.containsKey("$ref")) {
			String ref = (String) s.get("$ref");
			if (!ref.startsWith("#/")) {
				throw new IllegalArgumentException("only local references are supported: " + ref);
			}
			Object node = root;
			for (String part : ref.substring(2).split("/")) {
				node = map(node).get(part);
			}
			s = map(node);
		}
		return s;
	}

	/** The values of the {@code ProblemCode} enum. */
	List<String> problemCodes() {
		Map<String, Object> schema = deref(Map.of("$ref", "#/components/schemas/ProblemCode"));
		return list(schema.get("enum")).stream().map(String::valueOf).toList();
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> map(Object o) {
		return o == null ? Map.of() : (Map<String, Object>) o;
	}

	@SuppressWarnings("unchecked")
	static List<Object> list(Object o) {
		return o == null ? List.of() : (List<Object>) o;
	}

	private static List<Object> concat(List<Object> a, List<Object> b) {
		List<Object> all = new ArrayList<>(a);
		all.addAll(b);
		return all;
	}

}
