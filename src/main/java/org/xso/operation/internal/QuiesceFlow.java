package org.xso.operation.internal;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.xso.checkpoint.Checkpoint;
import org.xso.checkpoint.CheckpointKind;
import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.QuiesceReport;
import org.xso.hypervisor.SavedDomain;
import org.xso.hypervisor.ThawFailedException;
import org.xso.operation.OperationKind;
import org.xso.operation.OperationState;
import org.xso.operation.Phase;
import org.xso.problem.HypervisorProblems;
import org.xso.problem.ProblemException;

/**
 * Suspend (QUIESCE, SAVE, PERSIST, SUSPEND) and live checkpoint (QUIESCE, SAVE, PERSIST, THAW).
 * Compensations: a failed quiesce is thawed by the hypervisor itself; after QUIESCE or SAVE the
 * guest is thawed; after PERSIST a suspend also deletes its checkpoint. A failed or cancelled
 * suspend therefore always ends with the guest RUNNING and its devices reconnected (ROLLED_BACK or
 * CANCELLED), or, if even the thaw fails (the port's own after a failed quiesce, or ours), FAILED
 * with the domain FAULTED.
 */
@Component
class QuiesceFlow {

	private final FlowSupport flow;

	QuiesceFlow(FlowSupport flow) {
		this.flow = flow;
	}

	void run(OperationTicket t) {
		Set<Phase> done = EnumSet.noneOf(Phase.class);
		// a cancel of a PENDING operation ended it before it started: only this instance's signal can be new
		Optional<ProblemException> stop = flow.stopCause(t, false);
		if (stop.isPresent()) {
			flow.endAs(t, OperationState.ROLLED_BACK, stop.get(), done);
			return;
		}
		Boundary quiesced = quiesce(t, done);
		if (quiesced == Boundary.ENDED || stopped(t, quiesced, done)) {
			return;
		}
		Saved saved = save(t, done);
		if (saved == null || stopped(t, saved.boundary(), done)) {
			return;
		}
		UUID checkpoint = persist(t, saved.image(), done);
		if (checkpoint == null) {
			return;
		}
		if (t.kind() == OperationKind.SUSPEND) {
			suspend(t, checkpoint, done);
		}
		else {
			thaw(t, done);
		}
	}

	/** How a phase boundary was passed; the cancel flag is read in the boundary's own transaction. */
	private enum Boundary {
		PASSED, CANCEL_RECORDED, ENDED;

		static Boundary of(boolean cancelRecorded) {
			return cancelRecorded ? CANCEL_RECORDED : PASSED;
		}
	}

	private record Saved(SavedDomain image, Boundary boundary) {
	}

	/** QUIESCE, entered when the operation started; SAVE is entered in the same transaction as QUIESCE ends. */
	private Boundary quiesce(OperationTicket t, Set<Phase> done) {
		try {
			QuiesceReport report = flow.hypervisor.quiesce(t.dom(), t.requiredStrategy(), flow.quiesceBudget(t));
			boolean cancel = flow.journal.quiesced(t.id(), report, Phase.SAVE);
			done.add(Phase.QUIESCE);
			return Boundary.of(cancel);
		}
		catch (ThawFailedException e) {
			// the port's own thaw failed: the guest's devices are not connected, nothing was undone
			flow.journal.faulted(t.id(), HypervisorProblems.detail(e), e, done);
			flow.signals.clear(t.id());
			return Boundary.ENDED;
		}
		catch (HypervisorException e) {
			// the port thaws the guest before it throws
			flow.endAs(t, OperationState.ROLLED_BACK, FlowSupport.problem(e), done);
			return Boundary.ENDED;
		}
	}

	private @Nullable Saved save(OperationTicket t, Set<Phase> done) {
		try {
			SavedDomain saved = flow.hypervisor.save(t.dom(), flow.remaining(t));
			boolean cancel = flow.journal.advance(t.id(), Phase.SAVE, Phase.PERSIST, flow.clock.instant());
			done.add(Phase.SAVE);
			return new Saved(saved, Boundary.of(cancel));
		}
		catch (RuntimeException e) {
			flow.thawAndEnd(t, OperationState.ROLLED_BACK, FlowSupport.problem(e), done);
			return null;
		}
	}

	/** PERSIST: the checkpoint and the operation's reference to it, in one transaction. */
	private @Nullable UUID persist(OperationTicket t, SavedDomain saved, Set<Phase> done) {
		try {
			Phase next = t.kind() == OperationKind.SUSPEND ? Phase.SUSPEND : Phase.THAW;
			UUID checkpoint = flow.journal.persist(t.id(), saved, header(t), next).id();
			done.add(Phase.PERSIST);
			return checkpoint;
		}
		catch (RuntimeException e) {
			flow.thawAndEnd(t, OperationState.ROLLED_BACK, FlowSupport.problem(e), done);
			return null;
		}
	}

	private void suspend(OperationTicket t, UUID checkpoint, Set<Phase> done) {
		ProblemException failure = null;
		if (!flow.clock.instant().isBefore(t.deadlineAt())) {
			failure = flow.deadlinePassed(t);
		}
		else {
			try {
				flow.hypervisor.suspend(t.dom(), flow.remaining(t));
			}
			catch (HypervisorException e) {
				failure = FlowSupport.problem(e);
			}
		}
		if (failure != null) {
			flow.journal.discardCheckpoint(t.id(), t.cause(), checkpoint);
			flow.thawAndEnd(t, OperationState.ROLLED_BACK, failure, done);
			return;
		}
		flow.journal.suspended(t.id());
		flow.signals.clear(t.id());
	}

	private void thaw(OperationTicket t, Set<Phase> done) {
		if (!flow.thaw(t)) {
			flow.journal.faulted(t.id(), "the checkpoint was stored but the guest could not be thawed", done);
			return;
		}
		flow.journal.checkpointed(t.id());
		flow.signals.clear(t.id());
	}

	/** After a phase: a cancel or a passed deadline thaws the guest and ends the operation. */
	private boolean stopped(OperationTicket t, Boundary boundary, Set<Phase> done) {
		Optional<ProblemException> stop = flow.stopCause(t, boundary == Boundary.CANCEL_RECORDED);
		stop.ifPresent(cause -> flow.thawAndEnd(t, OperationState.ROLLED_BACK, cause, done));
		return stop.isPresent();
	}

	private static Checkpoint.Header header(OperationTicket t) {
		if (t.kind() == OperationKind.SUSPEND) {
			return new Checkpoint.Header(t.domid(), CheckpointKind.SUSPEND, t.id(), t.strategy(),
					"resume image of suspended domain " + t.domid());
		}
		return new Checkpoint.Header(t.domid(), CheckpointKind.LIVE, t.id(), t.strategy(), null);
	}

}
