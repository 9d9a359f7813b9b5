package org.xso.operation.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import org.springframework.stereotype.Component;
import org.xso.checkpoint.Checkpoint;
import org.xso.checkpoint.CheckpointKind;
import org.xso.checkpoint.CheckpointViews;
import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.SavedDomain;
import org.xso.hypervisor.ThawFailedException;
import org.xso.operation.OperationState;
import org.xso.problem.HypervisorProblems;
import org.xso.problem.ProblemCode;
import org.xso.problem.ProblemException;

/**
 * Periodic (Remus-style) checkpointing: one live checkpoint (quiesce, save, persist, thaw) per
 * interval until cancelled or the count is reached, each epoch's cost recorded. The deadline bounds
 * each epoch. A failed epoch is compensated like a live checkpoint and ends the operation FAILED
 * with the guest running; a cancel ends it CANCELLED between epochs.
 */
@Component
class PeriodicFlow {

	private final FlowSupport flow;

	PeriodicFlow(FlowSupport flow) {
		this.flow = flow;
	}

	void run(OperationTicket t) throws InterruptedException {
		// EPOCHS was entered when the operation started
		Duration interval = Duration.ofMillis(t.intervalMs() == null ? 1000 : t.intervalMs());
		int epoch = t.epochsCompleted();
		while (true) {
			if (t.maxEpochs() != null && epoch >= t.maxEpochs()) {
				flow.journal.succeeded(t.id());
				flow.signals.clear(t.id());
				return;
			}
			if (cancelled(t)) {
				return;
			}
			Instant start = flow.clock.instant();
			if (!epoch(t, epoch + 1, start)) {
				return;
			}
			epoch++;
			Duration wait = Duration.between(flow.clock.instant(), start.plus(interval));
			if (!wait.isNegative() && flow.signals.await(t.id(), wait)) {
				cancelled(t);
				return;
			}
		}
	}

	private boolean cancelled(OperationTicket t) {
		if (flow.signals.signalled(t.id()) || flow.journal.cancelRequested(t.id())) {
			flow.endAs(t, OperationState.CANCELLED,
					new ProblemException(ProblemCode.CANCELLED, "periodic checkpointing stopped by the caller"),
					Set.of());
			return true;
		}
		return false;
	}

	/** One epoch; false if it failed (the operation has then ended). */
	private boolean epoch(OperationTicket t, int n, Instant start) {
		Instant deadline = start.plus(t.deadline());
		long t0 = System.nanoTime();
		try {
			Duration budget = Duration.between(start, deadline);
			flow.hypervisor.quiesce(t.dom(), t.requiredStrategy(),
					t.quiesceTimeout().compareTo(budget) < 0 ? t.quiesceTimeout() : budget);
		}
		catch (ThawFailedException e) {
			flow.journal.faulted(t.id(), "epoch " + n + ": " + HypervisorProblems.detail(e), e, Set.of());
			return false;
		}
		catch (HypervisorException e) {
			flow.endAs(t, OperationState.FAILED, FlowSupport.problem(e), Set.of());
			return false;
		}
		long t1 = System.nanoTime();
		CheckpointViews.Summary checkpoint;
		long t2;
		try {
			SavedDomain saved = flow.hypervisor.save(t.dom(), Duration.between(flow.clock.instant(), deadline));
			t2 = System.nanoTime();
			checkpoint = flow.journal.store(saved,
					new Checkpoint.Header(t.domid(), CheckpointKind.PERIODIC, t.id(), t.strategy(), null),
					t.requestedBy());
		}
		catch (RuntimeException e) {
			flow.thawAndEnd(t, OperationState.FAILED, FlowSupport.problem(e), Set.of());
			return false;
		}
		long t3 = System.nanoTime();
		if (!flow.thaw(t)) {
			flow.journal.faulted(t.id(), "epoch " + n + " was stored but the guest could not be thawed", Set.of());
			return false;
		}
		long t4 = System.nanoTime();
		OperationEpoch.Timings timings = new OperationEpoch.Timings(ms(t1 - t0), ms(t2 - t1), ms(t3 - t2),
				ms(t4 - t3));
		flow.journal.epoch(t.id(), new OperationEpoch(t.id(), n, checkpoint.id(), start, timings,
				checkpoint.sizeBytes()));
		if (flow.clock.instant().isAfter(deadline)) {
			flow.endAs(t, OperationState.FAILED, new ProblemException(ProblemCode.DEADLINE_EXCEEDED,
					"epoch " + n + " took longer than its deadline of " + t.deadline().toMillis() + " ms"), Set.of());
			return false;
		}
		return true;
	}

	private static long ms(long nanos) {
		return nanos / 1_000_000;
	}

}
