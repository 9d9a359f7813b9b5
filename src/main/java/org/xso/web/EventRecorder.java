package org.xso.web;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.data.domain.Limit;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;
import org.xso.audit.Principals;
import org.xso.events.StreamEvent;
import org.xso.persistence.DatabaseNotifications;
import tools.jackson.databind.json.JsonMapper;

/**
 * Records every {@link StreamEvent} in the event log and hands it to the live subscribers. One
 * writer thread inserts in arrival order and broadcasts after each commit, so ids grow in the order
 * clients see them and a replay from the log followed by the live feed has neither gaps nor
 * repeats. Publishers (including the hypervisor's own threads) never wait for the database.
 */
@Component
class EventRecorder implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);

	private static final String INSERT = "insert into event_log (occurred_at, event_type, domid, operation_id,"
			+ " principal, payload) values (?, ?, ?, ?, ?, ?)";

	/** The most events written in one transaction. */
	private static final int MAX_BATCH = 200;

	/** Filled by the publishing threads, drained by the writer thread alone. */
	private final BlockingQueue<StreamEvent> queue;

	private final EventLogRepository events;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate tx;

	private final JsonMapper json;

	private final EventHub hub;

	private final EventProperties properties;

	private final Clock clock;

	private final AtomicLong dropped = new AtomicLong();

	/** Announces each batch written to the other instances on one database: "{recorder} {first id} {last id}". */
	static final String CHANNEL = "xso_events";

	/** This recorder, in its announcements (its own are streamed already). */
	private final String self = java.util.UUID.randomUUID().toString();

	private final DatabaseNotifications notifications;

	private volatile @Nullable Thread writer;

	EventRecorder(EventLogRepository events, JdbcTemplate jdbc, PlatformTransactionManager txManager, JsonMapper json,
			EventHub hub, EventProperties properties, Clock clock, DatabaseNotifications notifications) {
		this.notifications = notifications;
		notifications.subscribe(CHANNEL, this::recordedElsewhere);
		this.events = events;
		this.jdbc = jdbc;
		this.json = json;
		this.hub = hub;
		this.properties = properties;
		this.clock = clock;
		this.queue = new LinkedBlockingQueue<>(properties.queueCapacity());
		this.tx = new TransactionTemplate(txManager);
		this.tx.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
	}

	@TransactionalEventListener(fallbackExecution = true)
	void on(StreamEvent event) {
		if (!queue.offer(event)) {
			long n = dropped.incrementAndGet();
			log.warn("Event queue full; dropped {} ({} dropped so far)", event.eventType(), n);
		}
	}

	private void writeLoop() {
		List<StreamEvent> batch = new ArrayList<>();
		while (true) {
			try {
				StreamEvent first = queue.poll(200, TimeUnit.MILLISECONDS);
				if (first == null) {
					if (Thread.currentThread().isInterrupted() || writer == null) {
						return;
					}
					continue;
				}
				batch.add(first);
				gather(batch);
				write(batch);
				batch.clear();
			}
			catch (InterruptedException e) {
				queue.drainTo(batch);
				write(batch);
				return;
			}
			catch (RuntimeException e) {
				log.error("Could not record {} events", batch.size(), e);
				batch.clear();
			}
		}
	}

	/**
	 * Adds what else is queued, and what arrives within the linger after the first event, up to a
	 * batch's size: one transaction for the events of a burst (an operation's phases, a guest's
	 * xenbus states) instead of one each. The writer sleeps through the linger rather than waiting
	 * on the queue: waiting there, it was woken (a futex wake on the publisher's thread, a context
	 * switch on its own) for every event of the burst.
	 */
	private void gather(List<StreamEvent> batch) throws InterruptedException {
		long linger = properties.linger().toNanos();
		if (linger > 0 && queue.size() < MAX_BATCH - batch.size()) {
			TimeUnit.NANOSECONDS.sleep(linger);
		}
		queue.drainTo(batch, MAX_BATCH - batch.size());
	}

	private void write(List<StreamEvent> batch) {
		if (batch.isEmpty()) {
			return;
		}
		List<EventLogEntry> entries = new ArrayList<>(batch.size());
		for (StreamEvent e : batch) {
			// a name that cannot be recorded as it is never costs the batch its events
			entries.add(new EventLogEntry(clock.instant(), e.eventType(), e.eventDomid(), e.eventOperationId(),
					Principals.recordable(e.principal()), json.writeValueAsString(e)));
		}
		tx.executeWithoutResult(status -> {
			insert(entries);
			// the other instances sharing the database stream them live too
			notifications.send(CHANNEL, self + " " + entries.get(0).id() + " " + entries.get(entries.size() - 1).id());
		});
		hub.broadcast(entries);
	}

	/**
	 * Another instance on this database recorded a batch: this instance's subscribers get it too, in
	 * the order of its ids (on the listener's thread; the hub hands it to each subscriber's queue).
	 */
	private void recordedElsewhere(String announcement) {
		String[] parts = announcement.split(" ");
		if (parts.length != 3 || parts[0].equals(self) || hub.subscriberCount() == 0) {
			return;
		}
		long first = Long.parseLong(parts[1]);
		long last = Long.parseLong(parts[2]);
		List<EventLogEntry> entries = events.after(first - 1, last, null, Limit.of((int) Math.min(MAX_BATCH, last - first + 1)));
		if (!entries.isEmpty()) {
			hub.broadcast(entries);
		}
	}

	/**
	 * One JDBC batch for the whole batch of events (an identity column keeps JPA from batching
	 * inserts); the generated ids, in insert order, are the SSE ids.
	 */
	private void insert(List<EventLogEntry> entries) {
		KeyHolder keys = new GeneratedKeyHolder();
		jdbc.batchUpdate(con -> con.prepareStatement(INSERT, new String[] { "id" }),
				new BatchPreparedStatementSetter() {
					@Override
					public void setValues(PreparedStatement ps, int i) throws SQLException {
						EventLogEntry e = entries.get(i);
						ps.setObject(1, OffsetDateTime.ofInstant(e.occurredAt(), ZoneOffset.UTC));
						ps.setString(2, e.type());
						ps.setObject(3, e.domid(), Types.INTEGER);
						ps.setObject(4, e.operationId());
						ps.setString(5, e.principal());
						ps.setString(6, e.payload());
					}

					@Override
					public int getBatchSize() {
						return entries.size();
					}
				}, keys);
		List<Map<String, Object>> ids = keys.getKeyList();
		if (ids.size() != entries.size()) {
			throw new IllegalStateException(entries.size() + " events inserted, " + ids.size() + " ids returned");
		}
		for (int i = 0; i < entries.size(); i++) {
			entries.get(i).stored(((Number) ids.get(i).get("id")).longValue());
		}
	}

	/**
	 * Deletes the events beyond the log's window: those older than the retention and those beyond
	 * its newest {@code max-rows}. Each bound is a range of ids (the primary key): the newest id of
	 * the events older than the retention comes from the occurred-at index, and the delete keeps
	 * the age condition, so an event is never deleted early whatever order the clocks of several
	 * instances gave the ids. Every few seconds rather than every minute: the events of a busy
	 * minute (hundreds of thousands with one guest suspended and resumed back to back) deleted in
	 * one transaction held a core for more than a second.
	 */
	@Scheduled(fixedDelayString = "${xso.events.prune-interval:PT5S}", initialDelayString = "PT10S")
	void prune() {
		tx.executeWithoutResult(status -> {
			OffsetDateTime before = OffsetDateTime.ofInstant(clock.instant().minus(properties.retention()),
					ZoneOffset.UTC);
			long byCount = events.maxId() - properties.maxRows();
			int n = byCount > 0 ? jdbc.update("DELETE FROM event_log WHERE id <= ?", byCount) : 0;
			List<Long> newestOld = jdbc.queryForList(
					"SELECT id FROM event_log WHERE occurred_at < ? ORDER BY occurred_at DESC LIMIT 1", Long.class, before);
			if (!newestOld.isEmpty()) {
				n += jdbc.update("DELETE FROM event_log WHERE id <= ? AND occurred_at < ?", newestOld.get(0), before);
			}
			if (n > 0) {
				log.debug("Pruned {} events", n);
			}
		});
	}

	long dropped() {
		return dropped.get();
	}

	@Override
	public void start() {
		Thread t = new Thread(this::writeLoop, "xso-event-writer");
		t.setDaemon(true);
		writer = t;
		t.start();
	}

	@Override
	public void stop() {
		Thread t = writer;
		writer = null;
		if (t != null) {
			t.interrupt();
			try {
				t.join(5_000);
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return writer != null;
	}

	@Override
	public int getPhase() {
		// stop after the operation runners (which publish) and before the data source
		return Integer.MAX_VALUE - 2048;
	}

}
