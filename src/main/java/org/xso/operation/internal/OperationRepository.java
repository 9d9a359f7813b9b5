package org.xso.operation.internal;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.xso.operation.OperationKind;
import org.xso.operation.OperationState;
import org.xso.operation.Phase;

interface OperationRepository extends JpaRepository<Operation, UUID> {

	@Query("select o from Operation o where o.params.subjectDomid = :subject and o.kind = :kind"
			+ " and o.params.idempotencyKey = :key")
	Optional<Operation> findByIdempotencyKey(int subject, OperationKind kind, String key);

	@Query("select o from Operation o where (:domid is null or o.domid = :domid)"
			+ " and (:kind is null or o.kind = :kind) and (:state is null or o.state = :state)"
			+ " and (:requestedBy is null or o.requesters.requestedBy = :requestedBy)")
	Page<Operation> search(@Nullable Integer domid, @Nullable OperationKind kind, @Nullable OperationState state,
			@Nullable String requestedBy, Pageable pageable);

	List<Operation> findByStateIn(Collection<OperationState> states);

	/**
	 * Sets the cancel flag, and who asked (the first to ask is kept), only while the row says the
	 * operation can be cancelled: pending (nothing durable done yet) or running a cancellable phase
	 * (atomic check).
	 */
	@Modifying
	@Query("update Operation o set o.cancelRequested = true,"
			+ " o.requesters.cancelRequestedBy = coalesce(o.requesters.cancelRequestedBy, :by)"
			+ " where o.id = :id and (o.state = :pending or (o.state = :running and o.currentPhase in :cancellable))")
	int requestCancel(UUID id, OperationState pending, OperationState running, Collection<Phase> cancellable,
			String by);

	@Query("select o.cancelRequested from Operation o where o.id = :id")
	boolean cancelRequested(UUID id);

}
