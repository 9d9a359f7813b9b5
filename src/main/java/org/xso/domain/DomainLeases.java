package org.xso.domain;

import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.xso.host.HostRegistry;
import org.xso.host.InstanceId;
import org.xso.problem.LeaseRef;
import org.xso.problem.ProblemCode;
import org.xso.problem.ProblemException;

/**
 * The per-domain lease: one holder at a time, enforced by the primary key of {@code domain_leases}
 * (a concurrent acquirer's insert fails), visible in the API, renewed while its operation runs and
 * taken over by recovery once it expired.
 */
@Service
public class DomainLeases {

	private final DomainLeaseRepository leases;

	private final InstanceId instance;

	private final Clock clock;

	private final Duration ttl;

	private final JdbcClient jdbc;

	private final HostRegistry hosts;

	DomainLeases(DomainLeaseRepository leases, InstanceId instance, Clock clock, DomainProperties properties,
			JdbcTemplate jdbc, HostRegistry hosts) {
		this.hosts = hosts;
		this.leases = leases;
		this.jdbc = JdbcClient.create(jdbc);
		this.instance = instance;
		this.clock = clock;
		this.ttl = properties.leaseTtl();
	}

	/**
	 * Takes the domain's lease for this instance in the caller's transaction, or fails with 409
	 * DOMAIN_BUSY naming the holder and its operation. One statement when the domain is free: an
	 * insert that inserts nothing if a lease is there (then the lease is read to say whose it is);
	 * two acquirers racing for a free domain meet at the primary key.
	 */
	@Transactional
	public LeaseRef acquire(int domid, @Nullable UUID operationId, String purpose) {
		return acquire(domid, operationId, purpose, instance.value());
	}

	/**
	 * {@link #acquire(int, UUID, String)} for instance {@code owner}: the instance serving the host
	 * an accepted operation runs on, which renews the lease while it runs it.
	 */
	@Transactional
	public LeaseRef acquire(int domid, @Nullable UUID operationId, String purpose, String owner) {
		Instant now = clock.instant();
		LeaseRef lease = new LeaseRef(domid, owner, operationId, purpose, now, now.plus(ttl));
		int inserted;
		try {
			inserted = jdbc.sql("INSERT INTO domain_leases (domid, owner, operation_id, purpose, acquired_at, expires_at)"
					+ " SELECT :domid, :owner, :operation, :purpose, :acquired, :expires"
					+ " WHERE NOT EXISTS (SELECT 1 FROM domain_leases WHERE domid = :domid)")
				.param("domid", domid)
				.param("owner", owner)
				// a typed null: PostgreSQL infers the column's type
				.param("operation", operationId == null ? new SqlParameterValue(Types.OTHER, null) : operationId)
				.param("purpose", purpose)
				.param("acquired", now.atOffset(ZoneOffset.UTC))
				.param("expires", now.plus(ttl).atOffset(ZoneOffset.UTC))
				.update();
		}
		catch (DataIntegrityViolationException e) {
			throw new ProblemException(ProblemCode.DOMAIN_BUSY,
					"domain " + domid + " was just locked by a concurrent request; read it again");
		}
		if (inserted == 0) {
			throw leases.findById(domid)
				.map(held -> busy(domid, held.ref(), held.expired(clock.instant())))
				.orElseGet(() -> new ProblemException(ProblemCode.DOMAIN_BUSY,
						"domain " + domid + " was locked by a request that has just finished; read it again"));
		}
		return lease;
	}

	/**
	 * The lease taken for operation {@code operationId} passes to instance {@code owner}, which will
	 * run the operation (in the caller's transaction), with a whole TTL to claim it.
	 */
	@Transactional
	public void handOver(int domid, UUID operationId, String owner) {
		jdbc.sql("UPDATE domain_leases SET owner = :owner, expires_at = :expires"
				+ " WHERE domid = :domid AND operation_id = :operation")
			.param("owner", owner)
			.param("expires", clock.instant().plus(ttl).atOffset(ZoneOffset.UTC))
			.param("domid", domid)
			.param("operation", operationId)
			.update();
	}

	@Transactional(readOnly = true)
	public Optional<LeaseRef> find(int domid) {
		return leases.findById(domid).map(DomainLease::ref);
	}

	/** Releases a lease this instance holds for a synchronous change. */
	@Transactional
	public void release(int domid) {
		leases.release(domid, instance.value());
	}

	/**
	 * Releases the lease held for {@code operationId}, whoever holds it now: one statement at the end
	 * of every operation, in plain JDBC as the acquire (no JPQL to interpret on the hot path). An
	 * entity of the lease loaded in the same transaction is not removed, as with a bulk delete.
	 */
	@Transactional
	public void releaseFor(int domid, UUID operationId) {
		jdbc.sql("DELETE FROM domain_leases WHERE domid = ? AND operation_id = ?").params(domid, operationId).update();
	}

	/** Extends the leases of the operations this instance runs. */
	@Transactional
	public int renew(Collection<UUID> operations) {
		if (operations.isEmpty()) {
			return 0;
		}
		return leases.renew(instance.value(), operations, clock.instant().plus(ttl));
	}

	/**
	 * Claims stale leases of this instance's host's domains for this instance: expired ones, and with
	 * {@code ownLeftovers} those a previous run of this instance left, except the ones {@code runningHere} says this instance is
	 * still working on. The rows are locked with {@code FOR UPDATE SKIP LOCKED} and taken over in
	 * the same transaction, so concurrent sweeps of several replicas claim disjoint leases without
	 * waiting on each other. Returns the leases as they were before the claim.
	 */
	@Transactional
	public List<LeaseRef> claimStale(boolean ownLeftovers, Predicate<LeaseRef> runningHere, int limit) {
		Instant now = clock.instant();
		List<LeaseRef> claimed = new ArrayList<>();
		List<DomainLease> candidates = ownLeftovers
				? leases.lockExpiredOrOwnedBy(now, instance.value(), hosts.localName(), limit)
				: leases.lockExpired(now, hosts.localName(), limit);
		for (DomainLease lease : candidates) {
			LeaseRef before = lease.ref();
			boolean leftover = ownLeftovers && lease.owner().equals(instance.value());
			if (lease.domid() == 0 || runningHere.test(before) || !(lease.expired(now) || leftover)) {
				continue;
			}
			lease.claimFor(instance.value(), now.plus(ttl));
			claimed.add(before);
		}
		return claimed;
	}

	public String owner() {
		return instance.value();
	}

	public Duration ttl() {
		return ttl;
	}

	static ProblemException busy(int domid, LeaseRef lease, boolean expired) {
		String holder = lease.operationId() != null ? "operation " + lease.operationId() : lease.purpose();
		String detail = "domain " + domid + " is busy with " + holder + " (lease held by " + lease.owner()
				+ (expired ? ", expired at " + lease.expiresAt() + "; recovery will release it shortly)"
						: " until " + lease.expiresAt() + ")");
		return new ProblemException(ProblemCode.DOMAIN_BUSY, detail).withLease(lease);
	}

}
