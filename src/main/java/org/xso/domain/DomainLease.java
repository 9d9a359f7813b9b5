package org.xso.domain;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.jspecify.annotations.Nullable;
import org.xso.persistence.AssignedIdEntity;
import org.xso.problem.LeaseRef;

/**
 * The persisted lock that makes one operation run on a domain at a time: who holds it (an instance
 * of this service), for which operation (none for a short synchronous change such as a hot-plug),
 * and until when. The holder renews it while it works; an expired lease is taken over by recovery.
 */
@Entity
@Table(name = "domain_leases")
class DomainLease extends AssignedIdEntity<Integer> {

	@Id
	private Integer domid;

	@Column(nullable = false, length = 128)
	private String owner;

	@Column(name = "operation_id")
	private @Nullable UUID operationId;

	@Column(nullable = false, length = 64)
	private String purpose;

	@Column(name = "acquired_at", nullable = false)
	private Instant acquiredAt;

	@Column(name = "expires_at", nullable = false)
	private Instant expiresAt;

	protected DomainLease() {
		this.domid = 0;
		this.owner = "";
		this.purpose = "";
		this.acquiredAt = Instant.EPOCH;
		this.expiresAt = Instant.EPOCH;
	}

	DomainLease(int domid, String owner, @Nullable UUID operationId, String purpose, Instant now, Instant expiresAt) {
		this.domid = domid;
		this.owner = owner;
		this.operationId = operationId;
		this.purpose = purpose;
		this.acquiredAt = now;
		this.expiresAt = expiresAt;
	}

	@Override
	public Integer getId() {
		return domid;
	}

	LeaseRef ref() {
		return new LeaseRef(domid, owner, operationId, purpose, acquiredAt, expiresAt);
	}

	int domid() {
		return domid;
	}

	String owner() {
		return owner;
	}

	@Nullable
	UUID operationId() {
		return operationId;
	}

	Instant expiresAt() {
		return expiresAt;
	}

	/** Takes the lease over for {@code newOwner} (the row is locked by the caller's transaction). */
	void claimFor(String newOwner, Instant newExpiry) {
		this.owner = newOwner;
		this.expiresAt = newExpiry;
	}

	boolean expired(Instant now) {
		return !expiresAt.isAfter(now);
	}

}
