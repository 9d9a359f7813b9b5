package org.xso.operation.internal;

import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.springframework.stereotype.Component;
import org.xso.checkpoint.Checkpoint;
import org.xso.checkpoint.CheckpointKind;
import org.xso.hypervisor.Hypervisor;
import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.QuiesceReport;
import org.xso.hypervisor.SavedDomain;
import org.xso.hypervisor.SuspendBlocker;
import org.xso.hypervisor.ThawFailedException;
import org.xso.operation.OperationKind;
import org.xso.operation.OperationState;
import org.xso.operation.Phase;
import org.xso.problem.HypervisorProblems;
import org.xso.problem.ProblemCode;
import org.xso.problem.ProblemException;

/**
 * Suspend (QUIESCE, SAVE, PERSIST, SUSPEND), live checkpoint (QUIESCE, SAVE, PERSIST, THAW) and the
 * source's phases of a move (a suspend that ends with the hand-over, see {@link MoveHandover}).
 * Compensations: a failed quiesce is thawed by the hypervisor itself; after QUIESCE or SAVE the
 * guest is thawed; after PERSIST a suspend also deletes its checkpoint. A failed or cancelled
 * suspend therefore always ends with the guest RUNNING and its devices reconnected (ROLLED_BACK or
 * CANCELLED), or, if even the thaw fails (the port's own after a failed quiesce, or ours), FAILED
 * with the domain FAULTED.
 */
@Component
class QuiesceFlow {

	private final Hypervisor hypervisor;

	private final OperationJournal journal;

	private final FlowSupport flow;

	private final Clock clock;

	private final MoveHandover handover;

	QuiesceFlow(Hypervisor hypervisor, OperationJournal journal, FlowSupport flow, Clock clock,
			MoveHandover handover) {
		this.handover = handover;
		this.hypervisor = hypervisor;
		this.journal = journal;
		this.flow = flow;
		this.clock = clock;
	}

	void run(OperationRun run) {
		Set<Phase> done = EnumSet.noneOf(Phase.class);
		// a cancel before the worker took it ended it in the queue: only a signal since can be new
		Optional<ProblemException> stop = flow.stopCause(run);
		if (stop.isPresent()) {
			flow.endAs(run, OperationState.ROLLED_BACK, stop.get(), done);
			return;
		}
		journal.begin(run);
		if (!(quiesce(run, done) instanceof Step.Next<QuiesceReport>) || stopped(run, done)) {
			return;
		}
		if (!(save(run, done) instanceof Step.Next<SavedDomain> saved) || stopped(run, done)) {
			return;
		}
		if (!(persist(run, saved.value(), done) instanceof Step.Next<UUID> checkpoint)) {
			return;
		}
		if (run.ticket().kind() != OperationKind.CHECKPOINT) {
			suspend(run, checkpoint.value(), done);
		}
		else {
			thaw(run, done);
		}
	}

	/**
	 * QUIESCE, entered when the operation began; SAVE entered as it ends. First, what would make it
	 * fail part-way (a device not connected, a backend that does not answer) ends it ROLLED_BACK
	 * before the guest is touched. Compensation: a failed quiesce is thawed by the port itself; if
	 * that thaw fails the guest is FAULTED.
	 */
	private Step<QuiesceReport> quiesce(OperationRun run, Set<Phase> done) {
		OperationTicket t = run.ticket();
		try {
			List<SuspendBlocker> blockers = hypervisor.suspendBlockers(t.dom(), t.requiredStrategy());
			if (!blockers.isEmpty()) {
				// nothing was done to the guest: it runs on as it was
				flow.endAs(run, OperationState.ROLLED_BACK, notSuspendable(t, blockers), done);
				return Step.ended();
			}
			QuiesceReport report = hypervisor.quiesce(t.dom(), t.requiredStrategy(), flow.quiesceBudget(t));
			journal.quiesced(run, report, Phase.SAVE);
			done.add(Phase.QUIESCE);
			return Step.next(report);
		}
		catch (ThawFailedException e) {
			// the port's own thaw failed: the guest's devices are not connected, nothing was undone
			journal.faulted(run, HypervisorProblems.detail(e), e, done);
			return Step.ended();
		}
		catch (HypervisorException e) {
			// the port thaws the guest before it throws
			flow.endAs(run, OperationState.ROLLED_BACK, FlowSupport.problem(e), done);
			return Step.ended();
		}
	}

	static ProblemException notSuspendable(OperationTicket t, List<SuspendBlocker> blockers) {
		List<String> reasons = blockers.stream().map(b -> b.kind() + ": " + b).toList();
		return new ProblemException(ProblemCode.GUEST_NOT_SUSPENDABLE, "domain " + t.domid()
				+ " cannot be quiesced now, nothing was done to it: " + String.join("; ", reasons)).withReasons(reasons);
	}

	/** SAVE: the guest's image, in memory. Compensation: the guest is thawed. */
	private Step<SavedDomain> save(OperationRun run, Set<Phase> done) {
		try {
			SavedDomain saved = hypervisor.save(run.ticket().dom(), flow.remaining(run.ticket()));
			journal.advance(run, Phase.SAVE, Phase.PERSIST);
			done.add(Phase.SAVE);
			return Step.next(saved);
		}
		catch (RuntimeException e) {
			flow.thawAndEnd(run, OperationState.ROLLED_BACK, FlowSupport.problem(e), done);
			return Step.ended();
		}
	}

	/**
	 * PERSIST: the checkpoint and the operation's reference to it, in one transaction, the
	 * operation's first write since it was accepted; a cancel recorded by then (on any instance) wins
	 * and nothing is stored. Compensation (of what came before): the guest is thawed.
	 */
	private Step<UUID> persist(OperationRun run, SavedDomain saved, Set<Phase> done) {
		OperationTicket t = run.ticket();
		try {
			Phase next = t.kind() == OperationKind.CHECKPOINT ? Phase.THAW : Phase.SUSPEND;
			Optional<UUID> checkpoint = journal.persist(run, saved, header(t), next);
			if (checkpoint.isEmpty()) {
				flow.thawAndEnd(run, OperationState.CANCELLED, FlowSupport.cancelled(), done);
				return Step.ended();
			}
			done.add(Phase.PERSIST);
			return Step.next(checkpoint.get());
		}
		catch (RuntimeException e) {
			flow.thawAndEnd(run, OperationState.ROLLED_BACK, FlowSupport.problem(e), done);
			return Step.ended();
		}
	}

	/**
	 * SUSPEND: the domain leaves the hypervisor, and the domain is SUSPENDED on its checkpoint (a
	 * move's passes to its target host). Compensation: the checkpoint is deleted and the guest thawed.
	 */
	private void suspend(OperationRun run, UUID checkpoint, Set<Phase> done) {
		OperationTicket t = run.ticket();
		ProblemException failure = null;
		if (!clock.instant().isBefore(t.deadlineAt())) {
			failure = flow.deadlinePassed(t);
		}
		else {
			try {
				hypervisor.suspend(t.dom(), flow.remaining(t));
			}
			catch (HypervisorException e) {
				failure = FlowSupport.problem(e);
			}
		}
		if (failure != null) {
			journal.discardCheckpoint(t.id(), t.cause(), checkpoint);
			flow.thawAndEnd(run, OperationState.ROLLED_BACK, failure, done);
			return;
		}
		if (t.kind() == OperationKind.MOVE) {
			handover.handOver(run, null);
		}
		else {
			journal.suspended(run, null);
		}
	}

	/** THAW after a live checkpoint; if the guest cannot be thawed it is FAULTED (the checkpoint stays). */
	private void thaw(OperationRun run, Set<Phase> done) {
		if (!flow.thaw(run.ticket())) {
			journal.faulted(run, "the checkpoint was stored but the guest could not be thawed", done);
			return;
		}
		journal.checkpointed(run, null);
	}

	/** After a phase: a cancel or a passed deadline thaws the guest and ends the operation. */
	private boolean stopped(OperationRun run, Set<Phase> done) {
		Optional<ProblemException> stop = flow.stopCause(run);
		stop.ifPresent(cause -> flow.thawAndEnd(run, OperationState.ROLLED_BACK, cause, done));
		return stop.isPresent();
	}

	private static Checkpoint.Header header(OperationTicket t) {
		if (t.kind() == OperationKind.SUSPEND) {
			return new Checkpoint.Header(t.domid(), CheckpointKind.SUSPEND, t.id(), t.strategy(),
					"resume image of suspended domain " + t.domid());
		}
		if (t.kind() == OperationKind.MOVE) {
			return new Checkpoint.Header(t.domid(), CheckpointKind.SUSPEND, t.id(), t.strategy(),
					"resume image of domain " + t.domid() + " moving to host " + t.targetHost());
		}
		return new Checkpoint.Header(t.domid(), CheckpointKind.LIVE, t.id(), t.strategy(), null);
	}

}
