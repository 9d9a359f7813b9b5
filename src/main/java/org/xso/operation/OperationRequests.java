package org.xso.operation;

import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.problem.ProblemException;
import org.xso.problem.Violation;

/** Request bodies of the endpoints that start operations. */
public final class OperationRequests {

	private OperationRequests() {
	}

	/** Suspend and live checkpoint: the strategy is the caller's choice; timeouts in milliseconds. */
	public record QuiesceRequest(@Nullable SuspendStrategy strategy, @Nullable Long quiesceTimeoutMs,
			@Nullable Long deadlineMs) {
	}

	/**
	 * A resume: from {@code checkpointId} (default the one the domain was suspended to), on
	 * {@code host} (default the domain's: another host takes the suspended guest over, and must
	 * reach its storage); with {@code paused}, the guest is left paused once it is back.
	 */
	public record ResumeRequest(@Nullable UUID checkpointId, @Nullable Long deadlineMs, @Nullable String host,
			@Nullable Boolean paused) {
	}

	/**
	 * A move to {@code host}: suspended with {@code strategy} on its host, resumed there (and left
	 * paused with {@code paused}); the deadline covers both hosts' phases.
	 */
	public record MoveRequest(@Nullable String host, @Nullable SuspendStrategy strategy, @Nullable Long quiesceTimeoutMs,
			@Nullable Long deadlineMs, @Nullable Boolean paused) {
	}

	/** A restore into {@code targetDomid} (default the lowest free); {@code paused} as for a resume. */
	public record RestoreRequest(@Nullable Integer targetDomid, @Nullable Long deadlineMs, @Nullable Boolean paused) {
	}

	/**
	 * Periodic checkpointing: every {@code intervalMs}, {@code count} times or until cancelled; with
	 * {@code outputCommit}, the guest's network output held until the epoch after it is durable.
	 */
	public record PeriodicRequest(@Nullable SuspendStrategy strategy, @Nullable Long intervalMs, @Nullable Integer count,
			@Nullable Long quiesceTimeoutMs, @Nullable Long epochDeadlineMs, @Nullable Boolean outputCommit) {
	}

	public static SuspendStrategy strategy(@Nullable SuspendStrategy s) {
		if (s == null) {
			throw ProblemException
				.invalid(Violation.of("/strategy", "is required: SHADOW_REPLAY or SUSPEND_RESUME"));
		}
		return s;
	}

	public static long range(@Nullable Long value, long fallback, String pointer, long min, long max) {
		long v = value == null ? fallback : value;
		if (v < min || v > max) {
			throw ProblemException.invalid(Violation.of(pointer, "must be " + min + ".." + max + ": " + v));
		}
		return v;
	}

}
