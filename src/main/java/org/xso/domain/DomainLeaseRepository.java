package org.xso.domain;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

interface DomainLeaseRepository extends JpaRepository<DomainLease, Integer> {

	@Modifying
	@Query("update DomainLease l set l.expiresAt = :expiresAt where l.owner = :owner and l.operationId in :operations")
	int renew(String owner, Collection<UUID> operations, Instant expiresAt);

	@Modifying
	@Query("delete from DomainLease l where l.domid = :domid and l.owner = :owner")
	int release(int domid, String owner);

	/**
	 * Locks up to {@code limit} leases that are expired or held by {@code owner}, skipping rows
	 * another transaction has locked: replicas sweeping at once each get their own leases and none
	 * waits for another (the same statement on H2 and PostgreSQL).
	 */
	@Query(value = "select * from domain_leases l where (expires_at <= :now or owner = :owner)" + ON_HOST
			+ " order by domid limit :limit for update skip locked", nativeQuery = true)
	List<DomainLease> lockExpiredOrOwnedBy(Instant now, String owner, String host, int limit);

	/** {@link #lockExpiredOrOwnedBy} for expired leases only. */
	@Query(value = "select * from domain_leases l where expires_at <= :now" + ON_HOST
			+ " order by domid limit :limit for update skip locked", nativeQuery = true)
	List<DomainLease> lockExpired(Instant now, String host, int limit);

	/**
	 * Leases of domains on host {@code host}, and of ids no domain has (a creation that did not
	 * finish): the guest of a domain on another host is that host's instance's to recover.
	 */
	String ON_HOST = " and not exists (select 1 from domains d where d.domid = l.domid and d.host_name <> :host)";

}
