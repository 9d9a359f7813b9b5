package org.xso.operation;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.xso.hypervisor.DeviceType;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.problem.Problem;

/** The operation module's representations. */
public final class OperationViews {

	private OperationViews() {
	}

	/**
	 * An operation: kind, state, current phase and whether a cancel would be honoured now, overall
	 * and per-phase progress and timings, the per-device outcome, the checkpoint it produced or
	 * resumed from, the cost of each epoch for periodic checkpointing, the error as a problem, and
	 * who requested it (and who asked to cancel it).
	 */
	public record OperationView(UUID id, OperationKind kind, int domid, @Nullable Integer sourceDomid,
			String requestedBy, OperationState state, @Nullable Phase phase, boolean cancellable,
			boolean cancelRequested, @Nullable String cancelRequestedBy, int progress,
			@Nullable SuspendStrategy strategy, @Nullable Long quiesceTimeoutMs, long deadlineMs, Instant deadlineAt,
			@Nullable UUID checkpointId, List<PhaseView> phases, List<DeviceView> devices, @Nullable Periodic periodic,
			@Nullable Problem error, @Nullable String owner, @Nullable String host, @Nullable Move move,
			@Nullable List<OperationRequests.DeviceOverride> backendOverrides, int attempts,
			@Nullable String recoveryNote,
			Instant createdAt, @Nullable Instant startedAt, @Nullable Instant finishedAt, @Nullable Long durationMs) {
	}

	/** A phase; {@code host} is the host it runs on (for a move: the source's up to HANDOVER, the target's after). */
	public record PhaseView(Phase name, PhaseState state, int progress, boolean cancellable, @Nullable String host,
			@Nullable Instant startedAt, @Nullable Instant finishedAt, @Nullable Long durationMs) {
	}

	/** A move: the host the guest leaves and the one it goes to. */
	public record Move(String source, String target) {
	}

	/**
	 * Per device: requests drained, shadowed, queued, replayed and re-issued, transmits dropped,
	 * whether the ring was torn down, and the grant refs before and after a resume (all new when
	 * {@code allRefsNew}).
	 */
	public record DeviceView(DeviceType type, int devid, long drained, long shadowed, long queued, long replayed,
			long reissued, long dropped, boolean ringTornDown, int grantRefsReissued, boolean allRefsNew,
			List<Long> refsBefore, List<Long> refsAfter, List<String> featuresLost) {
	}

	public record Periodic(long intervalMs, @Nullable Integer maxEpochs, boolean outputCommit, int epochsCompleted,
			int epochsLate, long pausedMsTotal, long pausedMsAverage, long pausedMsMax, List<EpochView> recentEpochs) {
	}

	/** The cost of one epoch: time per step, guest paused time, checkpoint size, incremental or full, content captured. */
	public record EpochView(int epoch, @Nullable UUID checkpointId, Instant startedAt, long quiesceMs, long saveMs,
			long persistMs, long thawMs, long pausedMs, long sizeBytes, boolean incremental, long contentBytes) {
	}

	/** {@code GET /domains/{domid}/resume-check}: can this checkpoint be resumed here, and if not why. */
	public record ResumeCheck(int domid, @Nullable UUID checkpointId, boolean resumable, List<Reason> reasons,
			@Nullable String host, boolean hostChecked) {
	}

	/**
	 * Whether the domain could be suspended (or checkpointed) with a strategy now, and every reason
	 * not; {@code hostChecked} as for {@link ResumeCheck}.
	 */
	public record SuspendCheck(int domid, SuspendStrategy strategy, boolean suspendable, List<Reason> reasons,
			@Nullable String host, boolean hostChecked) {
	}

	/** A machine-readable reason a resume (or a suspend) would fail. */
	public record Reason(ReasonCode code, String detail) {
	}

	public enum ReasonCode {

		DOMAIN_BUSY, BAD_POWER_STATE, NO_CHECKPOINT, CHECKPOINT_NOT_FOUND, CHECKPOINT_DOMAIN_MISMATCH,
		CHECKSUM_MISMATCH, FORMAT_VERSION_UNSUPPORTED, ADAPTER_MISMATCH, BACKEND_MISSING, BACKEND_FEATURE_MISSING,
		STORAGE_MISSING, STORAGE_IN_USE, HYPERVISOR_UNAVAILABLE, DOMAIN_NAME_IN_USE, HYPERVISOR_REFUSED,
		/** The domain's host is down or stopped: no instance runs its operations now. */
		HOST_UNAVAILABLE,
		/** Suspend: the guest does not run in the hypervisor. */
		GUEST_NOT_RUNNING,
		/** Suspend: a device's handshake is not at Connected on both ends. */
		DEVICE_NOT_CONNECTED,
		/** Suspend: a device's backend does not answer; it would neither drain nor connect again. */
		BACKEND_NOT_RESPONDING

	}

}
