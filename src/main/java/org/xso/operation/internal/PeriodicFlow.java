package org.xso.operation.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import org.springframework.stereotype.Component;
import org.xso.checkpoint.Checkpoint;
import org.xso.checkpoint.CheckpointKind;
import org.xso.hypervisor.Hypervisor;
import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.SavedDomain;
import org.xso.hypervisor.ThawFailedException;
import org.xso.operation.OperationState;
import org.xso.problem.HypervisorProblems;
import org.xso.problem.ProblemCode;
import org.xso.problem.ProblemException;

/**
 * Periodic (Remus-style) checkpointing: one live checkpoint per interval until cancelled or the
 * count is reached, the guest paused only to be captured (quiesce, save, thaw) and the checkpoint
 * persisted after it runs again, each epoch's cost recorded. An epoch longer than the interval makes
 * the next start late (counted), never queued. The deadline bounds each epoch. A failed epoch is
 * compensated like a live checkpoint and ends the operation FAILED with the guest running; a cancel
 * ends it CANCELLED between epochs.
 */
@Component
class PeriodicFlow {

	private final Hypervisor hypervisor;

	private final OperationJournal journal;

	private final FlowSupport flow;

	private final CancelSignals signals;

	private final Clock clock;

	PeriodicFlow(Hypervisor hypervisor, OperationJournal journal, FlowSupport flow, CancelSignals signals,
			Clock clock) {
		this.hypervisor = hypervisor;
		this.journal = journal;
		this.flow = flow;
		this.signals = signals;
		this.clock = clock;
	}

	void run(OperationRun run) throws InterruptedException {
		OperationTicket t = run.ticket();
		// RUNNING in EPOCHS in its row from the start: recovery continues a schedule, it does not start one
		if (!journal.beginDurably(run)) {
			flow.endAs(run, OperationState.CANCELLED, FlowSupport.cancelled(), Set.of());
			return;
		}
		Duration interval = Duration.ofMillis(t.intervalMs() == null ? 1000 : t.intervalMs());
		int epoch = t.epochsCompleted();
		boolean late = false;
		while (true) {
			if (t.maxEpochs() != null && epoch >= t.maxEpochs()) {
				journal.succeeded(run);
				return;
			}
			if (cancelled(run)) {
				return;
			}
			Instant start = clock.instant();
			if (!epoch(run, epoch + 1, start, late)) {
				return;
			}
			epoch++;
			// an epoch that took longer than the interval makes the next one start late, at once: the
			// schedule slows down rather than queueing captures or dropping epochs
			Duration wait = Duration.between(clock.instant(), start.plus(interval));
			late = wait.isNegative();
			if (!late && signals.await(t.id(), wait)) {
				cancelled(run);
				return;
			}
		}
	}

	private boolean cancelled(OperationRun run) {
		UUID id = run.ticket().id();
		if (signals.signalled(id) || journal.cancelRequested(id)) {
			flow.endAs(run, OperationState.CANCELLED,
					new ProblemException(ProblemCode.CANCELLED, "periodic checkpointing stopped by the caller"),
					Set.of());
			return true;
		}
		return false;
	}

	/**
	 * One epoch; false if it failed (the operation has then ended). The guest is paused only while
	 * it is captured (quiesce, save, thaw); its checkpoint and the epoch's record are persisted after
	 * the thaw, in one transaction, while it runs. A failed persist ends the operation FAILED with the
	 * guest running and nothing of the epoch stored.
	 */
	private boolean epoch(OperationRun run, int n, Instant start, boolean startedLate) {
		OperationTicket t = run.ticket();
		Instant deadline = start.plus(t.deadline());
		long t0 = System.nanoTime();
		try {
			Duration budget = Duration.between(start, deadline);
			hypervisor.quiesce(t.dom(), t.requiredStrategy(),
					t.quiesceTimeout().compareTo(budget) < 0 ? t.quiesceTimeout() : budget);
		}
		catch (ThawFailedException e) {
			journal.faulted(run, "epoch " + n + ": " + HypervisorProblems.detail(e), e, Set.of());
			return false;
		}
		catch (HypervisorException e) {
			flow.endAs(run, OperationState.FAILED, FlowSupport.problem(e), Set.of());
			return false;
		}
		long t1 = System.nanoTime();
		SavedDomain saved;
		try {
			saved = hypervisor.save(t.dom(), Duration.between(clock.instant(), deadline));
		}
		catch (RuntimeException e) {
			flow.thawAndEnd(run, OperationState.FAILED, FlowSupport.problem(e), Set.of());
			return false;
		}
		long t2 = System.nanoTime();
		if (!flow.thaw(t)) {
			journal.faulted(run, "epoch " + n + " was captured but the guest could not be thawed", Set.of());
			return false;
		}
		long t3 = System.nanoTime();
		try {
			journal.epoch(run, n, start, startedLate, saved,
					new Checkpoint.Header(t.domid(), CheckpointKind.PERIODIC, t.id(), t.strategy(), null),
					new OperationEpoch.Captured(ms(t1 - t0), ms(t2 - t1), ms(t3 - t2)));
		}
		catch (RuntimeException e) {
			flow.endAs(run, OperationState.FAILED, FlowSupport.problem(e), Set.of());
			return false;
		}
		if (clock.instant().isAfter(deadline)) {
			flow.endAs(run, OperationState.FAILED, new ProblemException(ProblemCode.DEADLINE_EXCEEDED,
					"epoch " + n + " took longer than its deadline of " + t.deadline().toMillis() + " ms"), Set.of());
			return false;
		}
		return true;
	}

	private static long ms(long nanos) {
		return nanos / 1_000_000;
	}

}
