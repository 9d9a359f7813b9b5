package org.xso.hypervisor;

/**
 * A device's counters as the guest's frontend and its workload keep them. For a vbd:
 * {@code issued} requests handed to the frontend, {@code completed} exactly once,
 * {@code replayed} resubmitted from the shadow after a restore, {@code reissued} queued during a
 * suspend and issued after it, {@code duplicated} completions of an already completed request
 * (must stay 0), {@code lost} requests that never completed (must stay 0), {@code verifyFailures}
 * read-back mismatches of acknowledged writes (must stay 0). For a vif: packets sent, received,
 * dropped (counted drops are allowed: the network is lossy; silent loss is not), and duplicated.
 */
public record DeviceCounters(long issued, long completed, long inFlight, long replayed, long reissued,
		long duplicated, long lost, long verifyFailures, long verifiedReads, long packetsSent, long packetsReceived,
		long packetsDropped) {

	public static final DeviceCounters ZERO = new DeviceCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

}
