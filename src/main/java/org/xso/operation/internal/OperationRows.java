package org.xso.operation.internal;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.xso.operation.OperationState;

/**
 * Writes an operation's row in one statement, from the operation a worker holds in memory: no read
 * before the write, and the write itself is the check. {@code UPDATE … WHERE state IN (…)} (and,
 * where a cancel must win, {@code AND NOT cancel_requested}) answers whether the row was still what
 * the worker believed; JPA would read the row first, then write it. Runs in the caller's
 * transaction (the JPA transaction manager shares its connection with {@link JdbcClient}).
 * The version column moves on with every write, so a JPA reader's optimistic check still holds.
 */
@Component
class OperationRows {

	private static final ProgressColumns.Phases PHASES = new ProgressColumns.Phases();

	private static final ProgressColumns.Devices DEVICES = new ProgressColumns.Devices();

	private static final ProblemColumn PROBLEM = new ProblemColumn();

	private final JdbcClient jdbc;

	OperationRows(JdbcTemplate jdbc) {
		this.jdbc = JdbcClient.create(jdbc);
	}

	/**
	 * Writes {@code op} as it is now over its row, if the row is in one of {@code from} and, with
	 * {@code unlessCancelled}, no cancel is recorded on it; false (nothing written) otherwise. A cancel
	 * flag the row holds is kept; one {@code op} holds is added.
	 */
	boolean write(Operation op, Collection<OperationState> from, boolean unlessCancelled) {
		return write(op, from, unlessCancelled, null);
	}

	/**
	 * {@link #write(Operation, Collection, boolean)}, and only if the row is still assigned to
	 * {@code fence}'s owner with {@code fence}'s attempt count: the row as the worker read it when it
	 * took the operation, so that of two workers that took it from the same row only the first to
	 * write goes on.
	 */
	boolean write(Operation op, Collection<OperationState> from, boolean unlessCancelled, @Nullable Fence fence) {
		int n = jdbc.sql("UPDATE operations SET state = :state, current_phase = :phase, checkpoint_id = :checkpoint,"
				+ " owner = :owner, host_name = :host, attempts = :attempts, started_at = :started, finished_at = :finished,"
				+ " phases = :phases, devices = :devices, error_problem = :error,"
				+ " epochs_completed = :epochs, paused_ms_total = :pausedTotal, paused_ms_max = :pausedMax,"
				+ " epochs_late = :late,"
				+ " recovery_note = COALESCE(:note, recovery_note),"
				+ " cancel_requested = (cancel_requested OR :cancel),"
				+ " cancel_requested_by = COALESCE(cancel_requested_by, :cancelBy), version = version + 1"
				+ " WHERE id = :id AND state IN (:from)" + (unlessCancelled ? " AND cancel_requested = FALSE" : "")
				+ (fence != null ? " AND owner = :fenceOwner AND attempts = :fenceAttempts" : ""))
			.param("state", op.state().name())
			.param("phase", op.currentPhase() == null ? null : op.currentPhase().name())
			.param("checkpoint", op.checkpointId())
			.param("owner", op.owner())
			.param("host", op.host())
			.param("attempts", op.attempts())
			.param("started", time(op.startedAt()))
			.param("finished", time(op.finishedAt()))
			.param("phases", PHASES.convertToDatabaseColumn(op.phases()))
			.param("devices", DEVICES.convertToDatabaseColumn(op.devices()))
			.param("error", PROBLEM.convertToDatabaseColumn(op.error()))
			.param("epochs", op.epochs().completed())
			.param("pausedTotal", op.epochs().pausedMsTotal())
			.param("pausedMax", op.epochs().pausedMsMax())
			.param("late", op.epochs().late())
			.param("note", op.recoveryNote())
			.param("cancel", op.cancelRequested())
			.param("cancelBy", op.requesters().cancelRequestedBy())
			.param("id", op.id())
			.param("from", from.stream().map(Enum::name).toList())
			.params(fence == null ? java.util.Map.<String, Object>of()
					: java.util.Map.of("fenceOwner", fence.owner(), "fenceAttempts", fence.attempts()))
			.update();
		return n == 1;
	}

	/** The owner and attempt count a worker read from an operation's row when it took it. */
	record Fence(String owner, int attempts) {
	}

	private static @Nullable OffsetDateTime time(@Nullable Instant at) {
		return at == null ? null : at.atOffset(ZoneOffset.UTC);
	}

}
