package org.xso.operation.internal;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.xso.events.OperationEvents;
import org.xso.operation.OperationState;
import org.xso.operation.OperationViews;
import org.xso.operation.Phase;
import org.xso.problem.ProblemCode;
import org.xso.problem.ProblemException;

/**
 * Cancelling an operation. One still queued on this instance ends CANCELLED at once. Otherwise the
 * cancel is recorded in its row, while the row says it can be cancelled: PENDING (nothing durable
 * has happened yet, wherever it runs) or RUNNING in a cancellable phase (periodic checkpointing).
 * The operation's next write refuses to go on over a recorded cancel, on whichever instance it runs;
 * a worker on this instance is also signalled, so it stops at the end of the phase it is in.
 */
@Component
class Cancellation {

	private static final List<Phase> CANCELLABLE = Arrays.stream(Phase.values()).filter(Phase::cancellable).toList();

	private final OperationRepository operations;

	private final OperationViewMapper views;

	private final LiveOperations live;

	private final CancelSignals signals;

	private final ApplicationEventPublisher events;

	private final TransactionTemplate tx;

	private final java.time.Clock clock;

	Cancellation(OperationRepository operations, OperationViewMapper views, LiveOperations live,
			CancelSignals signals, ApplicationEventPublisher events, TransactionTemplate tx, java.time.Clock clock) {
		this.operations = operations;
		this.views = views;
		this.live = live;
		this.signals = signals;
		this.events = events;
		this.tx = tx;
		this.clock = clock;
	}

	/**
	 * Cancels a queued operation at once; asks a running one to stop at the end of its phase if
	 * that phase is cancellable (OPERATION_NOT_CANCELLABLE otherwise, OPERATION_FINISHED if it has
	 * ended). The operation records {@code by} as who asked to cancel it.
	 */
	OperationViews.OperationView cancel(UUID id, String by) {
		if (live.cancelQueued(id)) {
			tx.executeWithoutResult(s -> cancelQueued(id, by));
			return views.read(id);
		}
		Optional<OperationViews.OperationView> here = live.view(id);
		if (here.isPresent() && !here.get().state().isTerminal() && !here.get().cancellable()) {
			throw notCancellable(id, here.get().phase());
		}
		Operation op = tx.execute(s -> require(id));
		if (op.state().isTerminal()) {
			throw new ProblemException(ProblemCode.OPERATION_FINISHED,
					"operation " + id + " already ended as " + op.state())
				.withOperationId(id);
		}
		Integer n = tx.execute(s -> operations.requestCancel(id, OperationState.PENDING, OperationState.RUNNING,
				CANCELLABLE, by));
		if (n != null && n == 1) {
			live.cancelRequested(id, by);
			signals.signal(id);
			return live.view(id).orElseGet(() -> views.read(id));
		}
		Operation now = tx.execute(s -> require(id));
		if (now.state().isTerminal()) {
			throw new ProblemException(ProblemCode.OPERATION_FINISHED,
					"operation " + id + " already ended as " + now.state())
				.withOperationId(id);
		}
		throw notCancellable(id, now.currentPhase());
	}

	private static ProblemException notCancellable(UUID id, @Nullable Phase phase) {
		return new ProblemException(ProblemCode.OPERATION_NOT_CANCELLABLE, "operation " + id + " is in phase "
				+ phase + ", which cannot be cancelled (past its point of no return)")
			.withOperationId(id);
	}

	/** Ends an operation no worker has taken: nothing had been done. */
	private void cancelQueued(UUID id, String by) {
		Operation op = require(id);
		op.cancelPending(OperationJournal.outcome(id,
				new ProblemException(ProblemCode.CANCELLED, "cancelled before it started")), by, clock.instant());
		operations.saveAndFlush(op);
		events.publishEvent(new OperationFinished(views.map(op)));
		events.publishEvent(new OperationEvents.OperationEnded(id, op.domid()));
	}

	private Operation require(UUID id) {
		return operations.findById(id)
			.orElseThrow(() -> new ProblemException(ProblemCode.OPERATION_NOT_FOUND, "no operation " + id)
				.withOperationId(id));
	}

}
