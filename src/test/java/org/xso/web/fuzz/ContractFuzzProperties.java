package org.xso.web.fuzz;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import net.jqwik.api.Example;
import net.jqwik.api.RandomGenerator;
import org.springframework.http.HttpMethod;
import org.springframework.test.context.TestContextManager;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;
import org.springframework.web.util.UriUtils;
import org.xso.support.Database;
import org.xso.support.Guests;
import org.xso.support.IntegrationTest;
import org.xso.web.ProblemType;
import org.xso.web.fuzz.FuzzRequest.Known;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * A contract fuzzer: requests generated from {@code openapi.yaml} (valid ones, and valid ones made
 * hostile) sent to every operation of the whole application (MockMvc, H2, the
 * {@link org.xso.support.FakeHypervisor}), in sessions that start from two guests, one running
 * with a live checkpoint and one suspended. For every answer:
 * <ul>
 * <li>it is a 2xx or a 4xx, never a 5xx;</li>
 * <li>it matches the contract, and a request answered 2xx satisfies the contract (both checked
 * by {@link org.xso.support.ContractValidation} on every exchange), so whatever the contract
 * rejects the service rejects too;</li>
 * <li>a 4xx is a problem detail whose {@code code} is catalogued with that status;</li>
 * <li>a rejected request changed nothing: the domains, devices, checkpoints, operations and leases
 * in the database and the guests in the hypervisor are as they were.</li>
 * </ul>
 * Generation is jqwik's (the arbitraries of {@link Requests}), driven by one seeded random so a
 * run is reproducible: {@code -Dxso.fuzz.seed=N} (default {@value #DEFAULT_SEED}) and
 * {@code -Dxso.fuzz.requests=N} (default {@value #DEFAULT_REQUESTS}); the seed, the count and the
 * answers per operation are printed. A failure names the seed, the request's number and the
 * request. (A property of jqwik's own would fix its seed in an annotation that no command line
 * can change; the requests of one run depend on each other through the service's state anyway,
 * so they are one example here, not independent tries to shrink.)
 */
class ContractFuzzProperties extends IntegrationTest {

	static final long DEFAULT_SEED = 20_261_204L;

	static final int DEFAULT_REQUESTS = 300;

	/** Requests per session; each session starts from the same two guests. */
	private static final int SESSION = 50;

	private static final Pattern TEMPLATE = Pattern.compile("\\{([^}]+)}");

	private static final UUID ABSENT = UUID.fromString("00000000-0000-4000-8000-0000000000f0");

	/** The state as it stands, while no request has been accepted since it was taken. */
	private Snapshot known;

	@Example
	void everyAnswerIsA2xxOrAProblemDetailAndARejectedRequestChangesNothing() throws Exception {
		new TestContextManager(getClass()).prepareTestInstance(this);
		long seed = Long.getLong("xso.fuzz.seed", DEFAULT_SEED);
		int total = Integer.getInteger("xso.fuzz.requests", DEFAULT_REQUESTS);
		Contract contract = Contract.load(Path.of("openapi.yaml"));
		assertThat(contract.problemCodes()).as("the catalogue in openapi.yaml")
			.containsExactlyInAnyOrderElementsOf(Arrays.stream(ProblemType.values()).map(Enum::name).toList());
		RandomGenerator<FuzzRequest> requests = new Requests(contract).any().generator(1000);
		Random random = new Random(seed);
		System.out.printf("contract fuzz: seed %d (-Dxso.fuzz.seed), %d requests (-Dxso.fuzz.requests)%n", seed,
				total);
		Tally tally = new Tally();
		long started = System.nanoTime();
		long inSessions = 0;
		for (int i = 0; i < total; i++) {
			if (i % SESSION == 0) {
				long t = System.nanoTime();
				freshSession();
				inSessions += System.nanoTime() - t;
			}
			exchange(seed, i, requests.next(random).value(), tally);
		}
		double seconds = (System.nanoTime() - started) / 1e9;
		System.out.printf("contract fuzz: seed %d: %d requests (%d made hostile) in %.1f s (%.1f s of it starting "
				+ "%d sessions): %s%n", seed, total, tally.mutated, seconds, inSessions / 1e9,
				(total + SESSION - 1) / SESSION, tally.byStatus);
		tally.byOperation.forEach((op, counts) -> System.out.printf("  %-26s %s%n", op, counts));
		assertThat(tally.byStatus.keySet()).as("answers").anyMatch(s -> s < 300).anyMatch(s -> s >= 400);
		if (total >= 10 * contract.operations().size()) {
			assertThat(tally.byOperation.keySet()).as("operations the fuzzer reached")
				.containsExactlyInAnyOrderElementsOf(contract.operations().stream().map(Contract.Operation::id).toList());
		}
	}

	private void freshSession() throws Exception {
		settle();
		known = null;
		hypervisor.reset();
		Database.clear(jdbc);
		createDomain(1);
		createDomain(2);
		awaitOperation(id(call(postJson("/api/v1/domains/1/checkpoints", Guests.SHADOW_REPLAY), 202)), "SUCCEEDED");
		assertThat(suspend(2, Guests.SHADOW_REPLAY).get("state").asString()).isEqualTo("SUCCEEDED");
	}

	private void exchange(long seed, int n, FuzzRequest request, Tally tally) throws Exception {
		Snapshot before = known != null ? known : Snapshot.take(jdbc, hypervisor);
		Sent sent = resolve(request);
		MvcResult result;
		try {
			result = mvc.perform(sent.builder()).andReturn();
			if (result.getRequest().isAsyncStarted()) {
				result = mvc.perform(asyncDispatch(result)).andReturn();
			}
		}
		catch (AssertionError e) {
			throw new AssertionError(describe(seed, n, request, sent) + "\n" + e.getMessage(), e);
		}
		int status = result.getResponse().getStatus();
		String body = result.getResponse().getContentAsString(StandardCharsets.UTF_8);
		tally.count(request, status);
		String where = describe(seed, n, request, sent) + "\n  -> " + status + " " + body;
		assertThat(status).as(where).matches(s -> (s >= 200 && s < 300) || (s >= 400 && s < 500), "2xx or 4xx");
		if (status >= 400) {
			assertThat(result.getResponse().getContentType()).as(where).startsWith("application/problem+json");
			JsonNode problem = json.readTree(body);
			ProblemType code = ProblemType.valueOf(problem.get("code").asString());
			assertThat(code.status().value()).as(where).isEqualTo(status);
			assertThat(problem.get("status").asInt()).as(where).isEqualTo(status);
			Snapshot after = Snapshot.take(jdbc, hypervisor);
			assertThat(after).as("state after a rejected request: " + where).isEqualTo(before);
			known = after;
		}
		else {
			known = null; // an accepted request may have changed anything
			if (status == 202) {
				settle();
			}
		}
	}

	/** Waits until no operation is pending or running, cancelling periodic ones (which never end alone). */
	private void settle() {
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
			List<Map<String, Object>> active = jdbc
				.queryForList("select id, kind from operations where state in ('PENDING', 'RUNNING')");
			for (Map<String, Object> op : active) {
				if ("PERIODIC_CHECKPOINT".equals(op.get("kind"))) {
					mvc.perform(post("/api/v1/operations/" + op.get("id") + "/cancel")).andReturn();
				}
			}
			return active.isEmpty();
		});
		Database.awaitQuiet(jdbc);
	}

	/** A request with its references resolved against the service's state, ready to send. */
	private record Sent(String method, String uri, Map<String, String> headers, String contentType, String body) {

		MockHttpServletRequestBuilder builder() {
			MockHttpServletRequestBuilder b = MockMvcRequestBuilders.request(HttpMethod.valueOf(method), URI.create(uri));
			headers.forEach(b::header);
			if (!contentType.isEmpty()) {
				b.contentType(contentType);
			}
			if (body != null) {
				b.content(body);
			}
			return b;
		}

	}

	private Sent resolve(FuzzRequest r) throws Exception {
		Map<String, String> path = new LinkedHashMap<>();
		r.path().forEach((k, v) -> path.put(k, text(resolve(v, path))));
		StringBuilder uri = new StringBuilder();
		Matcher m = TEMPLATE.matcher(r.operation().path());
		while (m.find()) {
			m.appendReplacement(uri,
					Matcher.quoteReplacement(UriUtils.encodePathSegment(path.get(m.group(1)), StandardCharsets.UTF_8)));
		}
		m.appendTail(uri);
		String separator = "?";
		for (Map.Entry<String, Object> q : r.query().entrySet()) {
			uri.append(separator)
				.append(UriUtils.encodeQueryParam(q.getKey(), StandardCharsets.UTF_8))
				.append('=')
				.append(UriUtils.encodeQueryParam(text(resolve(q.getValue(), path)), StandardCharsets.UTF_8));
			separator = "&";
		}
		Map<String, String> headers = new LinkedHashMap<>();
		r.headers().forEach((k, v) -> headers.put(k, text(resolve(v, path))));
		String body = null;
		if (r.body() instanceof FuzzRequest.Raw raw) {
			body = raw.text();
		}
		else if (r.body() != FuzzRequest.NO_BODY) {
			body = json.writeValueAsString(resolve(r.body(), path));
		}
		return new Sent(r.operation().method().toUpperCase(), uri.toString(), headers, r.contentType(), body);
	}

	/** The tree with every {@link Known} replaced by what the service's state holds now. */
	@SuppressWarnings("unchecked")
	private Object resolve(Object value, Map<String, String> path) {
		if (value instanceof Map<?, ?> map) {
			Map<String, Object> out = new LinkedHashMap<>();
			((Map<String, Object>) map).forEach((k, v) -> out.put(k, resolve(v, path)));
			return out;
		}
		if (value instanceof List<?> list) {
			List<Object> out = new ArrayList<>();
			list.forEach(v -> out.add(resolve(v, path)));
			return out;
		}
		if (!(value instanceof Known known)) {
			return value;
		}
		return switch (known.kind()) {
			case DOMID -> {
				List<Integer> ids = new ArrayList<>(jdbc.queryForList("select domid from domains order by domid",
						Integer.class));
				ids.add(ids.isEmpty() ? 1 : ids.get(ids.size() - 1) % 32751 + 1);
				yield ids.get(known.pick() % ids.size());
			}
			case CHECKPOINT -> pick(jdbc.queryForList("select id from checkpoints order by created_at, id", UUID.class),
					known.pick());
			case OPERATION -> pick(jdbc.queryForList("select id from operations order by created_at, id", UUID.class),
					known.pick());
			case ETAG -> etag(path);
		};
	}

	private String etag(Map<String, String> path) {
		try {
			if (path.containsKey("domid")) {
				List<Long> v = jdbc.queryForList("select version from domains where domid = ?", Long.class,
						Integer.parseInt(path.get("domid")));
				return "\"" + (v.isEmpty() ? 0 : v.get(0)) + "\"";
			}
			if (path.containsKey("id")) {
				List<String> sha = jdbc.queryForList("select sha256 from checkpoints where id = ?", String.class,
						UUID.fromString(path.get("id")));
				return sha.isEmpty() ? "\"0\"" : "\"" + sha.get(0) + "\"";
			}
		}
		catch (IllegalArgumentException e) {
			// a hostile path value: any tag will do
		}
		return "*";
	}

	private static String pick(List<UUID> ids, int pick) {
		List<UUID> candidates = new ArrayList<>(ids);
		candidates.add(ABSENT);
		return candidates.get(pick % candidates.size()).toString();
	}

	private static String text(Object value) {
		return String.valueOf(value);
	}

	private static String describe(long seed, int n, FuzzRequest r, Sent sent) {
		String body = sent.body() == null ? "" : " body " + abbreviate(sent.body());
		return "request #" + n + " of seed " + seed + " (" + r.operation().id()
				+ (r.mutation() == null ? "" : ", hostile: " + r.mutation()) + "): " + sent.method() + " "
				+ abbreviate(sent.uri()) + " headers " + abbreviate(sent.headers().toString())
				+ (sent.contentType().isEmpty() ? "" : " content-type " + sent.contentType()) + body;
	}

	private static String abbreviate(String s) {
		return s.length() <= 400 ? s : s.substring(0, 400) + "...(" + s.length() + " characters)";
	}

	/** Answers per status and per operation. */
	private static final class Tally {

		final Map<Integer, Integer> byStatus = new TreeMap<>();

		final Map<String, Map<Integer, Integer>> byOperation = new TreeMap<>();

		int mutated;

		void count(FuzzRequest r, int status) {
			byStatus.merge(status, 1, Integer::sum);
			byOperation.computeIfAbsent(r.operation().id(), k -> new TreeMap<>()).merge(status, 1, Integer::sum);
			if (r.mutation() != null) {
				mutated++;
			}
		}

	}

}
