package org.xso.operation.internal;

import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import org.jspecify.annotations.Nullable;
import org.xso.hypervisor.BackendOverride;
import org.xso.hypervisor.SuspendStrategy;

/**
 * What the caller asked for: the strategy, the quiesce timeout, the deadline (for periodic
 * checkpointing: per epoch; for a move: both hosts' phases), the interval and number of epochs, a
 * move's hosts, whether a guest brought back stays paused and where its devices' backends are
 * then (its backend overrides), and the Idempotency-Key with a hash of
 * the request it came with. {@code subjectDomid} scopes the key: the domain for most kinds, the
 * checkpoint's domain for a restore.
 */
@Embeddable
record OperationParams(@Column(name = "subject_domid") int subjectDomid,
		@Enumerated(EnumType.STRING) @Column(name = "strategy", length = 16) @Nullable SuspendStrategy strategy,
		@Column(name = "quiesce_timeout_ms") @Nullable Long quiesceTimeoutMs,
		@Column(name = "deadline_ms") long deadlineMs, @Column(name = "interval_ms") @Nullable Long intervalMs,
		@Column(name = "max_epochs") @Nullable Integer maxEpochs,
		@Column(name = "idempotency_key", length = 128) @Nullable String idempotencyKey,
		@Column(name = "request_hash", length = 64) @Nullable String requestHash,
		@Column(name = "output_commit") boolean outputCommit,
		@Column(name = "source_host", length = 63) @Nullable String sourceHost,
		@Column(name = "target_host", length = 63) @Nullable String targetHost,
		@Column(name = "restore_paused") boolean paused,
		@Convert(converter = ProgressColumns.Overrides.class) @Column(name = "backend_overrides") List<BackendOverride> overrides) {

	OperationParams {
		overrides = overrides == null ? List.of() : List.copyOf(overrides);
	}

	static final OperationParams NONE = new OperationParams(0, null, null, 0, null, null, null, null, false, null, null, false, List.of());

	/** A suspend or live checkpoint of domain {@code domid}. */
	static OperationParams quiesce(int domid, SuspendStrategy strategy, long quiesceTimeoutMs, long deadlineMs) {
		return new OperationParams(domid, strategy, quiesceTimeoutMs, deadlineMs, null, null, null, null, false, null, null, false, List.of());
	}

	/** A move of domain {@code domid} from host {@code source} to {@code target}: one deadline for both hosts' phases. */
	static OperationParams move(int domid, SuspendStrategy strategy, long quiesceTimeoutMs, long deadlineMs,
			String source, String target, boolean paused, List<BackendOverride> overrides) {
		return new OperationParams(domid, strategy, quiesceTimeoutMs, deadlineMs, null, null, null, null, false, source,
				target, paused, overrides);
	}

	/**
	 * Periodic checkpointing of domain {@code domid}: {@code epochDeadlineMs} bounds each epoch;
	 * {@code outputCommit} holds the guest's network output until the epoch after it is durable.
	 */
	static OperationParams periodic(int domid, SuspendStrategy strategy, long quiesceTimeoutMs, long epochDeadlineMs,
			long intervalMs, @Nullable Integer maxEpochs, boolean outputCommit) {
		return new OperationParams(domid, strategy, quiesceTimeoutMs, epochDeadlineMs, intervalMs, maxEpochs, null,
				null, outputCommit, null, null, false, List.of());
	}

	/**
	 * A resume of domain {@code subjectDomid}, or a restore of one of its checkpoints; {@code paused}
	 * leaves the guest paused once it is back.
	 */
	static OperationParams resume(int subjectDomid, long deadlineMs, boolean paused, List<BackendOverride> overrides) {
		return new OperationParams(subjectDomid, null, null, deadlineMs, null, null, null, null, false, null, null,
				paused, overrides);
	}

	/** As these, with the Idempotency-Key (if any) and the hash of the request it came with. */
	OperationParams keyed(@Nullable String key, String hash) {
		return new OperationParams(subjectDomid, strategy, quiesceTimeoutMs, deadlineMs, intervalMs, maxEpochs, key,
				hash, outputCommit, sourceHost, targetHost, paused, overrides);
	}

}
