package org.xso.operation.internal;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.xso.operation.OperationState;
import org.xso.persistence.Databases;
import org.xso.text.SafeText;

/**
 * Deletes ended operations that finished more than {@code xso.operations.pruning.retention} ago,
 * with their phases and device outcomes (in their row) and epochs (ON DELETE CASCADE), a batch of
 * {@code batch-size} per transaction, on a schedule ({@code interval}). Operations that are pending
 * or running, or still named by a domain's lease, are never deleted; nor is anything an operation
 * points to: checkpoints belong to their domain and its retention.
 *
 * <p>
 * Several instances on one database: on PostgreSQL each batch locks its rows with
 * {@code FOR UPDATE SKIP LOCKED}, so instances delete disjoint batches without waiting for one
 * another; a batch that still loses a lock conflict is left to the next round. The candidates are
 * found through the index on {@code finished_at} (migration V6). Runs on the scheduler's thread;
 * it holds no state between rounds.
 */
@Component
class OperationPruner {

	private static final Logger log = LoggerFactory.getLogger(OperationPruner.class);

	private static final String TERMINAL = Arrays.stream(OperationState.values())
		.filter(OperationState::isTerminal)
		.map(s -> "'" + s.name() + "'")
		.collect(Collectors.joining(", "));

	private final JdbcTemplate jdbc;

	private final TransactionTemplate tx;

	private final OperationPruningProperties properties;

	private final Clock clock;

	private final String selectBatch;

	private final boolean postgres;

	/** The tables whose rows the service keeps deleting: those a VACUUM makes room in again. */
	static final String CHURNED_TABLES = "operations, operation_epochs,"
			+ " checkpoints, checkpoint_images, checkpoint_devices, checkpoint_rings, event_log, domain_leases";

	OperationPruner(JdbcTemplate jdbc, TransactionTemplate tx, OperationPruningProperties properties, Clock clock,
			DataSource dataSource) {
		this.jdbc = jdbc;
		this.tx = tx;
		this.properties = properties;
		this.clock = clock;
		this.postgres = Databases.isPostgres(dataSource);
		this.selectBatch = "select o.id from operations o where o.finished_at < ? and o.state in (" + TERMINAL + ")"
				+ " and not exists (select 1 from domain_leases l where l.operation_id = o.id)"
				+ " order by o.finished_at, o.id fetch first ? rows only" + (postgres ? " for update skip locked" : "");
	}

	@Scheduled(fixedDelayString = "${xso.operations.pruning.interval:PT1M}",
			initialDelayString = "${xso.operations.pruning.interval:PT1M}")
	void scheduled() {
		try {
			int n = prune();
			if (n > 0) {
				log.debug("Pruned {} operations that ended before the retention of {}", n, properties.retention());
			}
			vacuumWithoutAutovacuum();
		}
		catch (PessimisticLockingFailureException e) {
			log.debug("Operation pruning met another instance's locks; the next round continues: {}",
					SafeText.escape(e.getMessage()));
		}
		catch (RuntimeException e) {
			log.warn("Operation pruning failed: {}", SafeText.escape(e.toString()));
		}
	}

	/** Deletes, batch by batch, every ended operation that finished before now minus the retention; returns how many. */
	int prune() {
		Timestamp before = Timestamp.from(cutoff());
		int total = 0;
		while (true) {
			// the ids first, then the rows by id, in one transaction: a DELETE over a subquery with a row
			// limit may see the subquery again as it deletes (H2 does), and delete fewer than the batch
			int[] batch = tx.execute(status -> {
				List<UUID> ids = jdbc.queryForList(selectBatch, UUID.class, before, properties.batchSize());
				if (ids.isEmpty()) {
					return new int[] { 0, 0 };
				}
				String marks = String.join(", ", Collections.nCopies(ids.size(), "?"));
				return new int[] { ids.size(), jdbc.update("delete from operations where id in (" + marks + ")", ids.toArray()) };
			});
			total += batch[1];
			if (batch[0] < properties.batchSize()) {
				return total;
			}
		}
	}

	/**
	 * On a PostgreSQL server whose autovacuum is off, vacuums the tables the service deletes from:
	 * without it the space of deleted rows, above all the TOAST chunks of deleted checkpoint images,
	 * is never reused and the database grows with every checkpoint ever taken (with autovacuum on,
	 * the server's default, this does nothing). {@code SKIP_LOCKED}: a table another instance is
	 * vacuuming is left to it.
	 */
	void vacuumWithoutAutovacuum() {
		if (!postgres || !properties.vacuumWithoutAutovacuum()
				|| !"off".equals(jdbc.queryForObject("select current_setting('autovacuum')", String.class))) {
			return;
		}
		// not in a transaction: VACUUM runs on an auto-commit connection of its own
		jdbc.execute("vacuum (skip_locked) " + CHURNED_TABLES);
	}

	private Instant cutoff() {
		return clock.instant().minus(properties.retention());
	}


}
