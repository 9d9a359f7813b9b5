package org.xso.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import tools.jackson.databind.JsonNode;

/**
 * Continuous checkpointing over HTTP: {@code guests} guests (1 vbd + 1 vif, workloads running,
 * {@code inFlight} block requests outstanding) each take live checkpoints back to back for
 * {@code seconds}, every one persisted (one client thread per guest: request, poll to the end,
 * next). Then the server's own schedule: a periodic checkpoint operation per guest at
 * {@code intervalMs} (the contract's minimum is 10 ms) for as long. Reports sustained checkpoints
 * per second per guest and the persisted bytes per checkpoint; writes
 * {@code checkpoints-<db>.json}.
 */
final class CheckpointDriver {

	static final double TARGET_PER_GUEST = 40;

	private CheckpointDriver() {
	}

	static Path run(Map<String, String> p, String command, Path out) throws Exception {
		int guests = Bench.intParam(p, "guests", 10);
		int seconds = Bench.intParam(p, "seconds", 10);
		int warmupSeconds = Bench.intParam(p, "warmupSeconds", 60);
		int inFlight = Bench.intParam(p, "inFlight", 8);
		int intervalMs = Bench.intParam(p, "intervalMs", 50);
		long pollUs = Bench.intParam(p, "pollUs", 500);
		String strategy = p.getOrDefault("strategy", "SHADOW_REPLAY");
		String db = p.containsKey("url") ? "url" : p.getOrDefault("db", "h2");
		Map<String, Object> params = new LinkedHashMap<>();
		params.put("guests", guests);
		params.put("seconds", seconds);
		params.put("warmupSeconds", warmupSeconds);
		params.put("inFlight", inFlight);
		params.put("intervalMs", intervalMs);
		params.put("poll", p.getOrDefault("poll", "long"));
		params.put("pollUs", pollUs);
		params.put("strategy", strategy);
		params.put("workers", p.getOrDefault("workers", "4"));
		Results results = new Results("checkpoints-" + db + (p.containsKey("tag") ? "-" + p.get("tag") : ""), command, params);
		ExecutorService pool = Executors.newFixedThreadPool(guests);
		try (ServiceUnderTest service = ServiceUnderTest.start(p, guests)) {
			results.put("service", service.description);
			ApiClient api = new ApiClient(service.baseUrl, service.token, !"short".equals(p.getOrDefault("poll", "long")));
			List<Integer> domids = LoadDriver.create(api, pool, 1, guests, LoadDriver.workload(inFlight, 8), -1,
					new OperationStats());
			// unmeasured: the JIT compiles the service's paths for tens of seconds after startup
			checkpointLoop(api, pool, domids, warmupSeconds, strategy, pollUs, new OperationStats());
			backToBack(api, pool, domids, seconds, strategy, pollUs, results);
			periodic(api, pool, domids, seconds, intervalMs, strategy, results);
		}
		finally {
			pool.shutdownNow();
		}
		results.print();
		return results.write(out);
	}

	private static void backToBack(ApiClient api, ExecutorService pool, List<Integer> domids, int seconds,
			String strategy, long pollUs, Results results) throws Exception {
		OperationStats ops = new OperationStats();
		long t0 = System.nanoTime();
		List<Long> counts = checkpointLoop(api, pool, domids, seconds, strategy, pollUs, ops);
		java.util.LongSummaryStatistics perGuest = new java.util.LongSummaryStatistics();
		counts.forEach(perGuest::accept);
		double wall = (System.nanoTime() - t0) / 1e9;
		double bytes = meanCheckpointBytes(api, domids);
		Map<String, Object> row = ops.row("back-to-back", "CHECKPOINT", (long) (wall * 1e9));
		double minPerGuest = perGuest.getMin() / wall;
		double meanPerGuest = perGuest.getAverage() / wall;
		row.put("perGuestPerSecondMean", Stats.round(meanPerGuest));
		row.put("perGuestPerSecondMin", Stats.round(minPerGuest));
		row.put("bytesPerCheckpoint", Math.round(bytes));
		results.rows.add(row);
		results.target("continuous checkpointing, " + domids.size() + " guests, persisted, per guest (slowest guest)",
				">= 40 checkpoints/s", minPerGuest, "checkpoints/s", minPerGuest >= TARGET_PER_GUEST,
				"back to back, each polled to its end");
	}

	/** Every guest checkpointed back to back for {@code seconds}; the checkpoints that succeeded per guest. */
	private static List<Long> checkpointLoop(ApiClient api, ExecutorService pool, List<Integer> domids, int seconds,
			String strategy, long pollUs, OperationStats ops) throws Exception {
		String body = "{\"strategy\":\"" + strategy + "\",\"quiesceTimeoutMs\":5000,\"deadlineMs\":60000}";
		long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
		List<Future<Long>> futures = new ArrayList<>();
		for (int domid : domids) {
			futures.add(pool.submit(() -> {
				long n = 0;
				while (System.nanoTime() < end) {
					long s = System.nanoTime();
					JsonNode op = api.await(
							api.post("/domains/" + domid + "/checkpoints", body).require(202).path("id").asText(),
							pollUs, LoadDriver.OP_TIMEOUT);
					ops.add(System.nanoTime() - s, op);
					n += "SUCCEEDED".equals(op.path("state").asText()) ? 1 : 0;
				}
				return n;
			}));
		}
		List<Long> counts = new ArrayList<>();
		for (Future<Long> f : futures) {
			counts.add(f.get());
		}
		return counts;
	}

	private static double meanCheckpointBytes(ApiClient api, List<Integer> domids) {
		long sum = 0;
		long n = 0;
		for (int domid : domids) {
			for (JsonNode c : api.get("/domains/" + domid + "/checkpoints?size=50").require(200).path("items")) {
				sum += c.path("sizeBytes").asLong();
				n++;
			}
		}
		return n == 0 ? Double.NaN : (double) sum / n;
	}

	private static void periodic(ApiClient api, ExecutorService pool, List<Integer> domids, int seconds,
			int intervalMs, String strategy, Results results) throws Exception {
		int count = Math.max(1, seconds * 1000 / intervalMs);
		String body = "{\"strategy\":\"" + strategy + "\",\"intervalMs\":" + intervalMs + ",\"count\":" + count
				+ ",\"quiesceTimeoutMs\":5000}";
		long t0 = System.nanoTime();
		List<Future<JsonNode>> futures = new ArrayList<>();
		for (int domid : domids) {
			futures.add(pool.submit(() -> api.await(
					api.post("/domains/" + domid + "/periodic-checkpoints", body).require(202).path("id").asText(),
					10_000, Duration.ofSeconds(seconds * 5L + 60))));
		}
		java.util.DoubleSummaryStatistics epochs = new java.util.DoubleSummaryStatistics();
		Stats paused = new Stats();
		Stats persist = new Stats();
		long bytes = 0;
		long sized = 0;
		for (Future<JsonNode> f : futures) {
			JsonNode op = f.get();
			JsonNode periodic = op.path("periodic");
			double opSeconds = java.time.Duration.between(java.time.Instant.parse(op.path("startedAt").asText()),
					java.time.Instant.parse(op.path("finishedAt").asText())).toNanos() / 1e9;
			epochs.accept(periodic.path("epochsCompleted").asLong() / Math.max(opSeconds, 1e-3));
			for (JsonNode e : periodic.path("recentEpochs")) {
				paused.add(e.path("pausedMs").asLong() * 1_000_000);
				persist.add(e.path("persistMs").asLong() * 1_000_000);
				bytes += e.path("sizeBytes").asLong();
				sized++;
			}
		}
		Map<String, Object> row = new LinkedHashMap<>();
		row.put("run", "periodic");
		row.put("operation", "PERIODIC_CHECKPOINT every " + intervalMs + " ms");
		row.put("ok", epochs.getCount());
		row.put("perGuestPerSecondMean", Stats.round(epochs.getAverage()));
		row.put("perGuestPerSecondMin", Stats.round(epochs.getMin()));
		row.put("pausedP50Ms", Stats.round(paused.percentileMs(50)));
		row.put("pausedP99Ms", Stats.round(paused.percentileMs(99)));
		// written after the thaw since the epoch no longer persists while paused (before: inside pausedMs)
		row.put("persistP50Ms", Stats.round(persist.percentileMs(50)));
		row.put("persistP99Ms", Stats.round(persist.percentileMs(99)));
		row.put("bytesPerCheckpoint", sized == 0 ? 0 : bytes / sized);
		row.put("wallSeconds", Stats.round((System.nanoTime() - t0) / 1e9));
		results.rows.add(row);
	}

}
