package org.xso.domain;

import java.util.List;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface DomainRepository extends JpaRepository<Domain, Integer> {

	Page<Domain> findByState(DomainState state, Pageable pageable);

	@Query("select d.domid from Domain d")
	List<Integer> allIds();

}
