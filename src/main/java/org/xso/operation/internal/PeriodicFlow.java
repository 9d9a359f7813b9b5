package org.xso.operation.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.xso.checkpoint.Checkpoint;
import org.xso.checkpoint.CheckpointKind;
import org.xso.hypervisor.Capture;
import org.xso.hypervisor.Hypervisor;
import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.ThawFailedException;
import org.xso.operation.OperationState;
import org.xso.problem.HypervisorProblems;
import org.xso.problem.ProblemCode;
import org.xso.problem.ProblemException;
import org.xso.text.SafeText;

/**
 * Periodic (Remus-style) checkpointing: one live checkpoint per interval until cancelled or the
 * count is reached, the guest paused only to be captured (quiesce, capture, thaw) and the checkpoint
 * persisted after it runs again, each epoch's cost recorded. Every
 * {@code xso.operations.full-checkpoint-every}-th checkpoint of a chain is full, the ones between
 * hold what changed since the epoch before (where the adapter captures incrementally). An epoch longer than the interval makes
 * the next start late (counted), never queued. The deadline bounds each epoch. A failed epoch is
 * compensated like a live checkpoint and ends the operation FAILED with the guest running; a cancel
 * ends it CANCELLED between epochs.
 */
@Component
class PeriodicFlow {

	private static final Logger log = LoggerFactory.getLogger(PeriodicFlow.class);

	private final Hypervisor hypervisor;

	private final OperationJournal journal;

	private final FlowSupport flow;

	private final CancelSignals signals;

	private final Clock clock;

	private final int fullEvery;

	PeriodicFlow(Hypervisor hypervisor, OperationJournal journal, FlowSupport flow, CancelSignals signals,
			Clock clock, OperationProperties properties) {
		this.hypervisor = hypervisor;
		this.journal = journal;
		this.flow = flow;
		this.signals = signals;
		this.clock = clock;
		this.fullEvery = properties.fullCheckpointEvery();
	}

	void run(OperationRun run) throws InterruptedException {
		OperationTicket t = run.ticket();
		// RUNNING in EPOCHS in its row from the start: recovery continues a schedule, it does not start one
		if (!journal.beginDurably(run)) {
			flow.endAs(run, OperationState.CANCELLED, FlowSupport.cancelled(), Set.of());
			return;
		}
		if (t.outputCommit()) {
			try {
				hypervisor.holdOutput(t.dom(), true, t.quiesceTimeout());
			}
			catch (HypervisorException e) {
				flow.endAs(run, OperationState.FAILED, FlowSupport.problem(e), Set.of());
				return;
			}
		}
		try {
			schedule(run);
		}
		finally {
			if (t.outputCommit()) {
				releaseAll(t);
			}
		}
	}

	/** The schedule has ended: the guest's output flows again, what was held leaves. */
	private void releaseAll(OperationTicket t) {
		try {
			hypervisor.holdOutput(t.dom(), false, Hypervisor.undoBudget(t.quiesceTimeout()));
		}
		catch (HypervisorException e) {
			log.warn("Periodic checkpointing {} ended, but the output of dom{} held for it was not released: {}",
					t.id(), t.domid(), SafeText.escape(e.getMessage()));
		}
	}

	private void schedule(OperationRun run) throws InterruptedException {
		OperationTicket t = run.ticket();
		Duration interval = Duration.ofMillis(t.intervalMs() == null ? 1000 : t.intervalMs());
		int epoch = t.epochsCompleted();
		boolean late = false;
		// the stored checkpoint the next epoch builds on; a schedule continued after a restart starts full
		Checkpoint.Link last = null;
		while (true) {
			if (t.maxEpochs() != null && epoch >= t.maxEpochs()) {
				journal.succeeded(run);
				return;
			}
			if (cancelled(run)) {
				return;
			}
			Instant start = clock.instant();
			boolean incremental = last != null && last.depth() + 1 < fullEvery;
			last = epoch(run, epoch + 1, start, late, incremental ? last : null);
			if (last == null) {
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
	 * One epoch, incremental on top of {@code parent} if there is one (the adapter may still capture
	 * it whole); the stored checkpoint, or null if the epoch failed (the operation has then ended).
	 * The guest is paused only while it is captured (quiesce, capture, thaw); what the capture holds
	 * in memory is written, then its checkpoint and the epoch's record are persisted in one
	 * transaction, while it runs. A failed persist ends the operation FAILED with the guest running and
	 * nothing of the epoch stored: its capture is discarded, so that nothing builds on it.
	 */
	private Checkpoint.@Nullable Link epoch(OperationRun run, int n, Instant start, boolean startedLate,
			Checkpoint.@Nullable Link parent) {
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
			return null;
		}
		catch (HypervisorException e) {
			flow.endAs(run, OperationState.FAILED, FlowSupport.problem(e), Set.of());
			return null;
		}
		long t1 = System.nanoTime();
		Capture capture;
		try {
			capture = hypervisor.capture(t.dom(), Duration.between(clock.instant(), deadline), parent != null);
		}
		catch (RuntimeException e) {
			flow.thawAndEnd(run, OperationState.FAILED, FlowSupport.problem(e), Set.of());
			return null;
		}
		long t2 = System.nanoTime();
		if (!flow.thaw(t)) {
			hypervisor.discardCapture(capture);
			journal.faulted(run, "epoch " + n + " was captured but the guest could not be thawed", Set.of());
			return null;
		}
		long t3 = System.nanoTime();
		Checkpoint.Link stored;
		try {
			hypervisor.persistCapture(capture);
			long written = System.nanoTime() - t3;
			stored = journal.epoch(run, n, start, startedLate, capture, parent,
					new Checkpoint.Header(t.domid(), CheckpointKind.PERIODIC, t.id(), t.strategy(), null),
					new OperationEpoch.Captured(ms(t1 - t0), ms(t2 - t1), ms(t3 - t2), written));
			// durable: the output the guest produced before this capture may leave
			hypervisor.releaseOutput(capture);
		}
		catch (RuntimeException e) {
			hypervisor.discardCapture(capture);
			flow.endAs(run, OperationState.FAILED, FlowSupport.problem(e), Set.of());
			return null;
		}
		if (clock.instant().isAfter(deadline)) {
			flow.endAs(run, OperationState.FAILED, new ProblemException(ProblemCode.DEADLINE_EXCEEDED,
					"epoch " + n + " took longer than its deadline of " + t.deadline().toMillis() + " ms"), Set.of());
			return null;
		}
		return stored;
	}

	private static long ms(long nanos) {
		return nanos / 1_000_000;
	}

}
