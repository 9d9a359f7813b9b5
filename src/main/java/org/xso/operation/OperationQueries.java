package org.xso.operation;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Sort;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import org.xso.events.OperationEvents;
import org.xso.problem.ProblemCode;
import org.xso.problem.ProblemException;

/** Reads operations and cancels them. */
@Service
public class OperationQueries {

	private static final List<Phase> CANCELLABLE = Arrays.stream(Phase.values()).filter(Phase::cancellable).toList();

	private final OperationRepository operations;

	private final OperationViewMapper mapper;

	private final OperationJournal journal;

	private final CancelSignals signals;

	private final ApplicationEventPublisher events;

	private final TransactionTemplate tx;

	private final java.time.Clock clock;

	OperationQueries(OperationRepository operations, OperationViewMapper mapper, OperationJournal journal,
			CancelSignals signals, ApplicationEventPublisher events, TransactionTemplate tx, java.time.Clock clock) {
		this.operations = operations;
		this.mapper = mapper;
		this.journal = journal;
		this.signals = signals;
		this.events = events;
		this.tx = tx;
		this.clock = clock;
	}

	@Transactional(readOnly = true)
	public OperationViews.OperationView view(UUID id) {
		return mapper.map(require(id));
	}

	@Transactional(readOnly = true)
	public Page<OperationViews.OperationView> list(@Nullable Integer domid, @Nullable OperationKind kind,
			@Nullable OperationState state, @Nullable String requestedBy, Pageable paging) {
		Sort newestFirst = Sort.by(Sort.Order.desc("createdAt"), Sort.Order.desc("id"));
		return operations
			.search(domid, kind, state, requestedBy,
					PageRequest.of(paging.getPageNumber(), paging.getPageSize(), newestFirst))
			.map(mapper::map);
	}

	/**
	 * Cancels a pending operation at once; asks a running one to stop at the end of its phase if
	 * that phase is cancellable (409 OPERATION_NOT_CANCELLABLE otherwise, 409 OPERATION_FINISHED if
	 * it has ended). The operation records {@code by} as who asked to cancel it.
	 */
	public OperationViews.OperationView cancel(UUID id, String by) {
		for (int attempt = 0; attempt < 3; attempt++) {
			Operation op = tx.execute(s -> require(id));
			if (op.state().isTerminal()) {
				throw new ProblemException(ProblemCode.OPERATION_FINISHED,
						"operation " + id + " already ended as " + op.state())
					.withOperationId(id);
			}
			if (op.state() == OperationState.PENDING) {
				try {
					tx.executeWithoutResult(s -> cancelPending(id, by));
					return view(id);
				}
				catch (OptimisticLockingFailureException | IllegalStateException e) {
					continue; // a worker started it meanwhile: cancel it as running
				}
			}
			Integer n = tx.execute(s -> operations.requestCancel(id, OperationState.RUNNING, CANCELLABLE, by));
			if (n != null && n == 1) {
				signals.signal(id);
				return view(id);
			}
			Operation now = tx.execute(s -> require(id));
			if (now.state() == OperationState.RUNNING) {
				throw new ProblemException(ProblemCode.OPERATION_NOT_CANCELLABLE, "operation " + id + " is in phase "
						+ now.currentPhase() + ", which cannot be cancelled (past its point of no return)")
					.withOperationId(id);
			}
		}
		throw new ProblemException(ProblemCode.CONCURRENT_MODIFICATION,
				"operation " + id + " changed while it was being cancelled; retry")
			.withOperationId(id);
	}

	private void cancelPending(UUID id, String by) {
		Operation op = require(id);
		op.cancelPending(OperationJournal.outcome(id,
				new ProblemException(ProblemCode.CANCELLED, "cancelled before it started")), by, clock.instant());
		operations.saveAndFlush(op);
		events.publishEvent(new OperationEvents.OperationEnded(id, op.domid()));
		signals.signal(id);
	}

	private Operation require(UUID id) {
		return operations.findById(id)
			.orElseThrow(() -> new ProblemException(ProblemCode.OPERATION_NOT_FOUND, "no operation " + id)
				.withOperationId(id));
	}

}
