package org.xso.testcontainers;

import java.util.Locale;
import java.util.Objects;

/**
 * A fault of the service's Xen simulator ({@code POST /api/v1/simulator/faults}, schema
 * {@code Fault} of the service's openapi.yaml), as the JSON body the API takes: the factories make
 * the common ones, {@code new Fault(json)} any other (BACKEND_FEATURES_AFTER_RESTORE).
 *
 * @param json the request body
 */
public record Fault(String json) {

	/** A guest device's type. */
	public enum Device {

		VBD, VIF;

		String wire() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	public Fault {
		Objects.requireNonNull(json, "json");
	}

	/** Each request of the device's backend takes {@code latencyMs} longer. */
	public static Fault backendLatency(int domid, Device device, int devid, long latencyMs) {
		return new Fault(String.format(Locale.ROOT,
				"{\"kind\":\"BACKEND_LATENCY\",\"domid\":%d,\"deviceType\":\"%s\",\"devid\":%d,\"latencyMs\":%d}", domid,
				device.wire(), devid, latencyMs));
	}

	/** The next {@code count} notifications to the device's backend are lost. */
	public static Fault loseNotifications(int domid, Device device, int devid, int count) {
		return new Fault(String.format(Locale.ROOT,
				"{\"kind\":\"LOSE_NOTIFICATIONS\",\"domid\":%d,\"deviceType\":\"%s\",\"devid\":%d,\"count\":%d}", domid,
				device.wire(), devid, count));
	}

	/** Backends created for the guest from now on never leave InitWait ({@code stall}), or behave again. */
	public static Fault backendsStall(int domid, boolean stall) {
		return new Fault(
				String.format(Locale.ROOT, "{\"kind\":\"BACKENDS_STALL\",\"domid\":%d,\"stall\":%b}", domid, stall));
	}

	/** The next {@code count} xenstore transaction commits fail with EAGAIN, host-wide. */
	public static Fault xenstoreConflicts(int count) {
		return new Fault(String.format(Locale.ROOT, "{\"kind\":\"XENSTORE_CONFLICTS\",\"count\":%d}", count));
	}

	@Override
	public String toString() {
		return json;
	}

}
