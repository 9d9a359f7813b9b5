package org.xso.operation.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ExecutionException;

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
 * count is reached, the guest paused only to be captured (quiesce, capture, thaw), each epoch's cost
 * recorded. The capture is handed to the {@link EpochWriter}, which persists it after the guest runs
 * again, with other guests' epochs in one transaction, while the schedule goes on; a schedule with
 * {@link #MAX_OUTSTANDING} epochs not yet durable waits for the oldest before it captures another,
 * so persistence that falls behind slows the schedule (its epochs start late, counted) and never
 * holds more captures in memory than that. It waits for all of them before it ends. Every
 * {@code xso.operations.full-checkpoint-every}-th checkpoint of a chain is full, the ones between
 * hold what changed since the epoch before (where the adapter captures incrementally). An epoch longer than the interval makes
 * the next start late (counted), never queued. The deadline bounds each epoch. A failed epoch is
 * compensated like a live checkpoint and ends the operation FAILED with the guest running; a cancel
 * ends it CANCELLED between epochs (one asked of another instance within
 * {@link #CANCEL_READ_INTERVAL}).
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

	private final EpochWriter writer;

	PeriodicFlow(Hypervisor hypervisor, OperationJournal journal, FlowSupport flow, CancelSignals signals,
			Clock clock, OperationProperties properties, EpochWriter writer) {
		this.writer = writer;
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
		// the epochs handed to the writer and not yet known durable, oldest first; the last one is
		// what the next epoch builds on (a schedule continued after a restart starts full)
		ArrayDeque<EpochWriter.Pending> outstanding = new ArrayDeque<>();
		EpochWriter.Pending last = null;
		int depth = 0;
		CancelReads cancelReads = new CancelReads();
		while (true) {
			if (t.maxEpochs() != null && epoch >= t.maxEpochs()) {
				if (drained(run, outstanding)) {
					journal.succeeded(run);
				}
				return;
			}
			if (signals.signalled(t.id()) || cancelRecorded(t, cancelReads)) {
				cancel(run, outstanding);
				return;
			}
			Instant start = clock.instant();
			boolean incremental = last != null && depth + 1 < fullEvery;
			EpochWriter.Pending next = epoch(run, epoch + 1, start, late, incremental ? last : null, outstanding);
			if (next == null) {
				return;
			}
			outstanding.add(next);
			last = next;
			depth = incremental ? depth + 1 : 0;
			epoch++;
			// back-pressure: a schedule whose epochs are not yet durable waits for them before it
			// captures more (its captures are held in memory until written), so it slows down
			// instead of queueing without bound
			while (outstanding.size() >= MAX_OUTSTANDING
					|| (!outstanding.isEmpty() && outstanding.peekFirst().stored.isDone())) {
				if (!settled(run, outstanding.pollFirst(), outstanding)) {
					return;
				}
			}
			// an epoch that took longer than the interval makes the next one start late, at once: the
			// schedule slows down rather than queueing captures or dropping epochs
			Duration wait = Duration.between(clock.instant(), start.plus(interval));
			late = wait.isNegative();
			if (!late && signals.await(t.id(), wait)) {
				cancel(run, outstanding);
				return;
			}
		}
	}

	/**
	 * How often a schedule reads its row for a cancel recorded by another instance. A cancel asked
	 * here signals the schedule at once ({@link CancelSignals}); one asked of another instance is in
	 * the row only, and reading it at every epoch would be a transaction per epoch (40 a second per
	 * guest at the shortest intervals) for what is rare.
	 */
	static final Duration CANCEL_READ_INTERVAL = Duration.ofSeconds(1);

	/** Whether the row records a cancel, read when {@code reads} says it is due. */
	private boolean cancelRecorded(OperationTicket t, CancelReads reads) {
		return reads.due() && journal.cancelRequested(t.id());
	}

	/** When a schedule last read its row for a cancel. Owned by the schedule's thread. */
	private static final class CancelReads {

		private long last = System.nanoTime() - CANCEL_READ_INTERVAL.toNanos();

		/** True at most once per {@link #CANCEL_READ_INTERVAL}, the first time at once. */
		boolean due() {
			long now = System.nanoTime();
			if (now - last < CANCEL_READ_INTERVAL.toNanos()) {
				return false;
			}
			last = now;
			return true;
		}

	}

	/** Epochs of one schedule handed to the writer and not yet durable, at most. */
	static final int MAX_OUTSTANDING = 2;

	/**
	 * Waits until {@code epoch} is durable; false if it failed (the schedule has then ended FAILED,
	 * the epochs after it waited for first).
	 */
	private boolean settled(OperationRun run, EpochWriter.Pending epoch, ArrayDeque<EpochWriter.Pending> after)
			throws InterruptedException {
		try {
			epoch.stored.get();
			return true;
		}
		catch (ExecutionException e) {
			// the epochs after it are waited for (they fail too where they build on it), then it ends once
			for (EpochWriter.Pending later : after) {
				try {
					later.stored.get();
				}
				catch (ExecutionException ignored) {
					// its schedule ends with the first failure
				}
			}
			after.clear();
			Throwable cause = e.getCause();
			flow.endAs(run, OperationState.FAILED, FlowSupport.problem(cause instanceof RuntimeException r ? r
					: new IllegalStateException("epoch " + epoch.n + " could not be stored", cause)), Set.of());
			return false;
		}
	}

	/** Waits until every outstanding epoch is durable; false if one failed (the schedule has then ended). */
	private boolean drained(OperationRun run, ArrayDeque<EpochWriter.Pending> outstanding) throws InterruptedException {
		while (!outstanding.isEmpty()) {
			if (!settled(run, outstanding.pollFirst(), outstanding)) {
				return false;
			}
		}
		return true;
	}

	private void cancel(OperationRun run, ArrayDeque<EpochWriter.Pending> outstanding) throws InterruptedException {
		if (drained(run, outstanding)) {
			flow.endAs(run, OperationState.CANCELLED,
					new ProblemException(ProblemCode.CANCELLED, "periodic checkpointing stopped by the caller"),
					Set.of());
		}
	}

	/**
	 * One epoch, incremental on top of {@code parent} if there is one (the adapter may still capture
	 * it whole), handed to the writer once captured; null if the epoch failed (the operation has then
	 * ended, after the epochs before it were waited for). The guest is paused only while it is
	 * captured (quiesce, capture, thaw); the writer persists the capture while it runs, and a capture
	 * it cannot store ends the schedule FAILED with nothing of that epoch stored (see
	 * {@link EpochWriter}).
	 */
	private EpochWriter.@Nullable Pending epoch(OperationRun run, int n, Instant start, boolean startedLate,
			EpochWriter.@Nullable Pending parent, ArrayDeque<EpochWriter.Pending> outstanding)
			throws InterruptedException {
		OperationTicket t = run.ticket();
		Instant deadline = start.plus(t.deadline());
		long t0 = System.nanoTime();
		try {
			Duration budget = Duration.between(start, deadline);
			hypervisor.quiesce(t.dom(), t.requiredStrategy(),
					t.quiesceTimeout().compareTo(budget) < 0 ? t.quiesceTimeout() : budget);
		}
		catch (ThawFailedException e) {
			return endAfter(run, outstanding,
					() -> journal.faulted(run, "epoch " + n + ": " + HypervisorProblems.detail(e), e, Set.of()));
		}
		catch (HypervisorException e) {
			return endAfter(run, outstanding,
					() -> flow.endAs(run, OperationState.FAILED, FlowSupport.problem(e), Set.of()));
		}
		long t1 = System.nanoTime();
		Capture capture;
		try {
			capture = hypervisor.capture(t.dom(), Duration.between(clock.instant(), deadline), parent != null);
		}
		catch (RuntimeException e) {
			if (drained(run, outstanding)) {
				flow.thawAndEnd(run, OperationState.FAILED, FlowSupport.problem(e), Set.of());
			}
			else {
				flow.thaw(t);
			}
			return null;
		}
		long t2 = System.nanoTime();
		if (!flow.thaw(t)) {
			hypervisor.discardCapture(capture);
			return endAfter(run, outstanding,
					() -> journal.faulted(run, "epoch " + n + " was captured but the guest could not be thawed", Set.of()));
		}
		long t3 = System.nanoTime();
		if (clock.instant().isAfter(deadline)) {
			hypervisor.discardCapture(capture);
			return endAfter(run, outstanding, () -> flow.endAs(run, OperationState.FAILED, new ProblemException(
					ProblemCode.DEADLINE_EXCEEDED,
					"epoch " + n + " took longer than its deadline of " + t.deadline().toMillis() + " ms"), Set.of()));
		}
		return writer.submit(new EpochWriter.Pending(run, n, start, startedLate, capture, parent,
				new Checkpoint.Header(t.domid(), CheckpointKind.PERIODIC, t.id(), t.strategy(), null), ms(t1 - t0),
				ms(t2 - t1), ms(t3 - t2), t3));
	}

	/**
	 * An epoch failed: the schedule ends by {@code end} once the epochs before it are durable (or
	 * has ended already, if one of them failed). Null, as {@link #epoch} answers for a failed one.
	 */
	private EpochWriter.@Nullable Pending endAfter(OperationRun run, ArrayDeque<EpochWriter.Pending> outstanding,
			Runnable end) throws InterruptedException {
		if (drained(run, outstanding)) {
			end.run();
		}
		return null;
	}

	private static long ms(long nanos) {
		return nanos / 1_000_000;
	}

}
