package org.xso.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The HTTP load driver: against a service (started here on H2 or PostgreSQL, or at {@code url}),
 * it creates {@code guests} guests of 1 vbd + 1 vif running block and network workloads, then
 *
 * <ol>
 * <li>{@code latency}: one guest with {@code inFlight} block requests outstanding goes through
 * {@code cycles} suspend → resume cycles, one at a time, each operation polled until it ends
 * ({@code poll=long}, the default: {@code GET /operations/{id}?waitMs=}, answered when it ends;
 * {@code poll=short}: a plain GET every {@code pollUs} microseconds; {@code poll=prefer}: no poll, the
 * request asks for the finished operation in its answer, {@code Prefer: wait=30});
 * <li>{@code concurrent}: every guest is suspended at once, then every guest resumed at once (all
 * requests sent by {@code concurrency} client threads before any is awaited), and the total time
 * is taken; each operation's latency there is the service's, from its creation to its end;
 * <li>the workloads stop and every device's counters are read: requests lost or duplicated, and
 * acknowledged writes that do not read back.
 * </ol>
 *
 * It reports throughput and p50/p95/p99 of each operation kind, the server's time per phase, and
 * writes {@code load-<db>.json}. A service started here ({@code db=}) also counts its database
 * work ({@link DatabaseWork}; {@code countDb=false}: not counted): transactions, statements and
 * batches per cycle of {@code latency} and per operation of each {@code concurrent} wave, with
 * their breakdown by thread, verb and table.
 */
final class LoadDriver {

	static final Duration OP_TIMEOUT = Duration.ofMinutes(5);

	/** The latency run's warm-up ends once the JIT compiled less than this share of a core over 10 s. */
	static final double JIT_SETTLED_PERCENT = 5;

	private LoadDriver() {
	}

	static Path run(Map<String, String> p, String command, Path out) throws Exception {
		int guests = Bench.intParam(p, "guests", 100);
		int cycles = Bench.intParam(p, "cycles", 1000);
		int warmupSeconds = Bench.intParam(p, "warmupSeconds", 60);
		int warmupMaxSeconds = Bench.intParam(p, "warmupMaxSeconds", warmupSeconds > 0 ? 300 : 0);
		int inFlight = Bench.intParam(p, "inFlight", 32);
		int latencyMs = Bench.intParam(p, "latencyMs", -1);
		int massInFlight = Bench.intParam(p, "massInFlight", 1);
		int massLatencyMs = Bench.intParam(p, "massLatencyMs", 20);
		int massPacketWindow = Bench.intParam(p, "massPacketWindow", 0);
		int concurrency = Bench.intParam(p, "concurrency", 64);
		long pollUs = Bench.intParam(p, "pollUs", 500);
		String strategy = p.getOrDefault("strategy", "SHADOW_REPLAY");
		String db = p.containsKey("url") ? "url" : p.getOrDefault("db", "h2");
		int sustainSeconds = Bench.intParam(p, "sustainSeconds", 0);
		int sampleSeconds = Bench.intParam(p, "sampleSeconds", 60);
		boolean countDb = !"url".equals(db) && !"false".equals(p.get("countDb"));
		Map<String, Object> params = new LinkedHashMap<>();
		params.put("guests", guests);
		params.put("cycles", cycles);
		params.put("warmupSeconds", warmupSeconds);
		params.put("warmupMaxSeconds", warmupMaxSeconds);
		params.put("jitSettledPercent", JIT_SETTLED_PERCENT);
		params.put("inFlight", inFlight);
		params.put("backendLatencyMs", latencyMs < 0 ? "simulator default (1 ms)" : latencyMs);
		params.put("massInFlight", massInFlight);
		params.put("massLatencyMs", massLatencyMs);
		params.put("massPacketWindow", massPacketWindow);
		params.put("concurrency", concurrency);
		params.put("poll", p.getOrDefault("poll", "long"));
		params.put("pollUs", pollUs);
		params.put("strategy", strategy);
		params.put("workers", p.getOrDefault("workers", "4"));
		if (!"url".equals(db)) {
			params.put("countDb", countDb);
		}
		if (sustainSeconds > 0) {
			params.put("sustainSeconds", sustainSeconds);
			params.put("sampleSeconds", sampleSeconds);
			params.put("opsRetention", p.getOrDefault("opsRetention", "service default (P7D)"));
			params.put("pruneInterval", p.getOrDefault("pruneInterval", "service default (PT1M)"));
		}
		Results results = new Results("load-" + db + (p.containsKey("tag") ? "-" + p.get("tag") : ""), command, params);
		ExecutorService pool = Executors.newFixedThreadPool(concurrency);
		try (ServiceUnderTest service = ServiceUnderTest.start(p, guests, countDb)) {
			results.put("service", service.description);
			String poll = p.getOrDefault("poll", "long");
			ApiClient api = new ApiClient(service.baseUrl, service.token, !"short".equals(poll), "prefer".equals(poll));
			OperationStats creates = new OperationStats();
			long t0 = System.nanoTime();
			// inFlight=0: the latency guest runs no workload, so the run measures the service alone
			List<Integer> domids = new ArrayList<>(create(api, pool, 1, 1, inFlight > 0 ? workload(inFlight, 32) : null,
					latencyMs, creates));
			latency(api, domids.get(0), cycles, warmupSeconds, warmupMaxSeconds, strategy, pollUs, results,
					service.databaseWork, "postgres".equals(db));
			// massInFlight=0: the guests run no workload either (the service alone, with many guests)
			domids.addAll(create(api, pool, 2, guests, massInFlight > 0 ? workload(massInFlight, massPacketWindow) : null,
					massLatencyMs, creates));
			results.rows.add(0, creates.row("setup", "CREATE", System.nanoTime() - t0));
			concurrent(api, pool, domids, strategy, pollUs, results, db, service.databaseWork);
			if (sustainSeconds > 0) {
				SustainedLoad.run(api, pool, domids, strategy, pollUs, results, sustainSeconds, sampleSeconds,
						service.database);
			}
			integrity(api, pool, domids, results, db, guests);
			results.put("overloadRetries", api.overloadRetries.get());
			results.put("polls", api.polls.get());
		}
		finally {
			pool.shutdownNow();
		}
		results.print();
		if (results.root.get("databaseWork") != null) {
			DatabaseWork.print(Results.JSON.valueToTree(results.root.get("databaseWork")));
		}
		return results.write(out);
	}

	/** A block workload of {@code queueDepth}, and a net workload of {@code packetWindow} if it is above 0. */
	static String workload(int queueDepth, int packetWindow) {
		return "{\"action\":\"START\",\"block\":true,\"queueDepth\":" + queueDepth
				+ ",\"maxSectors\":8,\"regionSectors\":1024,\"net\":" + (packetWindow > 0) + ",\"packetWindow\":"
				+ Math.max(1, packetWindow) + "}";
	}

	/**
	 * Creates domains {@code from..to} with 1 vbd + 1 vif, sets the vbd's latency (if >= 0), starts
	 * the workload (if any).
	 */
	static List<Integer> create(ApiClient api, ExecutorService pool, int from, int to, @Nullable String workload,
			int latencyMs, OperationStats creates) throws Exception {
		List<Future<Integer>> futures = new ArrayList<>();
		for (int domid = from; domid <= to; domid++) {
			int n = domid;
			futures.add(pool.submit(() -> {
				String mac = String.format(Locale.ROOT, "00:16:3e:%02x:%02x:%02x", (n >> 16) & 0xff, (n >> 8) & 0xff,
						n & 0xff);
				long s = System.nanoTime();
				api.post("/domains", "{\"domid\":" + n + ",\"name\":\"bench-" + n + "\",\"memoryMiB\":64,\"vcpus\":1,"
						+ "\"devices\":[{\"type\":\"vbd\",\"devid\":51712,\"sectors\":1048576},"
						+ "{\"type\":\"vif\",\"devid\":0,\"mac\":\"" + mac + "\"}]}")
					.require(201);
				creates.latency.add(System.nanoTime() - s);
				if (latencyMs >= 0) {
					api.post("/simulator/faults", "{\"kind\":\"BACKEND_LATENCY\",\"domid\":" + n
							+ ",\"deviceType\":\"vbd\",\"devid\":51712,\"latencyMs\":" + latencyMs + "}")
						.require(204);
				}
				if (workload != null) {
					api.post("/domains/" + n + "/workload", workload).require(200);
				}
				return n;
			}));
		}
		List<Integer> domids = new ArrayList<>();
		for (Future<Integer> f : futures) {
			domids.add(f.get());
		}
		return domids;
	}

	/**
	 * One guest, operations one at a time: the latency an API user sees. Cycles run for
	 * {@code warmupSeconds} first, unmeasured, and on until the JIT has settled (at most
	 * {@code warmupMaxSeconds}, see {@link JitWarmup}): the service's JIT compiles Spring, Hibernate
	 * and the database's code paths for minutes after startup, and on 2 cores the compiler threads
	 * compete with the operations (a few hundred cycles measure mostly the compiler). The result says
	 * how long the warm-up took and the compilers' share of a core during the measured cycles. With
	 * {@code work}, the database work of the measured cycles is counted, from a settled snapshot
	 * before the first to one after the last, and checked against the targets per cycle.
	 */
	private static void latency(ApiClient api, int domid, int cycles, int warmupSeconds, int warmupMaxSeconds,
			String strategy, long pollUs, Results results, @Nullable DatabaseWork work, boolean postgres)
			throws InterruptedException {
		OperationStats suspends = new OperationStats();
		OperationStats resumes = new OperationStats();
		Stats cycle = new Stats();
		String body = "{\"strategy\":\"" + strategy + "\",\"quiesceTimeoutMs\":5000,\"deadlineMs\":60000}";
		JitWarmup warmup = new JitWarmup(warmupSeconds, warmupMaxSeconds, JIT_SETTLED_PERCENT);
		int warmupCycles = 0;
		while (warmup.goOn()) {
			suspendResume(api, domid, body, pollUs);
			warmupCycles++;
		}
		results.put("latencyWarmupSeconds", Stats.round(warmup.seconds()));
		results.put("latencyJitSettled", warmup.settled());
		DatabaseWork.Snapshot before = (work != null) ? work.settled() : null;
		long jitBefore = warmup.compilationMillis();
		long measuredFrom = System.nanoTime();
		for (int i = 0; i < cycles; i++) {
			Cycle c = suspendResume(api, domid, body, pollUs);
			suspends.add(c.resumeStartNanos() - c.startNanos(), c.suspend());
			resumes.add(c.endNanos() - c.resumeStartNanos(), c.resume());
			cycle.add(c.endNanos() - c.startNanos());
		}
		results.put("latencyJitPercent",
				JitWarmup.percentSince(jitBefore, warmup.compilationMillis(), System.nanoTime() - measuredFrom));
		DatabaseWork.Snapshot after = (work != null) ? work.settled() : null;
		long wall = (long) (cycle.meanMs() * 1e6 * cycle.count());
		results.put("latencyWarmupCycles", warmupCycles);
		results.rows.add(suspends.row("latency", "SUSPEND", wall));
		results.rows.add(resumes.row("latency", "RESUME", wall));
		OperationStats both = new OperationStats();
		Map<String, Object> row = both.row("latency", "SUSPEND+RESUME", wall);
		row.putAll(cycle.summary());
		row.remove("count");
		row.put("ok", cycle.count());
		row.put("perSecond", Stats.round(cycle.count() / (wall / 1e9)));
		row.remove("phaseP50Ms");
		Map<String, Object> db = (work != null) ? after.minus(before).report(cycles, "cycle") : null;
		if (db != null) {
			row.putAll(DatabaseWork.columns(db));
			databaseWork(results).put("latency", db);
		}
		results.rows.add(row);
		// how the client learned each operation's end: polled, or in the answer (Prefer: wait)
		String followed = api.preferWait ? "answered finished" : "polled";
		if (postgres) {
			// the PostgreSQL target is the p50's alone
			results.target("1 vbd + 1 vif suspend -> resume through HTTP on PostgreSQL, " + followed + ", p50",
					"<= 10 ms", cycle.percentileMs(50), "ms", cycle.percentileMs(50) <= 10, "");
		}
		else {
			boolean met = cycle.percentileMs(50) <= 5 && cycle.percentileMs(99) <= 20;
			results.target("1 vbd + 1 vif suspend -> resume through HTTP, " + followed + ", p50", "<= 5 ms",
					cycle.percentileMs(50), "ms", cycle.percentileMs(50) <= 5, "");
			results.target("1 vbd + 1 vif suspend -> resume through HTTP, " + followed + ", p99", "<= 20 ms",
					cycle.percentileMs(99), "ms", cycle.percentileMs(99) <= 20, met ? "" : "see the per-phase times");
		}
		if (db != null) {
			double tx = (double) db.get("transactionsOnPath");
			double statements = (double) db.get("statementsOnPath");
			String all = "with the event log and background jobs: " + Results.format(db.get("transactions"))
					+ " transactions, " + Results.format(db.get("statements")) + " statements in "
					+ Results.format(db.get("batches")) + " batches";
			results.target("1 vbd + 1 vif suspend -> resume, transactions per cycle on the operation's path", "<= 6", tx,
					"transactions", tx <= 6, all);
			results.target("1 vbd + 1 vif suspend -> resume, statements per cycle on the operation's path", "<= 30",
					statements, "statements", statements <= 30, all);
		}
	}

	/** The result's {@code databaseWork}: one entry per counted window. */
	@SuppressWarnings("unchecked")
	private static Map<String, Object> databaseWork(Results results) {
		return (Map<String, Object>) results.root.computeIfAbsent("databaseWork", (k) -> new LinkedHashMap<>());
	}

	/** One suspend → resume, each operation polled to its end. */
	private static Cycle suspendResume(ApiClient api, int domid, String body, long pollUs) {
		long t0 = System.nanoTime();
		JsonNode s = api.runToEnd("/domains/" + domid + "/suspend", body, pollUs, OP_TIMEOUT);
		long t1 = System.nanoTime();
		JsonNode r = api.runToEnd("/domains/" + domid + "/resume", "", pollUs, OP_TIMEOUT);
		return new Cycle(t0, s, t1, r, System.nanoTime());
	}

	/** The two operations of a cycle as they ended, and when the client sent each and saw the last end. */
	private record Cycle(long startNanos, JsonNode suspend, long resumeStartNanos, JsonNode resume, long endNanos) {
	}

	/**
	 * Every guest suspended at once, then every guest resumed at once: each wave's requests are all
	 * sent first, then each operation is awaited. An operation's latency is the service's own, from
	 * its creation to its end (the client may look at it later than that); the total is the
	 * client's wall time for both waves. With {@code work}, each wave's database work is counted
	 * and divided by its operations: the snapshot between the waves is taken at once, not settled,
	 * so as not to pause the timed run (the event log of the suspend wave's last operations may be
	 * counted with the resume wave).
	 */
	private static void concurrent(ApiClient api, ExecutorService pool, List<Integer> domids, String strategy,
			long pollUs, Results results, String db, @Nullable DatabaseWork work) throws Exception {
		String body = "{\"strategy\":\"" + strategy + "\",\"quiesceTimeoutMs\":30000,\"deadlineMs\":600000}";
		DatabaseWork.Snapshot before = (work != null) ? work.settled() : null;
		long t0 = System.nanoTime();
		OperationStats suspends = wave(api, pool, domids, (domid) -> api.post("/domains/" + domid + "/suspend", body),
				pollUs);
		DatabaseWork.Snapshot between = (work != null) ? work.snapshot() : null;
		// a wave queues behind the service's workers: give each operation the wave's time, not the default minute
		OperationStats resumes = wave(api, pool, domids,
				(domid) -> api.post("/domains/" + domid + "/resume", "{\"deadlineMs\":600000}"), pollUs);
		long wall = System.nanoTime() - t0;
		Map<String, Object> suspendRow = suspends.row("concurrent", "SUSPEND", wall);
		Map<String, Object> resumeRow = resumes.row("concurrent", "RESUME", wall);
		if (work != null) {
			Map<String, Object> s = between.minus(before).report(domids.size(), "operation");
			Map<String, Object> r = work.settled().minus(between).report(domids.size(), "operation");
			suspendRow.putAll(DatabaseWork.columns(s));
			resumeRow.putAll(DatabaseWork.columns(r));
			databaseWork(results).put("concurrentSuspend", s);
			databaseWork(results).put("concurrentResume", r);
		}
		results.rows.add(suspendRow);
		results.rows.add(resumeRow);
		results.put("concurrentTotalSeconds", Stats.round(wall / 1e9));
		results.put("concurrentGuests", domids.size());
		System.out.printf(Locale.ROOT, "%d guests suspended and resumed concurrently in %.3f s (%s)%n", domids.size(),
				wall / 1e9, db);
	}

	static OperationStats wave(ApiClient api, ExecutorService pool, List<Integer> domids,
			java.util.function.IntFunction<ApiClient.Response> start, long pollUs) throws Exception {
		return wave(api, pool, domids, start, pollUs, new OperationStats());
	}

	/** Starts the operation of every guest, then awaits each; their latencies go into {@code stats}. */
	static OperationStats wave(ApiClient api, ExecutorService pool, List<Integer> domids,
			java.util.function.IntFunction<ApiClient.Response> start, long pollUs, OperationStats stats)
			throws Exception {
		List<Future<String>> submitted = new ArrayList<>();
		for (int domid : domids) {
			submitted.add(pool.submit(() -> start.apply(domid).require(202).path("id").asText()));
		}
		List<Future<?>> awaited = new ArrayList<>();
		for (Future<String> id : submitted) {
			String operationId = id.get();
			awaited.add(pool.submit(() -> {
				JsonNode op = api.await(operationId, Math.max(pollUs, 5_000), OP_TIMEOUT);
				stats.add(serverNanos(op), op);
				return null;
			}));
		}
		for (Future<?> f : awaited) {
			f.get();
		}
		return stats;
	}

	private static long serverNanos(JsonNode op) {
		if (!op.hasNonNull("finishedAt")) {
			return 0;
		}
		return java.time.Duration.between(java.time.Instant.parse(op.path("createdAt").asText()),
				java.time.Instant.parse(op.path("finishedAt").asText())).toNanos();
	}

	/** Stops the workloads and sums what went wrong: lost, duplicated, mismatched, failed operations. */
	private static void integrity(ApiClient api, ExecutorService pool, List<Integer> domids, Results results,
			String db, int guests) throws Exception {
		List<Future<long[]>> futures = new ArrayList<>();
		List<String> unreachable = java.util.Collections.synchronizedList(new ArrayList<>());
		for (int domid : domids) {
			futures.add(pool.submit(() -> {
				try {
					return counters(api, domid);
				}
				catch (RuntimeException e) {
					unreachable.add("dom" + domid + ": " + e.getMessage());
					return new long[4];
				}
			}));
		}
		long[] sum = new long[4];
		for (Future<long[]> f : futures) {
			long[] v = f.get();
			for (int i = 0; i < sum.length; i++) {
				sum[i] += v[i];
			}
		}
		results.put("guestsNotReadable", unreachable.size());
		if (!unreachable.isEmpty()) {
			results.put("guestsNotReadableFirst", unreachable.subList(0, Math.min(5, unreachable.size())));
		}
		long failed = results.rows.stream().mapToLong((r) -> ((Number) r.getOrDefault("failed", 0)).longValue()).sum();
		results.put("lostRequests", sum[0]);
		results.put("duplicatedRequests", sum[1]);
		results.put("readBackMismatches", sum[2]);
		results.put("completedRequests", sum[3]);
		results.put("failedOperations", failed);
		if ("postgres".equals(db) && guests >= 1000) {
			double total = (double) results.root.get("concurrentTotalSeconds");
			results.target(guests + " guests suspended and resumed concurrently on PostgreSQL", "<= 10 s", total, "s",
					total <= 10, "");
			results.target("requests lost in that run", "0", sum[0], "requests",
					sum[0] == 0 && failed == 0 && unreachable.isEmpty(),
					failed + " failed operations, " + unreachable.size() + " guests whose counters could not be read");
		}
	}

	/** Stops the guest's workload and reads lost, duplicated, mismatched and completed requests. */
	private static long[] counters(ApiClient api, int domid) throws InterruptedException {
		api.post("/domains/" + domid + "/workload", "{\"action\":\"STOP\"}").require(200);
		JsonNode vbd = settled(api, "/domains/" + domid + "/devices/vbd/51712/stats");
		JsonNode vif = api.get("/domains/" + domid + "/devices/vif/0/stats").require(200);
		long mismatches = api.post("/domains/" + domid + "/workload/verify", "{}").require(200).path("mismatches").asLong();
		return new long[] { vbd.path("lost").asLong() + vif.path("lost").asLong(),
				vbd.path("duplicated").asLong() + vif.path("duplicated").asLong(),
				mismatches + vbd.path("verifyFailures").asLong(), vbd.path("completed").asLong() };
	}

	private static JsonNode settled(ApiClient api, String path) throws InterruptedException {
		long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		JsonNode stats;
		do {
			stats = api.get(path).require(200);
			if (stats.path("inFlight").asLong() == 0) {
				return stats;
			}
			Thread.sleep(5);
		}
		while (System.nanoTime() < end);
		return stats;
	}

}
