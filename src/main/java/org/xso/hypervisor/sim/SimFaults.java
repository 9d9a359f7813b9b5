package org.xso.hypervisor.sim;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.xso.hypervisor.BlkbackFeatures;
import org.xso.hypervisor.DeviceId;
import org.xso.xen.DomId;

/**
 * Fault injection and tuning knobs of the simulated host. Thread-safe (concurrent maps, a volatile
 * default): the controls set them on the callers' threads, the drivers read them on their
 * executors.
 */
final class SimFaults {

	private final Map<String, Duration> latency = new ConcurrentHashMap<>();

	private final Map<String, BlkbackFeatures> featuresAfterRestore = new ConcurrentHashMap<>();

	private final Set<DomId> stalled = ConcurrentHashMap.newKeySet();

	private final Set<String> rxWithheld = ConcurrentHashMap.newKeySet();

	volatile Duration defaultBlockLatency = Duration.ofMillis(1);

	Duration blockLatency(DomId frontend, DeviceId device) {
		return latency.getOrDefault(key(frontend, device), defaultBlockLatency);
	}

	void setBlockLatency(DomId frontend, DeviceId device, Duration d) {
		latency.put(key(frontend, device), d);
	}

	private final Map<DomId, Duration> suspendLatency = new ConcurrentHashMap<>();

	private final Map<DomId, Duration> storageCheckLatency = new ConcurrentHashMap<>();

	private final Map<DomId, Duration> teardownLatency = new ConcurrentHashMap<>();

	void setTeardownLatency(DomId guest, Duration d) {
		put(teardownLatency, guest, d);
	}

	Duration teardownLatency(DomId guest) {
		return teardownLatency.getOrDefault(guest, Duration.ZERO);
	}

	void setSuspendLatency(DomId guest, Duration d) {
		put(suspendLatency, guest, d);
	}

	Duration suspendLatency(DomId guest) {
		return suspendLatency.getOrDefault(guest, Duration.ZERO);
	}

	void setStorageCheckLatency(DomId guest, Duration d) {
		put(storageCheckLatency, guest, d);
	}

	Duration storageCheckLatency(DomId guest) {
		return storageCheckLatency.getOrDefault(guest, Duration.ZERO);
	}

	private static void put(Map<DomId, Duration> latencies, DomId guest, Duration d) {
		if (d.isZero()) {
			latencies.remove(guest);
		}
		else {
			latencies.put(guest, d);
		}
	}

	void setStalled(DomId frontend, boolean stall) {
		if (stall) {
			stalled.add(frontend);
		}
		else {
			stalled.remove(frontend);
		}
	}

	boolean stalled(DomId frontend) {
		return stalled.contains(frontend);
	}

	/** A guest whose netfront posts no rx buffers on this vif (frames for it must be counted dropped). */
	void setRxBuffersWithheld(DomId frontend, DeviceId device, boolean withheld) {
		if (withheld) {
			rxWithheld.add(key(frontend, device));
		}
		else {
			rxWithheld.remove(key(frontend, device));
		}
	}

	boolean rxBuffersWithheld(DomId frontend, DeviceId device) {
		return rxWithheld.contains(key(frontend, device));
	}

	void setFeaturesAfterRestore(DomId frontend, DeviceId device, BlkbackFeatures f) {
		featuresAfterRestore.put(key(frontend, device), f);
	}

	/** The features a restored guest's backend offers instead of the configured ones, once. */
	BlkbackFeatures takeFeaturesAfterRestore(DomId frontend, DeviceId device) {
		return featuresAfterRestore.remove(key(frontend, device));
	}

	private static String key(DomId d, DeviceId dev) {
		return d.value() + "/" + dev;
	}

}
