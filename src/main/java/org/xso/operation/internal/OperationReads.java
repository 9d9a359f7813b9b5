package org.xso.operation.internal;

import java.time.Duration;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Sort;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.operation.OperationKind;
import org.xso.operation.OperationQueries;
import org.xso.operation.OperationState;
import org.xso.operation.OperationViews;

/**
 * Reads operations: one, a page of them, one once it has ended; and whether a domain could be
 * resumed.
 */
@Service
class OperationReads implements OperationQueries {

	private final OperationRepository operations;

	private final OperationViewMapper mapper;

	private final OperationWaiters waiters;

	private final GuestChecks checker;

	private final LiveOperations live;

	OperationReads(OperationRepository operations, OperationViewMapper mapper, OperationWaiters waiters,
			GuestChecks checker, LiveOperations live) {
		this.live = live;
		this.operations = operations;
		this.mapper = mapper;
		this.waiters = waiters;
		this.checker = checker;
	}

	@Override
	public OperationViews.OperationView view(UUID id) {
		return live.view(id).orElseGet(() -> mapper.read(id));
	}

	/**
	 * The rows that match, each as this instance shows it if it runs here (the filters apply to
	 * the rows, which may be behind by the phases since their last write).
	 */
	@Override
	@Transactional(readOnly = true)
	public Page<OperationViews.OperationView> list(@Nullable Integer domid, @Nullable OperationKind kind,
			@Nullable OperationState state, @Nullable String requestedBy, Pageable paging) {
		Sort newestFirst = Sort.by(Sort.Order.desc("createdAt"), Sort.Order.desc("id"));
		return operations
			.search(domid, kind, state, requestedBy,
					PageRequest.of(paging.getPageNumber(), paging.getPageSize(), newestFirst))
			.map(op -> op.state().isTerminal() ? mapper.map(op) : live.view(op.id()).orElseGet(() -> mapper.map(op)));
	}

	@Override
	public OperationViews.OperationView awaitEnd(UUID id, Duration wait) {
		return waiters.awaitEnd(id, wait, () -> view(id));
	}

	@Override
	public OperationViews.ResumeCheck resumeCheck(int domid, @Nullable UUID checkpointId) {
		return checker.check(domid, checkpointId);
	}

	@Override
	public OperationViews.SuspendCheck suspendCheck(int domid, SuspendStrategy strategy) {
		return checker.suspendCheck(domid, strategy);
	}

}
