package org.xso.operation.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Sort;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import org.xso.operation.OperationKind;
import org.xso.operation.OperationQueries;
import org.xso.operation.OperationState;
import org.xso.operation.OperationViews;
import org.xso.problem.ProblemCode;
import org.xso.problem.ProblemException;

/**
 * Reads operations: one, a page of them, one once it has ended; and whether a domain could be
 * resumed.
 */
@Service
class OperationReads implements OperationQueries {

	private final OperationRepository operations;

	private final OperationViewMapper mapper;

	private final OperationWaiters waiters;

	private final ResumeChecker checker;

	private final TransactionTemplate readOnly;

	OperationReads(OperationRepository operations, OperationViewMapper mapper, OperationWaiters waiters,
			ResumeChecker checker, PlatformTransactionManager transactions) {
		this.operations = operations;
		this.mapper = mapper;
		this.waiters = waiters;
		this.checker = checker;
		this.readOnly = new TransactionTemplate(transactions);
		this.readOnly.setReadOnly(true);
	}

	@Override
	public OperationViews.OperationView view(UUID id) {
		return Objects.requireNonNull(readOnly.execute(s -> mapper.map(require(id))));
	}

	@Override
	@Transactional(readOnly = true)
	public Page<OperationViews.OperationView> list(@Nullable Integer domid, @Nullable OperationKind kind,
			@Nullable OperationState state, @Nullable String requestedBy, Pageable paging) {
		Sort newestFirst = Sort.by(Sort.Order.desc("createdAt"), Sort.Order.desc("id"));
		return operations
			.search(domid, kind, state, requestedBy,
					PageRequest.of(paging.getPageNumber(), paging.getPageSize(), newestFirst))
			.map(mapper::map);
	}

	@Override
	public OperationViews.OperationView awaitEnd(UUID id, Duration wait) {
		return waiters.awaitEnd(id, wait, () -> view(id));
	}

	@Override
	public OperationViews.ResumeCheck resumeCheck(int domid, @Nullable UUID checkpointId) {
		return checker.check(domid, checkpointId);
	}

	private Operation require(UUID id) {
		return operations.findById(id)
			.orElseThrow(() -> new ProblemException(ProblemCode.OPERATION_NOT_FOUND, "no operation " + id)
				.withOperationId(id));
	}

}
