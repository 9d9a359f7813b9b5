package org.xso.domain;

import java.util.List;
import java.util.Optional;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface DomainRepository extends JpaRepository<Domain, Integer> {

	Page<Domain> findByState(DomainState state, Pageable pageable);

	@Query("select d.domid from Domain d")
	List<Integer> allIds();

	/** The version as committed now (a scalar query: never the persistence context's copy). */
	@Query("select d.version from Domain d where d.domid = :domid")
	Optional<Long> committedVersion(int domid);

}
