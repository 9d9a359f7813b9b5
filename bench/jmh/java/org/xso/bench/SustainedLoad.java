package org.xso.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * The load suite's sustained phase ({@code sustainSeconds} > 0): every guest is suspended, resumed
 * and live-checkpointed, wave after wave, for that long, so operations, phases, epochs, checkpoints
 * and events keep being written and deleted (checkpoint retention, operation pruning, the event
 * window). The database's and the process's size are sampled at the start, every
 * {@code sampleSeconds}, and at the end (PostgreSQL only: {@link DatabaseFigures}); the target is
 * a bounded database: the schema at the end no larger than 1.25 times its size half-way through.
 */
final class SustainedLoad {

	private SustainedLoad() {
	}

	static void run(ApiClient api, ExecutorService pool, List<Integer> domids, String strategy, long pollUs,
			Results results, int seconds, int sampleSeconds, @Nullable DatabaseFigures database) throws Exception {
		String suspend = "{\"strategy\":\"" + strategy + "\",\"quiesceTimeoutMs\":30000,\"deadlineMs\":600000}";
		String checkpoint = "{\"strategy\":\"" + strategy + "\",\"quiesceTimeoutMs\":30000,\"deadlineMs\":600000}";
		OperationStats suspends = new OperationStats();
		OperationStats resumes = new OperationStats();
		OperationStats checkpoints = new OperationStats();
		List<Map<String, Object>> samples = java.util.Collections.synchronizedList(new ArrayList<>());
		long t0 = System.nanoTime();
		ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
		if (database != null) {
			sampler.scheduleAtFixedRate(() -> sample(database, samples, t0), 0, sampleSeconds, TimeUnit.SECONDS);
		}
		long end = t0 + seconds * 1_000_000_000L;
		int waves = 0;
		try {
			while (System.nanoTime() < end) {
				LoadDriver.wave(api, pool, domids, (domid) -> api.post("/domains/" + domid + "/suspend", suspend), pollUs,
						suspends);
				LoadDriver.wave(api, pool, domids,
						(domid) -> api.post("/domains/" + domid + "/resume", "{\"deadlineMs\":600000}"), pollUs, resumes);
				LoadDriver.wave(api, pool, domids, (domid) -> api.post("/domains/" + domid + "/checkpoints", checkpoint),
						pollUs, checkpoints);
				waves++;
			}
		}
		finally {
			sampler.shutdown();
			sampler.awaitTermination(2, TimeUnit.MINUTES);
		}
		long wall = System.nanoTime() - t0;
		if (database != null) {
			sample(database, samples, t0);
		}
		results.rows.add(suspends.row("sustained", "SUSPEND", wall));
		results.rows.add(resumes.row("sustained", "RESUME", wall));
		results.rows.add(checkpoints.row("sustained", "CHECKPOINT", wall));
		results.put("sustainedWaves", waves);
		results.put("sustainedSeconds", Stats.round(wall / 1e9));
		results.put("sustainedSamples", samples);
		System.out.printf(Locale.ROOT, "sustained: %d waves of %d guests in %.0f s%n", waves, domids.size(), wall / 1e9);
		if (samples.size() >= 3) {
			Map<String, Object> first = samples.get(0);
			Map<String, Object> half = samples.get(samples.size() / 2);
			Map<String, Object> last = samples.get(samples.size() - 1);
			System.out.printf(Locale.ROOT, "database %s -> %s MiB (schema %s -> %s MiB), RSS %s -> %s MiB%n",
					first.get("databaseMiB"), last.get("databaseMiB"), first.get("schemaMiB"), last.get("schemaMiB"),
					first.get("rssMiB"), last.get("rssMiB"));
			double halfMiB = ((Number) half.get("schemaMiB")).doubleValue();
			double lastMiB = ((Number) last.get("schemaMiB")).doubleValue();
			results.target("schema size at the end of " + seconds + " s of sustained load over its size half-way",
					"<= 1.25", lastMiB / halfMiB, "x", lastMiB <= 1.25 * halfMiB,
					"schema " + half.get("schemaMiB") + " MiB half-way, " + last.get("schemaMiB") + " MiB at the end");
		}
	}

	private static void sample(DatabaseFigures database, List<Map<String, Object>> samples, long t0) {
		try {
			Map<String, Object> s = new java.util.LinkedHashMap<>();
			s.put("atSeconds", Math.round((System.nanoTime() - t0) / 1e9));
			s.putAll(database.sample());
			samples.add(s);
			System.out.println("sample: " + s);
		}
		catch (java.sql.SQLException | RuntimeException e) {
			System.err.println("could not sample the database: " + e);
		}
	}

}
