package org.xso.domain;

import java.util.List;
import java.util.Optional;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

interface DomainRepository extends JpaRepository<Domain, Integer> {

	@Query("select d from Domain d where (:state is null or d.state = :state) and (:host is null or d.hostName = :host)")
	Page<Domain> find(@org.jspecify.annotations.Nullable DomainState state, @org.jspecify.annotations.Nullable String host,
			Pageable pageable);

	@Query("select d.domid from Domain d")
	List<Integer> allIds();

	/** How many checkpoints retention keeps for domain {@code domid}: one column, no domain loaded. */
	@Query("select d.checkpointRetention from Domain d where d.domid = :domid")
	Optional<Integer> checkpointRetentionOf(int domid);

	/** Domains recorded before hosts existed become host {@code host}'s. */
	@Modifying
	@Query(value = "update domains set host_name = :host where host_name is null", nativeQuery = true)
	int claimUnhosted(String host);

}
