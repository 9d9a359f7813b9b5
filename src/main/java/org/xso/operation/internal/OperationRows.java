package org.xso.operation.internal;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.SqlTypeValue;
import org.springframework.jdbc.core.StatementCreatorUtils;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
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
 * The epochs of periodic checkpointing are written here too, appended in batches with their
 * operations' rows ({@link #insertEpochs}, {@link #writeAll}).
 */
@Component
class OperationRows {

	private static final ProgressColumns.Phases PHASES = new ProgressColumns.Phases();

	private static final ProgressColumns.Devices DEVICES = new ProgressColumns.Devices();

	private static final ProblemColumn PROBLEM = new ProblemColumn();

	private final JdbcClient jdbc;

	private final NamedParameterJdbcTemplate named;

	private final JdbcTemplate template;

	OperationRows(JdbcTemplate jdbc) {
		this.template = jdbc;
		this.jdbc = JdbcClient.create(jdbc);
		this.named = new NamedParameterJdbcTemplate(jdbc);
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
		Map<String, @Nullable Object> params = params(op, from);
		if (fence != null) {
			params.put("fenceOwner", fence.owner());
			params.put("fenceAttempts", fence.attempts());
		}
		return jdbc.sql(update(unlessCancelled, fence != null)).params(params).update() == 1;
	}

	/**
	 * {@link #write(Operation, Collection, boolean)} for each of {@code ops} (no cancel checked, no
	 * fence) in one batch execution; the operations whose row was not in one of {@code from}
	 * (nothing written for them).
	 */
	List<UUID> writeAll(List<Operation> ops, Collection<OperationState> from) {
		if (ops.isEmpty()) {
			return List.of();
		}
		SqlParameterSource[] batch = ops.stream()
			.map(op -> new MapSqlParameterSource(params(op, from)))
			.toArray(SqlParameterSource[]::new);
		int[] counts = named.batchUpdate(update(false, false), batch);
		List<UUID> missed = new ArrayList<>();
		for (int i = 0; i < counts.length; i++) {
			// a driver may answer SUCCESS_NO_INFO for a batched statement: only a 0 says the row was not there
			if (counts[i] == 0) {
				missed.add(ops.get(i).id());
			}
		}
		return missed;
	}

	private static String update(boolean unlessCancelled, boolean fenced) {
		return "UPDATE operations SET state = :state, current_phase = :phase, checkpoint_id = :checkpoint,"
				+ " owner = :owner, host_name = :host, attempts = :attempts, started_at = :started, finished_at = :finished,"
				+ " phases = :phases, devices = :devices, error_problem = :error,"
				+ " epochs_completed = :epochs, paused_ms_total = :pausedTotal, paused_ms_max = :pausedMax,"
				+ " epochs_late = :late,"
				+ " recovery_note = COALESCE(:note, recovery_note),"
				+ " cancel_requested = (cancel_requested OR :cancel),"
				+ " cancel_requested_by = COALESCE(cancel_requested_by, :cancelBy), version = version + 1"
				+ " WHERE id = :id AND state IN (:from)" + (unlessCancelled ? " AND cancel_requested = FALSE" : "")
				+ (fenced ? " AND owner = :fenceOwner AND attempts = :fenceAttempts" : "");
	}

	private static Map<String, @Nullable Object> params(Operation op, Collection<OperationState> from) {
		Map<String, @Nullable Object> p = new HashMap<>();
		p.put("state", op.state().name());
		p.put("phase", op.currentPhase() == null ? null : op.currentPhase().name());
		p.put("checkpoint", op.checkpointId());
		p.put("owner", op.owner());
		p.put("host", op.host());
		p.put("attempts", op.attempts());
		p.put("started", time(op.startedAt()));
		p.put("finished", time(op.finishedAt()));
		p.put("phases", PHASES.convertToDatabaseColumn(op.phases()));
		p.put("devices", DEVICES.convertToDatabaseColumn(op.devices()));
		p.put("error", PROBLEM.convertToDatabaseColumn(op.error()));
		p.put("epochs", op.epochs().completed());
		p.put("pausedTotal", op.epochs().pausedMsTotal());
		p.put("pausedMax", op.epochs().pausedMsMax());
		p.put("late", op.epochs().late());
		p.put("note", op.recoveryNote());
		p.put("cancel", op.cancelRequested());
		p.put("cancelBy", op.requesters().cancelRequestedBy());
		p.put("id", op.id());
		p.put("from", from.stream().map(Enum::name).toList());
		return p;
	}

	/** Appends {@code epochs} (of any operations) in one batch execution. */
	void insertEpochs(List<OperationEpoch> epochs) {
		if (epochs.isEmpty()) {
			return;
		}
		template.batchUpdate("INSERT INTO operation_epochs (operation_id, epoch, checkpoint_id, started_at, quiesce_ms,"
				+ " save_ms, persist_ms, thaw_ms, paused_ms, size_bytes, incremental, content_bytes)"
				+ " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", epochs, epochs.size(), (s, e) -> {
					s.setObject(1, e.operationId());
					s.setInt(2, e.epoch());
					StatementCreatorUtils.setParameterValue(s, 3, SqlTypeValue.TYPE_UNKNOWN, e.checkpointId());
					s.setObject(4, time(e.startedAt()));
					s.setLong(5, e.quiesceMs());
					s.setLong(6, e.saveMs());
					s.setLong(7, e.persistMs());
					s.setLong(8, e.thawMs());
					s.setLong(9, e.pausedMs());
					s.setLong(10, e.sizeBytes());
					s.setBoolean(11, e.incremental());
					s.setLong(12, e.contentBytes());
				});
	}

	/** The owner and attempt count a worker read from an operation's row when it took it. */
	record Fence(String owner, int attempts) {
	}

	private static @Nullable OffsetDateTime time(@Nullable Instant at) {
		return at == null ? null : at.atOffset(ZoneOffset.UTC);
	}

}
