package org.xso.operation.internal;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.xso.events.OperationEvents;
import org.xso.operation.OperationState;
import org.xso.operation.OperationViews;
import org.xso.operation.Phase;
import org.xso.problem.ProblemCode;
import org.xso.problem.ProblemException;

/**
 * Cancelling an operation: a pending one ends CANCELLED at once; a running one is asked, through
 * the database (any instance may take the request) and a signal to the worker running it here, to
 * stop at the end of its phase if that phase can be cancelled.
 */
@Component
class Cancellation {

	private static final List<Phase> CANCELLABLE = Arrays.stream(Phase.values()).filter(Phase::cancellable).toList();

	private final OperationRepository operations;

	private final OperationViewMapper views;

	private final CancelSignals signals;

	private final ApplicationEventPublisher events;

	private final TransactionTemplate tx;

	private final java.time.Clock clock;

	Cancellation(OperationRepository operations, OperationViewMapper views, CancelSignals signals,
			ApplicationEventPublisher events, TransactionTemplate tx, java.time.Clock clock) {
		this.operations = operations;
		this.views = views;
		this.signals = signals;
		this.events = events;
		this.tx = tx;
		this.clock = clock;
	}

	/**
	 * Cancels a pending operation at once; asks a running one to stop at the end of its phase if
	 * that phase is cancellable (OPERATION_NOT_CANCELLABLE otherwise, OPERATION_FINISHED if it has
	 * ended). The operation records {@code by} as who asked to cancel it.
	 */
	OperationViews.OperationView cancel(UUID id, String by) {
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
					return views.read(id);
				}
				catch (OptimisticLockingFailureException | IllegalStateException e) {
					continue; // a worker started it meanwhile: cancel it as running
				}
			}
			Integer n = tx.execute(s -> operations.requestCancel(id, OperationState.RUNNING, CANCELLABLE, by));
			if (n != null && n == 1) {
				signals.signal(id);
				return views.read(id);
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
		events.publishEvent(new OperationFinished(views.map(op)));
		events.publishEvent(new OperationEvents.OperationEnded(id, op.domid()));
		signals.signal(id);
	}

	private Operation require(UUID id) {
		return operations.findById(id)
			.orElseThrow(() -> new ProblemException(ProblemCode.OPERATION_NOT_FOUND, "no operation " + id)
				.withOperationId(id));
	}

}
