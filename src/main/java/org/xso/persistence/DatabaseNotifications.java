package org.xso.persistence;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What instances sharing one PostgreSQL tell each other: {@code NOTIFY} on a channel, sent in the
 * caller's transaction (delivered when it commits, never if it rolls back), and one listening
 * connection per instance that hands each notification to the handlers of its channel. An embedded
 * database serves one instance: nothing is sent and nothing listens ({@link #enabled()} is false).
 * A notification can be missed while the listener reconnects; whoever relies on one also looks
 * now and then ({@link #subscribe}'s {@code onIdle} runs after every quiet interval and after every
 * reconnection).
 *
 * <p>
 * Threads: one listener thread owns the connection; handlers run on it (they must be short) and are
 * registered from any thread before or after it starts.
 */
@Component
public class DatabaseNotifications implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(DatabaseNotifications.class);

	/** How long the listener waits for a notification before it runs the idle handlers. */
	private static final Duration IDLE = Duration.ofSeconds(5);

	private final DataSource dataSource;

	private final JdbcClient jdbc;

	private final boolean postgres;

	private final Map<String, List<Consumer<String>>> handlers = new ConcurrentHashMap<>();

	private final List<Runnable> idle = new CopyOnWriteArrayList<>();

	private volatile boolean running;

	private volatile Thread listener;

	DatabaseNotifications(DataSource dataSource, JdbcTemplate jdbc) {
		this.dataSource = dataSource;
		this.jdbc = JdbcClient.create(jdbc);
		this.postgres = Databases.isPostgres(dataSource);
	}

	/** Whether other instances can be told anything (PostgreSQL). */
	public boolean enabled() {
		return postgres;
	}

	/** Sends {@code payload} on {@code channel} when the caller's transaction commits (at once without one). */
	public void send(String channel, String payload) {
		if (postgres) {
			jdbc.sql("SELECT pg_notify(:channel, :payload)")
				.param("channel", channel)
				.param("payload", payload)
				.query()
				.singleValue();
		}
	}

	/**
	 * {@code handler} gets every payload sent on {@code channel} (by any instance, this one
	 * included); {@code onIdle}, if given, runs after each quiet interval and after each
	 * reconnection, for what a missed notification would have said.
	 */
	public void subscribe(String channel, Consumer<String> handler) {
		subscribe(channel, handler, () -> {
		});
	}

	/** {@link #subscribe(String, Consumer)}, and {@code onIdle} after each quiet interval and each reconnection. */
	public void subscribe(String channel, Consumer<String> handler, Runnable onIdle) {
		handlers.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(handler);
		idle.add(onIdle);
	}

	@Override
	public void start() {
		running = true;
		if (postgres) {
			Thread t = new Thread(this::listen, "xso-notifications");
			t.setDaemon(true);
			listener = t;
			t.start();
		}
	}

	@Override
	public void stop() {
		running = false;
		Thread t = listener;
		if (t != null) {
			t.interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	private void listen() {
		while (running) {
			try (Connection c = dataSource.getConnection()) {
				c.setAutoCommit(true);
				java.util.Set<String> listening = new java.util.HashSet<>();
				PGConnection pg = c.unwrap(PGConnection.class);
				idle.forEach(DatabaseNotifications::quietly); // what was sent while nobody listened
				while (running) {
					for (String channel : handlers.keySet()) {
						if (listening.add(channel)) {
							try (Statement s = c.createStatement()) {
								s.execute("LISTEN " + channel);
							}
						}
					}
					PGNotification[] got = pg.getNotifications((int) IDLE.toMillis());
					if (got == null || got.length == 0) {
						idle.forEach(DatabaseNotifications::quietly);
						continue;
					}
					for (PGNotification n : got) {
						handlers.getOrDefault(n.getName(), List.of())
							.forEach(h -> quietly(() -> h.accept(n.getParameter())));
					}
				}
			}
			catch (SQLException | RuntimeException e) {
				if (!running) {
					return;
				}
				log.warn("Lost the notification listener's connection ({}); listening again in 1 s", e.getMessage());
				try {
					Thread.sleep(1000);
				}
				catch (InterruptedException stop) {
					return;
				}
			}
		}
	}

	private static void quietly(Runnable r) {
		try {
			r.run();
		}
		catch (RuntimeException e) {
			log.warn("A notification handler failed: {}", e.getMessage());
		}
	}


}
