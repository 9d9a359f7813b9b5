package org.xso.operation.internal;

import java.util.List;
import java.util.UUID;

import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface OperationEpochRepository extends JpaRepository<OperationEpoch, OperationEpoch.Key> {

	@Query("select e from OperationEpoch e where e.key.operationId = :operationId order by e.key.epoch desc")
	List<OperationEpoch> newest(UUID operationId, Limit limit);

}
