package org.xso.bench;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import tools.jackson.databind.JsonNode;

/**
 * Latencies of one kind of operation as the client saw them (request sent to terminal state
 * observed) and the server's own time per phase, from each phase's start and finish, plus
 * {@code (queued)}, from its creation to its start, and {@code (server total)}, from its creation
 * to its end: what the client saw beyond that is HTTP and polling.
 */
final class OperationStats {

	final Stats latency = new Stats();

	final Map<String, Stats> phases = new ConcurrentHashMap<>();

	final AtomicLong failed = new AtomicLong();

	/** The first few failures: domain, state and the problem's code and detail. */
	final java.util.List<String> failures = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

	void add(long nanos, JsonNode op) {
		if (!"SUCCEEDED".equals(op.path("state").asText())) {
			this.failed.incrementAndGet();
			if (this.failures.size() < 5) {
				this.failures.add("dom" + op.path("domid").asText() + " " + op.path("kind").asText() + " "
						+ op.path("state").asText() + ": " + op.path("error").path("code").asText() + " "
						+ op.path("error").path("detail").asText());
			}
			return;
		}
		this.latency.add(nanos);
		if (op.hasNonNull("createdAt") && op.hasNonNull("startedAt") && op.hasNonNull("finishedAt")) {
			Instant created = Instant.parse(op.path("createdAt").asText());
			Instant started = Instant.parse(op.path("startedAt").asText());
			Instant finished = Instant.parse(op.path("finishedAt").asText());
			this.phases.computeIfAbsent("(queued)", (k) -> new Stats())
				.add(java.time.Duration.between(created, started).toNanos());
			this.phases.computeIfAbsent("(server total)", (k) -> new Stats())
				.add(java.time.Duration.between(created, finished).toNanos());
		}
		for (JsonNode phase : op.path("phases")) {
			if (phase.hasNonNull("startedAt") && phase.hasNonNull("finishedAt")) {
				long ns = java.time.Duration.between(Instant.parse(phase.path("startedAt").asText()),
						Instant.parse(phase.path("finishedAt").asText())).toNanos();
				this.phases.computeIfAbsent(phase.path("name").asText(), (k) -> new Stats()).add(ns);
			}
		}
	}

	/** One result row: counts, throughput over {@code wallNanos}, percentiles, each phase's p50. */
	Map<String, Object> row(String run, String kind, long wallNanos) {
		Map<String, Object> r = new java.util.LinkedHashMap<>();
		r.put("run", run);
		r.put("operation", kind);
		r.put("ok", this.latency.count());
		r.put("failed", this.failed.get());
		r.put("perSecond", Stats.round(this.latency.count() / (wallNanos / 1e9)));
		Map<String, Object> s = this.latency.summary();
		s.remove("count");
		r.putAll(s);
		Map<String, Object> phaseP50 = new TreeMap<>();
		this.phases.forEach((name, st) -> phaseP50.put(name, Stats.round(st.percentileMs(50))));
		r.put("phaseP50Ms", phaseP50);
		if (!this.failures.isEmpty()) {
			r.put("firstFailures", String.join("; ", this.failures));
		}
		return r;
	}

}
