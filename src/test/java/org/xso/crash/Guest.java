package org.xso.crash;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;

/**
 * The requests a cell makes about its guests and operations, with the waits they need: each wait is
 * for a condition the API shows, bounded generously, never for the machine to be fast.
 */
final class Guest {

	static final String VBD = "51712";

	static final Set<String> TERMINAL = Set.of("SUCCEEDED", "FAILED", "CANCELLED", "ROLLED_BACK", "RESUME_FAILED");

	/** How a cell's guest loads its disk. */
	enum Workload {

		/** The default workload: 16 small requests in flight within 2 MiB. */
		LIGHT(16, 8, 4096),

		/**
		 * 32 requests of up to 128 KiB in flight within 32 MiB: a save image of about 5 MiB and a disk
		 * snapshot of tens of MiB, so SAVE, PERSIST and VERIFY_CHECKPOINT take 100 ms and more and can
		 * be seen and killed in. Not more: at 64 the resume's record of the grant refs before it
		 * (refs_before, 8,192 characters) overflows and the resume fails whether or not there was a
		 * crash, and at 128 the guest's grant table (4,096 entries) is full.
		 */
		HEAVY(32, 256, 65536);

		final int queueDepth;

		final int maxSectors;

		final long regionSectors;

		Workload(int queueDepth, int maxSectors, long regionSectors) {
			this.queueDepth = queueDepth;
			this.maxSectors = maxSectors;
			this.regionSectors = regionSectors;
		}

		Map<String, Object> start() {
			Map<String, Object> m = new LinkedHashMap<>();
			m.put("action", "START");
			m.put("block", true);
			m.put("net", true);
			m.put("queueDepth", queueDepth);
			m.put("maxSectors", maxSectors);
			m.put("regionSectors", regionSectors);
			return m;
		}

	}

	private Guest() {
	}

	static Map<String, Object> createRequest(int domid) {
		String mac = String.format("00:16:3e:c7:%02x:%02x", (domid >> 8) & 0xff, domid & 0xff);
		return Map.of("domid", domid, "name", "crash-" + domid, "memoryMiB", 256, "vcpus", 1, "devices",
				List.of(Map.of("type", "vbd", "devid", Integer.parseInt(VBD), "sectors", 131072),
						Map.of("type", "vif", "devid", 0, "mac", mac)));
	}

	static String state(JsonNode op) {
		return op.path("state").asString("");
	}

	static String phase(JsonNode op) {
		return op.path("phase").asString("");
	}

	static boolean ended(JsonNode op) {
		return TERMINAL.contains(state(op));
	}

	/** The operation once it has ended, or as it was when {@code within} ran out. */
	static JsonNode awaitEnd(Api api, String id, Duration within) {
		Instant deadline = Instant.now().plus(within);
		JsonNode op = api.get("/api/v1/operations/" + id).body();
		while (!ended(op) && Instant.now().isBefore(deadline)) {
			long wait = Math.max(1, Math.min(10_000, Duration.between(Instant.now(), deadline).toMillis()));
			Api.Response r = api.get("/api/v1/operations/" + id + "?waitMs=" + wait);
			if (r.status() != 200) {
				return r.body();
			}
			op = r.body();
		}
		return op;
	}

	/** Starts an operation and waits for its end; throws if it is not accepted or does not succeed. */
	static JsonNode run(Api api, String path, Object body, Duration within) {
		Api.Response r = api.post(path, body);
		if (r.status() != 202) {
			throw new IllegalStateException("POST " + path + " answered " + r.describe());
		}
		JsonNode op = awaitEnd(api, r.body().path("id").asString(), within);
		if (!"SUCCEEDED".equals(state(op))) {
			throw new IllegalStateException("POST " + path + " ended " + state(op) + " " + op.path("error"));
		}
		return op;
	}

	static JsonNode stats(Api api, int domid, String type, String devid) {
		Api.Response r = api.get("/api/v1/domains/" + domid + "/devices/" + type + "/" + devid + "/stats");
		if (r.status() != 200) {
			throw new IllegalStateException("stats of dom" + domid + " " + type + " " + devid + ": " + r.describe());
		}
		return r.body();
	}

	/**
	 * Waits until the vbd's workload has completed {@code more} requests beyond what it had; false
	 * if it did not within {@code within}.
	 */
	static boolean awaitProgress(Api api, int domid, long more, Duration within) {
		long start = stats(api, domid, "vbd", VBD).path("completed").asLong();
		Instant deadline = Instant.now().plus(within);
		while (Instant.now().isBefore(deadline)) {
			if (stats(api, domid, "vbd", VBD).path("completed").asLong() >= start + more) {
				return true;
			}
			ServiceProcess.sleep(Duration.ofMillis(50));
		}
		return false;
	}

	static void fault(Api api, Map<String, Object> fault) {
		Api.Response r = api.post("/api/v1/simulator/faults", fault);
		if (r.status() != 204) {
			throw new IllegalStateException("fault " + fault + " answered " + r.describe());
		}
	}

	static void stall(Api api, int domid, boolean stall) {
		fault(api, Map.of("kind", "BACKENDS_STALL", "domid", domid, "stall", stall));
	}

	static void slowStorageCheck(Api api, int domid, long latencyMs) {
		fault(api, Map.of("kind", "STORAGE_CHECK_LATENCY", "domid", domid, "latencyMs", latencyMs));
	}

	static void slowSuspendAnswer(Api api, int domid, long latencyMs) {
		fault(api, Map.of("kind", "GUEST_SUSPEND_LATENCY", "domid", domid, "latencyMs", latencyMs));
	}

	static void slowDisk(Api api, int domid, long latencyMs) {
		fault(api, Map.of("kind", "BACKEND_LATENCY", "domid", domid, "deviceType", "vbd", "devid",
				Integer.parseInt(VBD), "latencyMs", latencyMs));
	}

	/**
	 * The domain once no operation holds it (recovery and any operation it re-ran are done), or as it
	 * was when {@code within} ran out; a missing node if it does not exist.
	 */
	static JsonNode awaitSettled(Api api, int domid, Duration within) {
		Instant deadline = Instant.now().plus(within);
		while (true) {
			Api.Response r = api.get("/api/v1/domains/" + domid);
			if (r.status() == 404) {
				return tools.jackson.databind.node.MissingNode.getInstance();
			}
			if (r.status() != 200) {
				throw new IllegalStateException("GET domain " + domid + ": " + r.describe());
			}
			if (r.body().path("lease").isMissingNode() || r.body().path("lease").isNull()
					|| !Instant.now().isBefore(deadline)) {
				return r.body();
			}
			ServiceProcess.sleep(Duration.ofMillis(100));
		}
	}

}
