package org.xso.hypervisor;

import java.time.Duration;

import org.xso.xen.DomId;

/**
 * Workloads and fault injection: what only a simulated host can do, so not part of the
 * {@link Hypervisor} port. The simulator adapter provides it as a bean of its own beside the port;
 * with any other adapter there is no such bean, and whoever needs it asks for it as optional.
 */
public interface SimulatorControls {

	void startWorkload(DomId domid, WorkloadSpec spec);

	/**
	 * The simulated host stops where it is, as its process's death would stop it: no guest is told,
	 * no device closed, no disk touched. For an instance whose host another instance serves now (which
	 * has started the guests again): no guest then runs twice. Every call after it fails.
	 */
	void halt();

	/** Stops issuing new work; what is in flight still completes. */
	void stopWorkload(DomId domid);

	boolean workloadRunning(DomId domid);

	/** Reads back every acknowledged write of the guest's vbds: the mismatches, and the intact writes found. */
	DiskVerification verifyDisks(DomId domid, Duration timeout);

	/** Per-request latency of a block backend (a slow backend makes a drain wait). */
	void setBackendLatency(DomId domid, DeviceId device, Duration latency);

	/** The next {@code n} event notifications to the device's backend are lost. */
	void loseNotifications(DomId domid, DeviceId device, int n);

	/** Backends created for this guest from now on never leave InitWait. */
	void setBackendsStall(DomId domid, boolean stall);

	/** The block backend offered to this guest after its next restore has these features. */
	void setBackendFeaturesAfterRestore(DomId domid, DeviceId device, BlkbackFeatures features);

	/** The next {@code n} xenstore transaction commits fail with EAGAIN. */
	void injectXenstoreConflicts(int n);

	/** The guest takes {@code latency} to answer a suspend request before its drivers quiesce (zero: at once). */
	void setGuestSuspendLatency(DomId domid, Duration latency);

	/**
	 * The host takes {@code latency} to tear a quiesced guest's domain down once it is saved (the
	 * SUSPEND phase, after the checkpoint is stored; zero: at once).
	 */
	void setTeardownLatency(DomId domid, Duration latency);

	/**
	 * The host takes {@code latency} to find the disk snapshots of the guest's checkpoints when asked
	 * whether it can resume one (zero: at once); a check already waiting takes the new latency.
	 */
	void setStorageCheckLatency(DomId domid, Duration latency);

}
