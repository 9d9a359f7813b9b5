package org.xso.checkpoint;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface CheckpointRepository extends JpaRepository<Checkpoint, UUID> {

	Page<Checkpoint> findByDomid(int domid, Pageable pageable);

	/** Checkpoints taken before hosts existed are held by host {@code host}. */
	@org.springframework.data.jpa.repository.Modifying
	@org.springframework.data.jpa.repository.Query(value = "update checkpoints set host_name = :host where host_name is null",
			nativeQuery = true)
	int claimUnhosted(String host);

	Optional<Checkpoint> findFirstByDomidOrderByCreatedAtDescIdDesc(int domid);

	@Query("select count(c) from Checkpoint c where c.domid = :domid")
	long countOf(int domid);

	@Query("select coalesce(sum(c.sizeBytes), 0) from Checkpoint c where c.domid = :domid")
	long bytesOf(int domid);

	@Query("select c.id from Checkpoint c where c.domid = :domid")
	List<UUID> idsOf(int domid);

	/**
	 * A checkpoint as retention sees it ({@link CheckpointRows#newestFirst}): whether it is pinned, and
	 * the one it builds on.
	 */
	record Entry(UUID id, @Nullable UUID parentId, boolean pinned) {
	}

	/** The incremental checkpoints built on checkpoint {@code id}. */
	@Query("select c.id from Checkpoint c where c.parentId = :id")
	List<UUID> builtOn(UUID id);

	/** The backend info (JSON) of every device of every stored checkpoint, each once. */
	@Query("select distinct d.backendInfo from CheckpointDevice d")
	List<String> allBackendInfo();

}
