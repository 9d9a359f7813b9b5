package org.xso.operation.internal;

import java.util.List;
import java.util.UUID;


import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.xso.host.HostRegistry;
import org.xso.host.InstanceId;
import org.xso.operation.OperationKind;
import org.xso.persistence.DatabaseNotifications;
import org.xso.text.SafeText;

/**
 * Operations accepted by another instance for the host this one serves, and moves handed over to
 * it by their source host's instance. The accepting instance records the operation PENDING,
 * assigned to this instance (its {@code owner}, and the domain's lease), and notifies the host's
 * channel in the same transaction (a move's source does the same at its hand-over, the operation
 * RUNNING in HANDOVER); this instance claims what is
 * assigned to it ({@code FOR UPDATE SKIP LOCKED}, so a sweep never waits for one in progress) and
 * runs it on its workers. On PostgreSQL the notification ({@code LISTEN/NOTIFY}, delivered at the
 * commit) wakes the claim within milliseconds; a sweep every {@code xso.operations.recovery-interval}
 * also finds what a notification missed (a listener reconnecting). The end of an operation
 * accepted elsewhere is notified back, so a request waiting for it there is answered at once.
 *
 * <p>
 * Threads: {@link #sweep} runs on the notification listener's thread and on the scheduler;
 * dispatching twice is harmless (the executor tracks what it runs). No state of its own.
 */
@Component
class HostQueue {

	private static final Logger log = LoggerFactory.getLogger(HostQueue.class);

	/** Operations claimed per sweep transaction; a sweep goes on while batches come back full. */
	private static final int BATCH = 64;

	private final JdbcClient jdbc;

	private final TransactionTemplate tx;

	private final HostRegistry hosts;

	private final InstanceId instance;

	private final OperationExecutor executor;

	private final OperationWaiters waiters;

	private final OperationViewMapper views;

	private final OperationRecovery recovery;

	HostQueue(JdbcTemplate jdbc, TransactionTemplate tx, HostRegistry hosts,
			InstanceId instance, OperationExecutor executor, OperationWaiters waiters, OperationViewMapper views,
			DatabaseNotifications notifications, OperationRecovery recovery) {
		this.recovery = recovery;
		this.jdbc = JdbcClient.create(jdbc);
		this.tx = tx;
		this.hosts = hosts;
		this.instance = instance;
		this.executor = executor;
		this.waiters = waiters;
		this.views = views;
		notifications.subscribe(HostChannels.ASSIGNED, host -> {
			if (hosts.localName().equals(host)) {
				sweep();
			}
		});
		notifications.subscribe(HostChannels.ENDED, this::ended);
	}

	/**
	 * Claims and runs what is assigned to this instance on its host, once startup's recovery has
	 * decided what a stopped instance left (before that, an operation accepted before the stop could
	 * run beside recovery's decision, on a guest not yet back).
	 */
	@Scheduled(fixedDelayString = "${xso.operations.recovery-interval:PT5S}",
			initialDelayString = "${xso.operations.recovery-interval:PT5S}")
	void sweep() {
		if (!hosts.serving() || !recovery.started()) {
			return;
		}
		try {
			List<Claimed> claimed;
			do {
				claimed = tx.execute(s -> jdbc
					.sql("SELECT id, kind FROM operations WHERE host_name = :host AND owner = :instance"
							+ " AND (state = 'PENDING' OR (state = 'RUNNING' AND current_phase = 'HANDOVER'))"
							+ " ORDER BY created_at LIMIT " + BATCH + " FOR UPDATE SKIP LOCKED")
					.param("host", hosts.localName())
					.param("instance", instance.value())
					.query((rs, n) -> new Claimed(rs.getObject("id", UUID.class),
							OperationKind.valueOf(rs.getString("kind"))))
					.list());
				claimed.forEach(c -> executor.dispatch(c.id(), c.kind()));
			}
			while (claimed != null && claimed.size() == BATCH && !allTracked(claimed));
		}
		catch (RuntimeException e) {
			log.warn("Could not claim the operations of host {}: {}", SafeText.quote(hosts.localName()),
					SafeText.escape(e.getMessage()));
		}
	}

	private boolean allTracked(List<Claimed> claimed) {
		return claimed.stream().allMatch(c -> executor.tracks(c.id()));
	}

	private record Claimed(UUID id, OperationKind kind) {
	}

	private void ended(String payload) {
		try {
			UUID id = UUID.fromString(payload);
			if (waiters.waitsFor(id)) {
				waiters.endedElsewhere(views.read(id));
			}
		}
		catch (RuntimeException e) {
			log.debug("Ignored an operation-ended notification {}: {}", SafeText.quote(payload), e.getMessage());
		}
	}

}
