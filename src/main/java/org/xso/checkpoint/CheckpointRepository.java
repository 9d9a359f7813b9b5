package org.xso.checkpoint;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

interface CheckpointRepository extends JpaRepository<Checkpoint, UUID> {

	Page<Checkpoint> findByDomid(int domid, Pageable pageable);

	List<Checkpoint> findByDomidOrderByCreatedAtDescIdDesc(int domid);

	Optional<Checkpoint> findFirstByDomidOrderByCreatedAtDescIdDesc(int domid);

	@Query("select count(c) from Checkpoint c where c.domid = :domid")
	long countOf(int domid);

	@Query("select coalesce(sum(c.sizeBytes), 0) from Checkpoint c where c.domid = :domid")
	long bytesOf(int domid);

	@Query("select c.id from Checkpoint c where c.domid = :domid")
	List<UUID> idsOf(int domid);

	/** Rows of devices, rings, grants and images go with it (ON DELETE CASCADE). */
	@Modifying(clearAutomatically = true, flushAutomatically = true)
	@Query("delete from Checkpoint c where c.id in :ids")
	int deleteByIds(Collection<UUID> ids);

}
