package org.xso.web;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface EventLogRepository extends JpaRepository<EventLogEntry, Long> {

	@Query("select e from EventLogEntry e where e.id > :after and e.id <= :upTo"
			+ " and (:domid is null or e.domid = :domid) order by e.id")
	List<EventLogEntry> after(long after, long upTo, @Nullable Integer domid, Limit limit);

	@Query("select coalesce(max(e.id), 0) from EventLogEntry e")
	long maxId();

	@Query("select coalesce(min(e.id), 0) from EventLogEntry e")
	long minId();

}
