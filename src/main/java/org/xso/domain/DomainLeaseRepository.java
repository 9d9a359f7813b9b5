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
	@Query("update DomainLease l set l.owner = :owner, l.expiresAt = :expiresAt"
			+ " where l.domid = :domid and l.owner = :previousOwner and l.expiresAt = :previousExpiry")
	int takeOver(int domid, String previousOwner, Instant previousExpiry, String owner, Instant expiresAt);

	@Modifying
	@Query("delete from DomainLease l where l.domid = :domid and l.owner = :owner")
	int release(int domid, String owner);

	@Modifying
	@Query("delete from DomainLease l where l.domid = :domid and l.operationId = :operationId")
	int releaseFor(int domid, UUID operationId);

	@Query("select l from DomainLease l where l.expiresAt <= :now or l.owner = :owner order by l.domid")
	List<DomainLease> expiredOrOwnedBy(Instant now, String owner);

}
