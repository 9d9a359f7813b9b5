package org.xso.domain;

import org.jspecify.annotations.Nullable;
import org.xso.config.BackendFeatures;
import org.xso.hypervisor.DeviceType;

/** Request and response bodies of the simulator-only endpoints. */
public final class SimulatorRequests {

	private SimulatorRequests() {
	}

	public enum WorkloadAction {

		START, STOP

	}

	/**
	 * {@code POST /domains/{domid}/workload}: START with optional overrides of the default workload,
	 * or STOP (what is in flight still completes).
	 */
	public record WorkloadCommand(@Nullable WorkloadAction action, @Nullable Boolean block, @Nullable Integer queueDepth,
			@Nullable Integer maxSectors, @Nullable Long regionSectors, @Nullable Boolean net,
			@Nullable Integer packetWindow) {
	}

	public record WorkloadStatus(int domid, boolean running) {
	}

	public record VerifyRequest(@Nullable Integer timeoutMs) {
	}

	/**
	 * Every acknowledged write of the guest's vbds read back: how many sectors did not match, and how
	 * many held the guest's own intact writes.
	 */
	public record VerifyResult(int domid, long mismatches, long writtenSectors) {
	}

	public enum FaultKind {

		/** Per-request latency of a block backend ({@code latencyMs}). */
		BACKEND_LATENCY,
		/** The next {@code count} notifications to a device's backend are lost. */
		LOSE_NOTIFICATIONS,
		/** Backends created for the guest from now on never leave InitWait ({@code stall}). */
		BACKENDS_STALL,
		/** The block backend offered after the guest's next restore has {@code features}. */
		BACKEND_FEATURES_AFTER_RESTORE,
		/** The next {@code count} xenstore transaction commits fail with EAGAIN (host-wide). */
		XENSTORE_CONFLICTS,
		/**
		 * The guest takes {@code latencyMs} to answer a suspend request (its kernel freezing its tasks)
		 * before its drivers quiesce.
		 */
		GUEST_SUSPEND_LATENCY,
		/**
		 * The host takes {@code latencyMs} to find the disk snapshots of a checkpoint of the guest
		 * (slow storage) when it is asked whether it can resume it.
		 */
		STORAGE_CHECK_LATENCY

	}

	public record Fault(FaultKind kind, @Nullable Integer domid, @Nullable DeviceType deviceType, @Nullable Integer devid,
			@Nullable Long latencyMs, @Nullable Integer count, @Nullable Boolean stall,
			@Nullable BackendFeatures features) {
	}

}
