package org.xso.host;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.xso.hypervisor.Hypervisor;
import org.xso.persistence.Databases;
import org.xso.problem.ProblemCode;
import org.xso.problem.ProblemException;
import org.xso.text.SafeText;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fleet's hosts, in the shared database: every instance serves one host ({@code xso.host.name})
 * and registers it at startup with its adapter and hypervisor version, then heart-beats. A host
 * without a heartbeat for {@code xso.host.down-after} is DOWN; one whose instance stopped cleanly
 * is STOPPED. One instance serves a host: the one that registered it last. An instance that finds
 * its host taken over by another (a rolling update, or two instances given one name by mistake)
 * stops serving it at once: it is fenced, and everything it would have run on the host goes to the
 * instance that serves it now.
 *
 * <p>
 * Threads: registration runs on the startup thread, the heartbeat on the scheduler, reads on any
 * thread; the state is {@code registered} and {@code fenced}, both atomic, and what was
 * registered, a volatile immutable view.
 */
@Service
public class HostRegistry implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(HostRegistry.class);

	/** How long the stop record waits for a connection. */
	private static final Duration STOP_RECORD_WAIT = Duration.ofSeconds(2);

	private final JdbcClient jdbc;

	/** Used while stopping only, for a connection borrowed with a bounded wait. */
	private final DataSource dataSource;

	private final HostProperties properties;

	private final InstanceId instance;

	private final Hypervisor hypervisor;

	private final ApplicationEventPublisher events;

	private final Clock clock;

	private final AtomicBoolean registered = new AtomicBoolean();

	private final AtomicBoolean fenced = new AtomicBoolean();

	/** What this instance registered of its host (written once per registration, read by any thread). */
	private volatile @Nullable HostView registeredLocal;

	HostRegistry(JdbcTemplate jdbc, HostProperties properties, InstanceId instance, Hypervisor hypervisor,
			ApplicationEventPublisher events, Clock clock) {
		this.jdbc = JdbcClient.create(jdbc);
		this.dataSource = Objects.requireNonNull(jdbc.getDataSource(), "a JdbcTemplate with a DataSource");
		this.properties = properties;
		this.instance = instance;
		this.hypervisor = hypervisor;
		this.events = events;
		this.clock = clock;
	}

	/**
	 * Registers this instance as the one serving its host (taking it over from whichever instance
	 * served it before) and publishes {@link HostEvents.HostRegistered} in the same transaction.
	 */
	@Transactional
	public void register() {
		Instant now = clock.instant();
		String name = properties.name();
		String adapter = hypervisor.kind();
		String reported = hypervisor.version();
		String version = reported.length() > 128 ? reported.substring(0, 128) : reported;
		java.util.Map<String, Object> row = new java.util.HashMap<>(java.util.Map.of("name", name, "adapter", adapter,
				"version", version, "instance", instance.value(), "now", utc(now)));
		String storage = hypervisor.storageId().map(id -> id.length() > 128 ? id.substring(0, 128) : id).orElse(null);
		String backends = backends();
		row.put("storage", storage);
		row.put("backends", backends);
		// a new host's row; two instances registering one name at once meet at the primary key, and
		// the one that inserted nothing takes the row over below
		int inserted = jdbc
			.sql("INSERT INTO hosts (name, adapter, hypervisor_version, instance_id, started_at, heartbeat_at,"
					+ " storage_id, backends) VALUES (:name, :adapter, :version, :instance, :now, :now, :storage, :backends)"
					+ " ON CONFLICT DO NOTHING")
			.params(row)
			.update();
		Optional<HostView> before = inserted == 1 ? Optional.empty() : lock(name);
		if (before.isPresent()) {
			jdbc.sql("UPDATE hosts SET adapter = :adapter, hypervisor_version = :version, instance_id = :instance,"
					+ " started_at = :now, heartbeat_at = :now, stopped_at = NULL, storage_id = :storage,"
					+ " backends = :backends"
					+ " WHERE name = :name")
				.params(row)
				.update();
			HostView was = before.get();
			if (!was.instanceId().equals(instance.value()) && was.state() == HostState.UP) {
				log.warn("Host {} was served by instance {} (heartbeat at {}); instance {} serves it from now on",
						SafeText.quote(name), SafeText.quote(was.instanceId()), was.lastHeartbeatAt(),
						SafeText.quote(instance.value()));
			}
			if (!was.adapter().equals(adapter)) {
				log.warn("Host {} was served with the {} adapter, now with {}", SafeText.quote(name),
						was.adapter(), adapter);
			}
		}
		events.publishEvent(new HostEvents.HostRegistered(name, instance.value(),
				before.map(HostView::instanceId).orElse(null)));
		registeredLocal = new HostView(name, adapter, version, instance.value(), HostState.UP, now, now, null,
				storage, backends(backends), true);
		registered.set(true);
		fenced.set(false);
		log.info("Instance {} serves host {} ({}, {})", SafeText.quote(instance.value()), SafeText.quote(name),
				adapter, SafeText.quote(version));
	}

	/**
	 * Says this instance is alive. If another instance has registered the host since, this one no
	 * longer serves it: fenced, for as long as it runs.
	 */
	@Scheduled(fixedDelayString = "${xso.host.heartbeat-interval:PT2S}",
			initialDelayString = "${xso.host.heartbeat-interval:PT2S}")
	void heartbeat() {
		if (!registered.get() || fenced.get()) {
			return;
		}
		try {
			int updated = jdbc
				.sql("UPDATE hosts SET heartbeat_at = :now WHERE name = :name AND instance_id = :instance")
				.param("now", utc(clock.instant()))
				.param("name", properties.name())
				.param("instance", instance.value())
				.update();
			if (updated == 0 && fenced.compareAndSet(false, true)) {
				String by = find(properties.name()).map(HostView::instanceId).orElse("nobody");
				log.error("Host {} is now served by instance {}: instance {} stops serving it (one instance per host;"
						+ " give each instance its own xso.host.name)", SafeText.quote(properties.name()),
						SafeText.quote(by), SafeText.quote(instance.value()));
				events.publishEvent(new HostEvents.HostLost(properties.name(), instance.value(), by));
			}
		}
		catch (RuntimeException e) {
			log.warn("Heartbeat of host {} failed: {}", SafeText.quote(properties.name()),
					SafeText.escape(e.getMessage()));
		}
	}

	/** The host this instance is configured to serve. */
	public String localName() {
		return properties.name();
	}

	/**
	 * Whether this instance serves host {@code name} (it is its own and no other instance took it
	 * over). A row written before hosts existed names none: it is this instance's, as registration
	 * claims such rows for the host that registers first.
	 */
	public boolean servesHere(@Nullable String name) {
		return (name == null || properties.name().equals(name)) && !fenced.get();
	}

	/** Whether this instance serves its host (registered, not fenced). */
	public boolean serving() {
		return registered.get() && !fenced.get();
	}

	@Transactional(readOnly = true)
	public List<HostView> all() {
		Instant now = clock.instant();
		return jdbc.sql(SELECT + " ORDER BY name").query((rs, n) -> view(rs, now)).list();
	}

	/** Host {@code name}'s row, locked until the caller's transaction ends. */
	private Optional<HostView> lock(String name) {
		Instant now = clock.instant();
		return jdbc.sql(SELECT + " WHERE name = :name FOR UPDATE").param("name", name).query((rs, n) -> view(rs, now))
			.optional();
	}

	@Transactional(readOnly = true)
	public Optional<HostView> find(String name) {
		Instant now = clock.instant();
		return jdbc.sql(SELECT + " WHERE name = :name").param("name", name).query((rs, n) -> view(rs, now)).optional();
	}

	/**
	 * Host {@code name} as far as what it reported of itself goes (adapter, hypervisor version,
	 * storage, backend domains; they change only when an instance registers it): this instance's own
	 * host, while it serves it, from what it registered, without a read; any other from its row. Its
	 * state and heartbeat are the registration's for this instance's own host: ask {@link #find}
	 * for those.
	 */
	public Optional<HostView> reported(String name) {
		HostView local = registeredLocal;
		if (local != null && local.name().equals(name) && serving()) {
			return Optional.of(local);
		}
		return find(name);
	}

	/** Host {@code name}, or HOST_NOT_FOUND. */
	public HostView require(String name) {
		return find(name).orElseThrow(() -> new ProblemException(ProblemCode.HOST_NOT_FOUND, "no host " + name));
	}

	/**
	 * The instance that runs operations on host {@code name}: 503 HOST_UNAVAILABLE naming the host if
	 * it is not UP.
	 */
	public HostView requireUp(String name, String what) {
		HostView host = require(name);
		if (host.state() != HostState.UP) {
			throw new ProblemException(ProblemCode.HOST_UNAVAILABLE, what + " runs on host " + name + ", which is "
					+ host.state() + (host.state() == HostState.DOWN
							? " (no heartbeat since " + host.lastHeartbeatAt() + ", instance " + host.instanceId() + ")"
							: " (its instance " + host.instanceId() + " stopped at " + host.stoppedAt() + ")")
					+ "; it runs again when an instance serves the host");
		}
		return host;
	}

	/**
	 * The host's row says its instance stopped cleanly, unless another instance has taken it over.
	 * Best-effort, and bounded: with the database gone, waiting the pool's 30 s for a connection would
	 * spend an orchestrator's whole grace period on a record whose absence says little (the heartbeat
	 * stops either way, and the host is DOWN once it is stale).
	 */
	@Override
	public void destroy() {
		if (!registered.get() || fenced.get()) {
			return;
		}
		try (Connection c = Databases.connectionWithin(dataSource, STOP_RECORD_WAIT);
				PreparedStatement update = c
					.prepareStatement("UPDATE hosts SET stopped_at = ? WHERE name = ? AND instance_id = ?")) {
			update.setObject(1, utc(clock.instant()));
			update.setString(2, properties.name());
			update.setString(3, instance.value());
			update.executeUpdate();
			if (!c.getAutoCommit()) {
				c.commit();
			}
		}
		catch (SQLException | RuntimeException e) {
			log.warn("Could not record that host {} stopped: {}", SafeText.quote(properties.name()),
					SafeText.escape(e.getMessage()));
		}
	}

	private static final String SELECT = "SELECT name, adapter, hypervisor_version, instance_id, started_at,"
			+ " heartbeat_at, stopped_at, storage_id, backends FROM hosts";

	/** The {@code hosts.backends} column: a JSON array of {@link HostView.Backend}. */
	private static final JsonMapper BACKENDS = JsonMapper.builder().build();

	private static final TypeReference<List<HostView.Backend>> BACKEND_LIST = new TypeReference<>() {
	};

	private HostView view(ResultSet rs, Instant now) throws SQLException {
		Instant heartbeat = instant(rs, "heartbeat_at");
		Instant stopped = rs.getObject("stopped_at") == null ? null : instant(rs, "stopped_at");
		HostState state = stopped != null ? HostState.STOPPED
				: heartbeat.isBefore(now.minus(properties.downAfter())) ? HostState.DOWN : HostState.UP;
		String name = rs.getString("name");
		String serving = rs.getString("instance_id");
		return new HostView(name, rs.getString("adapter"), rs.getString("hypervisor_version"), serving, state,
				instant(rs, "started_at"), heartbeat, stopped, rs.getString("storage_id"), backends(rs.getString("backends")),
				name.equals(properties.name()) && serving.equals(instance.value()) && !fenced.get());
	}

	/** What the hypervisor says of its backend domains now, as the column keeps it; null if it cannot tell. */
	private @Nullable String backends() {
		try {
			return BACKENDS.writeValueAsString(hypervisor.backendDomains().stream().map(HostView.Backend::of).toList());
		}
		catch (RuntimeException e) {
			log.warn("Host {} registers without its backend domains: {}", SafeText.quote(properties.name()),
					SafeText.escape(e.getMessage()));
			return null;
		}
	}

	private static @Nullable List<HostView.Backend> backends(@Nullable String json) {
		return json == null ? null : List.copyOf(BACKENDS.readValue(json, BACKEND_LIST));
	}

	private static Instant instant(ResultSet rs, String column) throws SQLException {
		return rs.getObject(column, OffsetDateTime.class).toInstant();
	}

	private static OffsetDateTime utc(Instant t) {
		return t.atOffset(ZoneOffset.UTC);
	}

}
