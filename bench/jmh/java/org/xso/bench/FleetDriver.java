package org.xso.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;

import tools.jackson.databind.JsonNode;

/**
 * Two instances on one PostgreSQL, each serving its own simulated host ({@code host-a},
 * {@code host-b}), in this JVM: guests on {@code host-a}, and the same live checkpoint asked of
 * either instance, alternately, with {@code Prefer: wait=30}. It measures what asking another
 * instance costs: the exchange as the client sees it, and the time from the operation's acceptance
 * (on the instance asked) to its start on the guest's host's instance (the assignment, the
 * notification, the claim), from the operation's own {@code createdAt} and {@code startedAt}.
 * Then guest 1 is moved between the two hosts (which share their storage) {@code moves} times,
 * each move asked of its target's instance: the time of each phase as the operation records it,
 * and from the hand-over on the source to the target's first phase (the notification and the
 * claim). Parameters: {@code guests} (4), {@code cycles} per instance (500), {@code moves} (200),
 * {@code warmupSeconds} (30), {@code pgUrl}/{@code pgUser}/{@code pgPassword}.
 */
final class FleetDriver {

	private FleetDriver() {
	}

	static Path run(Map<String, String> p, String command, Path out) throws Exception {
		int guests = Bench.intParam(p, "guests", 4);
		int cycles = Bench.intParam(p, "cycles", 500);
		int warmupSeconds = Bench.intParam(p, "warmupSeconds", 30);
		int moves = Bench.intParam(p, "moves", 200);
		Map<String, Object> params = new LinkedHashMap<>();
		params.put("guests", guests);
		params.put("cycles", cycles);
		params.put("warmupSeconds", warmupSeconds);
		params.put("moves", moves);
		params.put("operation", "CHECKPOINT, SUSPEND_RESUME, Prefer: wait=30; MOVE of an idle guest, SHADOW_REPLAY");
		Results results = new Results("fleet-postgres" + (p.containsKey("tag") ? "-" + p.get("tag") : ""), command,
				params);
		Map<String, String> a = new LinkedHashMap<>(p);
		a.put("db", "postgres");
		a.put("xso.host.name", "host-a");
		// shared storage: a guest suspended on one host is resumed on the other
		Path shared = java.nio.file.Files.createTempDirectory("xso-bench-shared-disks");
		a.put("xso.sim.snapshot-dir", shared.toString());
		try (ServiceUnderTest hostA = ServiceUnderTest.start(a, guests)) {
			Map<String, String> b = new LinkedHashMap<>(a);
			b.put("xso.host.name", "host-b");
			b.put("pgSchema", hostA.database.schema());
			try (ServiceUnderTest hostB = ServiceUnderTest.start(b, guests)) {
				results.put("service", hostA.description + ", two instances");
				ApiClient viaA = new ApiClient(hostA.baseUrl, hostA.token, true, true);
				ApiClient viaB = new ApiClient(hostB.baseUrl, hostB.token, true, true);
				var pool = Executors.newFixedThreadPool(Math.max(1, guests));
				try {
					LoadDriver.create(viaA, pool, 1, guests, null, -1, new OperationStats());
				}
				finally {
					pool.shutdownNow();
				}
				String body = "{\"strategy\":\"SUSPEND_RESUME\",\"quiesceTimeoutMs\":5000,\"deadlineMs\":30000}";
				long warmEnd = System.nanoTime() + Duration.ofSeconds(warmupSeconds).toNanos();
				for (int i = 0; System.nanoTime() < warmEnd; i++) {
					(i % 2 == 0 ? viaA : viaB).runToEnd("/domains/" + (1 + i % guests) + "/checkpoints", body, 0,
							Duration.ofSeconds(60));
				}
				Stats localExchange = new Stats();
				Stats localQueued = new Stats();
				Stats remoteExchange = new Stats();
				Stats remoteQueued = new Stats();
				for (int i = 0; i < 2 * cycles; i++) {
					boolean remote = i % 2 == 1;
					long s = System.nanoTime();
					JsonNode op = (remote ? viaB : viaA).runToEnd("/domains/" + (1 + i % guests) + "/checkpoints", body, 0,
							Duration.ofSeconds(60));
					long took = System.nanoTime() - s;
					if (!"SUCCEEDED".equals(op.path("state").asText()) || !"host-a".equals(op.path("host").asText())) {
						throw new IllegalStateException("unexpected: " + op);
					}
					long queued = Duration.between(Instant.parse(op.path("createdAt").asText()),
							Instant.parse(op.path("startedAt").asText())).toNanos();
					(remote ? remoteExchange : localExchange).add(took);
					(remote ? remoteQueued : localQueued).add(queued);
				}
				row(results, "asked of host-a's instance (local)", localExchange, localQueued);
				row(results, "asked of host-b's instance (runs on host-a)", remoteExchange, remoteQueued);
				moves(results, viaA, viaB, moves, warmupSeconds);
				results.put("overloadRetries", viaA.overloadRetries.get() + viaB.overloadRetries.get());
			}
		}
		results.print();
		return results.write(out);
	}

	/**
	 * Guest 1 moved back and forth, each move asked of its target's instance; per phase, and from
	 * the hand-over to the target's first phase, p50 and p99 of what the operations recorded.
	 */
	private static void moves(Results results, ApiClient viaA, ApiClient viaB, int moves, int warmupSeconds) {
		String[] hosts = { "host-a", "host-b" };
		long warmEnd = System.nanoTime() + Duration.ofSeconds(Math.max(1, warmupSeconds / 3)).toNanos();
		int n = 0;
		for (; System.nanoTime() < warmEnd; n++) {
			move(viaA, viaB, hosts, n);
		}
		Map<String, Stats> phases = new LinkedHashMap<>();
		Stats total = new Stats();
		Stats exchange = new Stats();
		Stats handoverToTarget = new Stats();
		for (int i = 0; i < moves; i++, n++) {
			long s = System.nanoTime();
			JsonNode op = move(viaA, viaB, hosts, n);
			exchange.add(System.nanoTime() - s);
			total.add(between(op.path("createdAt"), op.path("finishedAt")));
			JsonNode handedOver = null;
			for (JsonNode phase : op.path("phases")) {
				// each phase named with the side it ran on, as the operation reports it
				String side = phase.path("host").asText().equals(op.path("move").path("source").asText()) ? "source"
						: "target";
				phases.computeIfAbsent(phase.path("name").asText() + " (" + side + ")", k -> new Stats())
					.add(between(phase.path("startedAt"), phase.path("finishedAt")));
				if (handedOver != null) {
					handoverToTarget.add(between(handedOver, phase.path("startedAt")));
					handedOver = null;
				}
				if ("HANDOVER".equals(phase.path("name").asText())) {
					handedOver = phase.path("finishedAt");
				}
			}
		}
		Map<String, Object> r = results.row();
		r.put("run", "moves between host-a and host-b, each asked of its target's instance");
		r.put("operations", total.count());
		r.put("exchangeP50Ms", Stats.round(exchange.percentileMs(50)));
		r.put("exchangeP99Ms", Stats.round(exchange.percentileMs(99)));
		r.put("acceptedToFinishedP50Ms", Stats.round(total.percentileMs(50)));
		r.put("acceptedToFinishedP99Ms", Stats.round(total.percentileMs(99)));
		r.put("handOverToTargetStartP50Ms", Stats.round(handoverToTarget.percentileMs(50)));
		r.put("handOverToTargetStartP99Ms", Stats.round(handoverToTarget.percentileMs(99)));
		phases.forEach((name, st) -> {
			Map<String, Object> row = results.row();
			row.put("run", "  move phase " + name);
			row.put("operations", st.count());
			row.put("phaseP50Ms", Stats.round(st.percentileMs(50)));
			row.put("phaseP99Ms", Stats.round(st.percentileMs(99)));
		});
	}

	private static JsonNode move(ApiClient viaA, ApiClient viaB, String[] hosts, int n) {
		String target = hosts[(n + 1) % 2];
		JsonNode op = (target.equals("host-a") ? viaA : viaB).runToEnd("/domains/1/move",
				"{\"host\":\"" + target + "\",\"strategy\":\"SHADOW_REPLAY\",\"deadlineMs\":30000}", 0,
				Duration.ofSeconds(60));
		if (!"SUCCEEDED".equals(op.path("state").asText()) || !target.equals(op.path("host").asText())) {
			throw new IllegalStateException("unexpected: " + op);
		}
		return op;
	}

	private static long between(JsonNode from, JsonNode to) {
		return Duration.between(Instant.parse(from.asText()), Instant.parse(to.asText())).toNanos();
	}

	private static void row(Results results, String run, Stats exchange, Stats queued) {
		Map<String, Object> r = results.row();
		r.put("run", run);
		r.put("operations", exchange.count());
		r.put("exchangeP50Ms", Stats.round(exchange.percentileMs(50)));
		r.put("exchangeP99Ms", Stats.round(exchange.percentileMs(99)));
		r.put("acceptedToStartedP50Ms", Stats.round(queued.percentileMs(50)));
		r.put("acceptedToStartedP99Ms", Stats.round(queued.percentileMs(99)));
		r.put("acceptedToStartedMaxMs", Stats.round(queued.percentileMs(100)));
	}

}
