package org.xso.bench;

import java.util.Locale;

import tools.jackson.databind.JsonNode;

/**
 * The figures behind the strategy conclusion, written from the result rows (so the sentences
 * follow the numbers when the suite is re-run): per scenario which strategy stalls the guest less
 * and by how much, what each drained or replayed, and the grant and memory work.
 */
final class StrategyConclusion {

	private StrategyConclusion() {
	}

	static String write(JsonNode rows) {
		StringBuilder md = new StringBuilder("Measured (p50 of the cycles above):\n\n");
		for (String scenario : new String[] { "normal", "slowBackend", "featureLoss" }) {
			JsonNode a = find(rows, scenario, "SHADOW_REPLAY");
			JsonNode b = find(rows, scenario, "SUSPEND_RESUME");
			if (a == null || b == null) {
				continue;
			}
			md.append(String.format(Locale.ROOT,
					"- **%s** (backend %s ms): suspend %s ms with SHADOW_REPLAY vs %s ms with SUSPEND_RESUME, resume %s vs "
							+ "%s ms, guest-visible I/O stall %s vs %s ms: %s. SUSPEND_RESUME drained %s requests per cycle; "
							+ "SHADOW_REPLAY shadowed %s and replayed %s (plus %s re-issued from its queue).",
					scenario, num(a, "backendLatencyMs"), num(a, "suspendP50Ms"), num(b, "suspendP50Ms"),
					num(a, "resumeP50Ms"), num(b, "resumeP50Ms"), num(a, "stallP50Ms"), num(b, "stallP50Ms"),
					shorter(a, b, "stallP50Ms"), num(b, "drainedPerCycle"), num(a, "shadowedPerCycle"),
					num(a, "replayedPerCycle"), num(a, "reissuedPerCycle")));
			md.append(String.format(Locale.ROOT,
					" Grants ended at suspend %s vs %s, issued at resume %s vs %s, backend maps %s vs %s; machine frames "
							+ "freed while quiescing %s vs %s and allocated by the resume %s vs %s.",
					num(a, "grantsEndedAtSuspendPerCycle"), num(b, "grantsEndedAtSuspendPerCycle"),
					num(a, "grantsIssuedAtResumePerCycle"), num(b, "grantsIssuedAtResumePerCycle"),
					num(a, "backendMapsPerCycle"), num(b, "backendMapsPerCycle"), num(a, "framesFreedAtQuiescePerCycle"),
					num(b, "framesFreedAtQuiescePerCycle"), num(a, "framesAllocatedAtResumePerCycle"),
					num(b, "framesAllocatedAtResumePerCycle")));
			if (!a.path("featuresLost").asText().isEmpty()) {
				md.append(" Features lost after the restore, renegotiated by the replay: `")
					.append(a.path("featuresLost").asText())
					.append("`.");
			}
			long bad = 0;
			for (JsonNode r : new JsonNode[] { a, b }) {
				bad += r.path("lost").asLong() + r.path("duplicated").asLong() + r.path("readBackMismatches").asLong();
			}
			md.append(bad == 0 ? " Nothing lost, duplicated or mismatched under either.\n"
					: " **" + bad + " requests lost, duplicated or mismatched.**\n");
		}
		return md.toString();
	}

	private static String shorter(JsonNode a, JsonNode b, String field) {
		double x = a.path(field).asDouble();
		double y = b.path(field).asDouble();
		if (Math.max(x, y) < 1.1 * Math.min(x, y)) {
			return "about even (within 10 %)";
		}
		String winner = x < y ? "SHADOW_REPLAY" : "SUSPEND_RESUME";
		return winner + String.format(Locale.ROOT, " stalls the guest %.1f× less", Math.max(x, y) / Math.min(x, y));
	}

	private static String num(JsonNode row, String field) {
		return PerformanceReport.num(row.path(field));
	}

	private static JsonNode find(JsonNode rows, String scenario, String strategy) {
		for (JsonNode r : rows) {
			if (scenario.equals(r.path("scenario").asText()) && strategy.equals(r.path("strategy").asText())) {
				return r;
			}
		}
		return null;
	}

}
