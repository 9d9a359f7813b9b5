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

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Continuous checkpointing over HTTP: {@code guests} guests (1 vbd + 1 vif, workloads running,
 * {@code inFlight} block requests outstanding) each take live checkpoints back to back for
 * {@code seconds}, every one persisted (one client thread per guest: request, poll to the end,
 * next). Then the server's own schedule: a periodic checkpoint operation per guest at
 * {@code intervalMs} (the contract's minimum, 10 ms, by default) for as many epochs as
 * {@code seconds} holds, and the same again with output commit. Reports sustained checkpoints per
 * second per guest, the guests' pause and the persist lag per epoch, the bytes of full and
 * incremental checkpoints, the guests' network round trip and where the machine's CPU went
 * ({@link CpuShare}); the rate target is the schedule's (the back-to-back rate is one HTTP
 * operation per checkpoint, reported as a figure); writes {@code checkpoints-<db>.json}
 * and the plot of pause and lag over the run ({@code plot}, default docs/checkpoint-epochs.png).
 */
final class CheckpointDriver {

	static final double TARGET_PER_GUEST = 40;

	/** The block workload's queue depth is a parameter; the net workload keeps this many packets in flight by default. */
	static final int PACKET_WINDOW = 8;

	/** The periodic run's epochs are summarized per this many milliseconds for the plot. */
	static final long SERIES_BUCKET_MS = 250;

	private CheckpointDriver() {
	}

	static Path run(Map<String, String> p, String command, Path out) throws Exception {
		int guests = Bench.intParam(p, "guests", 10);
		int seconds = Bench.intParam(p, "seconds", 60);
		int warmupSeconds = Bench.intParam(p, "warmupSeconds", 60);
		int inFlight = Bench.intParam(p, "inFlight", 8);
		// the guests' echo workload runs as fast as the machine lets it; 0: no network workload
		int packetWindow = Bench.intParam(p, "packetWindow", PACKET_WINDOW);
		int intervalMs = Bench.intParam(p, "intervalMs", 10);
		long pollUs = Bench.intParam(p, "pollUs", 500);
		String strategy = p.getOrDefault("strategy", "SHADOW_REPLAY");
		String db = p.containsKey("url") ? "url" : p.getOrDefault("db", "h2");
		Map<String, Object> params = new LinkedHashMap<>();
		params.put("guests", guests);
		params.put("seconds", seconds);
		params.put("warmupSeconds", warmupSeconds);
		params.put("inFlight", inFlight);
		params.put("packetWindow", packetWindow);
		params.put("intervalMs", intervalMs);
		params.put("poll", p.getOrDefault("poll", "long"));
		params.put("pollUs", pollUs);
		params.put("strategy", strategy);
		params.put("workers", p.getOrDefault("workers", "4"));
		params.put("outputCommit", !"false".equals(p.get("outputCommit")));
		// countDb=false: the periodic runs' database work is not counted
		boolean countDb = !"false".equals(p.get("countDb"));
		params.put("countDb", countDb);
		Results results = new Results("checkpoints-" + db + (p.containsKey("tag") ? "-" + p.get("tag") : ""), command, params);
		ExecutorService pool = Executors.newFixedThreadPool(guests);
		try (ServiceUnderTest service = ServiceUnderTest.start(p, guests, countDb)) {
			results.put("service", service.description);
			ApiClient api = new ApiClient(service.baseUrl, service.token, !"short".equals(p.getOrDefault("poll", "long")));
			List<Integer> domids = LoadDriver.create(api, pool, 1, guests, LoadDriver.workload(inFlight, packetWindow), -1,
					new OperationStats());
			// unmeasured: the JIT compiles the service's paths for tens of seconds after startup
			checkpointLoop(api, pool, domids, warmupSeconds, strategy, pollUs, new OperationStats());
			backToBack(api, pool, domids, seconds, strategy, pollUs, results, service);
			periodic(service, api, pool, domids, seconds, intervalMs, packetWindow, strategy, false, results);
			if (!"false".equals(p.get("outputCommit"))) {
				periodic(service, api, pool, domids, seconds, intervalMs, packetWindow, strategy, true, results);
			}
		}
		finally {
			pool.shutdownNow();
		}
		results.print();
		if (results.root.get("databaseWork") != null) {
			DatabaseWork.print(Results.JSON.valueToTree(results.root.get("databaseWork")));
		}
		Path file = results.write(out);
		// drawn from what was written (the load average at the end is taken then)
		EpochPlot.write(Results.read(file), Path.of(p.getOrDefault("plot", "docs/checkpoint-epochs.png")));
		return file;
	}

	private static void backToBack(ApiClient api, ExecutorService pool, List<Integer> domids, int seconds,
			String strategy, long pollUs, Results results, ServiceUnderTest service) throws Exception {
		OperationStats ops = new OperationStats();
		CpuShare.Snapshot cpuBefore = CpuShare.take();
		long t0 = System.nanoTime();
		List<Long> counts = checkpointLoop(api, pool, domids, seconds, strategy, pollUs, ops);
		java.util.LongSummaryStatistics perGuest = new java.util.LongSummaryStatistics();
		counts.forEach(perGuest::accept);
		double wall = (System.nanoTime() - t0) / 1e9;
		Map<String, Object> cpu = cpuShare(service, results, "backToBack", cpuBefore);
		double bytes = meanCheckpointBytes(api, domids);
		Map<String, Object> row = ops.row("back-to-back", "CHECKPOINT", (long) (wall * 1e9));
		double minPerGuest = perGuest.getMin() / wall;
		double meanPerGuest = perGuest.getAverage() / wall;
		row.put("perGuestPerSecondMean", Stats.round(meanPerGuest));
		row.put("perGuestPerSecondMin", Stats.round(minPerGuest));
		row.put("bytesPerCheckpoint", Math.round(bytes));
		if (cpu != null) {
			row.put("guestsCpuPercent", CpuShare.guests(cpu));
		}
		// a figure, not the continuous-checkpointing target (the schedule's): one operation per checkpoint,
		// its rate bounded by an operation's round trip through HTTP
		results.rows.add(row);
	}

	/**
	 * The machine's CPU since {@code before}, by what used it, kept under {@code cpu.<run>} (a
	 * service at {@code url}, not started here, has no threads to read: null).
	 */
	private static @Nullable Map<String, Object> cpuShare(ServiceUnderTest service,
			Results results, String run, CpuShare.Snapshot before) {
		if (service.jdbc().isEmpty()) {
			return null;
		}
		Map<String, Object> share = CpuShare.between(before, CpuShare.take());
		@SuppressWarnings("unchecked")
		Map<String, Object> all = (Map<String, Object>) results.root.computeIfAbsent("cpu", (k) -> new LinkedHashMap<>());
		all.put(run, share);
		return share;
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

	/** One epoch as the service recorded it: when it started (ms since the run began), its cost, its kind. */
	private record EpochRow(long atMs, long pausedMs, long persistMs, boolean incremental, long contentBytes,
			long sizeBytes) {
	}

	/**
	 * The server's schedule on every guest at once, {@code seconds} worth of epochs each; with
	 * {@code outputCommit} the guests' network output is held until the epoch after it is durable.
	 * Every epoch's record is read from the service's database when it runs here (the operation's
	 * view holds the newest 20 only); the guests' echo rate gives the network's mean round trip
	 * (Little's law: the packet window over the packets per second).
	 */
	private static void periodic(ServiceUnderTest service, ApiClient api, ExecutorService pool, List<Integer> domids,
			int seconds, int intervalMs, int packetWindow, String strategy, boolean outputCommit, Results results)
			throws Exception {
		int count = Math.max(1, seconds * 1000 / intervalMs);
		String body = "{\"strategy\":\"" + strategy + "\",\"intervalMs\":" + intervalMs + ",\"count\":" + count
				+ ",\"quiesceTimeoutMs\":5000,\"outputCommit\":" + outputCommit + "}";
		long packetsBefore = packetsReceived(api, domids);
		CpuShare.Snapshot cpuBefore = CpuShare.take();
		DatabaseWork work = service.databaseWork;
		DatabaseWork.Snapshot workBefore = (work != null) ? work.settled() : null;
		long t0 = System.nanoTime();
		java.time.Instant runStart = java.time.Instant.now();
		List<Future<JsonNode>> futures = new ArrayList<>();
		for (int domid : domids) {
			futures.add(pool.submit(() -> api.await(
					api.post("/domains/" + domid + "/periodic-checkpoints", body).require(202).path("id").asText(),
					10_000, Duration.ofSeconds(seconds * 5L + 60))));
		}
		java.util.DoubleSummaryStatistics rates = new java.util.DoubleSummaryStatistics();
		List<String> ids = new ArrayList<>();
		List<EpochRow> recent = new ArrayList<>();
		long late = 0;
		for (Future<JsonNode> f : futures) {
			JsonNode op = f.get();
			ids.add(op.path("id").asText());
			JsonNode periodic = op.path("periodic");
			double opSeconds = java.time.Duration.between(java.time.Instant.parse(op.path("startedAt").asText()),
					java.time.Instant.parse(op.path("finishedAt").asText())).toNanos() / 1e9;
			rates.accept(periodic.path("epochsCompleted").asLong() / Math.max(opSeconds, 1e-3));
			late += periodic.path("epochsLate").asLong();
			for (JsonNode e : periodic.path("recentEpochs")) {
				recent.add(new EpochRow(0, e.path("pausedMs").asLong(), e.path("persistMs").asLong(),
						e.path("incremental").asBoolean(), e.path("contentBytes").asLong(), e.path("sizeBytes").asLong()));
			}
		}
		double wall = (System.nanoTime() - t0) / 1e9;
		Map<String, Object> cpu = cpuShare(service, results, outputCommit ? "periodicOutputCommit" : "periodic",
				cpuBefore);
		double packetsPerGuest = (packetsReceived(api, domids) - packetsBefore) / wall / domids.size();
		DatabaseWork.Snapshot workAfter = (work != null) ? work.settled() : null;
		List<EpochRow> epochs = service.jdbc().map(jdbc -> epochs(jdbc, ids, runStart)).orElse(recent);
		Stats paused = new Stats();
		Stats persist = new Stats();
		java.util.LongSummaryStatistics full = new java.util.LongSummaryStatistics();
		java.util.LongSummaryStatistics incremental = new java.util.LongSummaryStatistics();
		java.util.LongSummaryStatistics fullSize = new java.util.LongSummaryStatistics();
		java.util.LongSummaryStatistics incrementalSize = new java.util.LongSummaryStatistics();
		for (EpochRow e : epochs) {
			paused.add(e.pausedMs() * 1_000_000);
			persist.add(e.persistMs() * 1_000_000);
			(e.incremental() ? incremental : full).accept(e.contentBytes());
			(e.incremental() ? incrementalSize : fullSize).accept(e.sizeBytes());
		}
		String run = outputCommit ? "periodic, output commit" : "periodic";
		Map<String, Object> row = new LinkedHashMap<>();
		row.put("run", run);
		row.put("operation", "PERIODIC_CHECKPOINT every " + intervalMs + " ms");
		row.put("ok", rates.getCount());
		row.put("epochs", epochs.size());
		row.put("epochsLate", late);
		row.put("perGuestPerSecondMean", Stats.round(rates.getAverage()));
		row.put("perGuestPerSecondMin", Stats.round(rates.getMin()));
		row.put("pausedP50Ms", Stats.round(paused.percentileMs(50)));
		row.put("pausedP99Ms", Stats.round(paused.percentileMs(99)));
		// from the end of the thaw: the capture's disk chunks and the checkpoint written (the commit follows)
		row.put("persistP50Ms", Stats.round(persist.percentileMs(50)));
		row.put("persistP99Ms", Stats.round(persist.percentileMs(99)));
		row.put("fullEpochs", full.getCount());
		row.put("incrementalEpochs", incremental.getCount());
		row.put("fullContentBytes", Math.round(full.getAverage()));
		row.put("incrementalContentBytes", Math.round(incremental.getAverage()));
		row.put("fullCheckpointBytes", Math.round(fullSize.getAverage()));
		row.put("incrementalCheckpointBytes", Math.round(incrementalSize.getAverage()));
		row.put("netPacketsPerSecondPerGuest", Stats.round(packetsPerGuest));
		row.put("netRoundTripMeanMs", Stats.round(packetsPerGuest <= 0 ? 0 : packetWindow * 1000.0 / packetsPerGuest));
		row.put("wallSeconds", Stats.round(wall));
		if (cpu != null) {
			row.put("guestsCpuPercent", CpuShare.guests(cpu));
		}
		if (workBefore != null && workAfter != null) {
			// everything the service did with its database during the run, per epoch persisted
			Map<String, Object> db = workAfter.minus(workBefore).report(epochs.size(), "epoch");
			row.putAll(DatabaseWork.columns(db));
			@SuppressWarnings("unchecked")
			Map<String, Object> all = (Map<String, Object>) results.root.computeIfAbsent("databaseWork",
					(k) -> new LinkedHashMap<>());
			all.put(outputCommit ? "periodicOutputCommit" : "periodic", db);
		}
		results.rows.add(row);
		if (!outputCommit) {
			results.put("epochSeries", series(epochs));
			// where the simulated guests' own I/O takes the cores, the targets are read on a lighter run beside it
			String guestsCpu = cpu == null ? ""
					: String.format(java.util.Locale.ROOT, "; the simulated guests' own I/O took %s %% of the machine's CPU",
							Stats.round(CpuShare.guests(cpu)));
			results.target("periodic checkpointing, " + domids.size() + " guests, persisted, per guest (slowest guest)",
					">= 40 checkpoints/s", rates.getMin(), "checkpoints/s", rates.getMin() >= TARGET_PER_GUEST,
					"the server's schedule every " + intervalMs + " ms" + guestsCpu);
			results.target("guest paused per epoch, p50", "<= 5 ms", paused.percentileMs(50), "ms",
					paused.percentileMs(50) <= 5, "quiesce, capture, thaw" + guestsCpu);
			results.target("guest paused per epoch, p99", "<= 20 ms", paused.percentileMs(99), "ms",
					paused.percentileMs(99) <= 20, "quiesce, capture, thaw" + guestsCpu);
		}
	}

	private static long packetsReceived(ApiClient api, List<Integer> domids) {
		long n = 0;
		for (int domid : domids) {
			n += api.get("/domains/" + domid + "/devices/vif/0/stats").require(200).path("packetsReceived").asLong();
		}
		return n;
	}

	private static List<EpochRow> epochs(org.springframework.jdbc.core.simple.JdbcClient jdbc, List<String> ids,
			java.time.Instant runStart) {
		List<EpochRow> rows = new ArrayList<>();
		for (String id : ids) {
			rows.addAll(jdbc.sql("SELECT started_at, paused_ms, persist_ms, incremental, content_bytes, size_bytes "
					+ "FROM operation_epochs WHERE operation_id = ?")
				.param(java.util.UUID.fromString(id))
				.query((rs, n) -> new EpochRow(
						java.time.Duration.between(runStart, rs.getObject(1, java.time.OffsetDateTime.class).toInstant())
							.toMillis(),
						rs.getLong(2), rs.getLong(3), rs.getBoolean(4), rs.getLong(5), rs.getLong(6)))
				.list());
		}
		rows.sort(java.util.Comparator.comparingLong(EpochRow::atMs));
		return rows;
	}

	/** Pause and persist per 250 ms of the run: the median and the largest of the epochs that started in it. */
	private static List<Map<String, Object>> series(List<EpochRow> epochs) {
		java.util.TreeMap<Long, List<EpochRow>> buckets = new java.util.TreeMap<>();
		for (EpochRow e : epochs) {
			buckets.computeIfAbsent(e.atMs() / SERIES_BUCKET_MS, k -> new ArrayList<>()).add(e);
		}
		List<Map<String, Object>> series = new ArrayList<>();
		buckets.forEach((b, in) -> {
			long[] paused = in.stream().mapToLong(EpochRow::pausedMs).sorted().toArray();
			long[] persist = in.stream().mapToLong(EpochRow::persistMs).sorted().toArray();
			Map<String, Object> point = new LinkedHashMap<>();
			point.put("atMs", b * SERIES_BUCKET_MS);
			point.put("epochs", in.size());
			point.put("pausedP50Ms", paused[paused.length / 2]);
			point.put("pausedMaxMs", paused[paused.length - 1]);
			point.put("persistP50Ms", persist[persist.length / 2]);
			point.put("persistMaxMs", persist[persist.length - 1]);
			series.add(point);
		});
		return series;
	}

}
