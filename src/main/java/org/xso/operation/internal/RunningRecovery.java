package org.xso.operation.internal;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.xso.hypervisor.GuestInfo;
import org.xso.hypervisor.Hypervisor;
import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.PowerState;
import org.xso.operation.OperationKind;
import org.xso.operation.OperationState;
import org.xso.operation.Phase;
import org.xso.operation.PhaseState;
import org.xso.problem.HypervisorProblems;
import org.xso.text.SafeText;
import org.xso.xen.DomId;

/**
 * Decides the end of an operation that was RUNNING when its instance stopped, from the phases it
 * had durably recorded and what the hypervisor shows now. It never runs an operation itself: it
 * answers whether the operation is to run again, and the caller brings the guest back to the
 * domain's recorded state first (a guest that died with its host is re-created from its disks).
 * <ul>
 * <li>suspend, checkpoint persisted: the guest gone or saved → rolled forward (SUCCEEDED, domain
 * SUSPENDED); still paused → suspended now, or thawed and rolled back if that fails;
 * <li>suspend before its checkpoint was persisted: a paused guest is thawed; ROLLED_BACK;
 * <li>live checkpoint: a paused guest is thawed; SUCCEEDED if its checkpoint was persisted,
 * ROLLED_BACK otherwise;
 * <li>periodic checkpointing: a paused guest is thawed and the schedule runs again;
 * <li>resume and restore: a running target → rolled forward; otherwise its remains are destroyed
 * and it runs once more from its (verified) checkpoint, or ends RESUME_FAILED after a second
 * interruption;
 * <li>move: before its hand-over as a suspend, which, rolled forward, hands the guest over to the
 * target host; after it (on the target's instance) as a resume of its phases there.
 * </ul>
 * Every decision is written to the operation's {@code recoveryNote}.
 */
@Component
class RunningRecovery {

	private static final Logger log = LoggerFactory.getLogger(RunningRecovery.class);

	private final Hypervisor hypervisor;

	private final OperationJournal journal;

	private final OperationProperties properties;

	private final MoveHandover handover;

	RunningRecovery(Hypervisor hypervisor, OperationJournal journal, OperationProperties properties,
			MoveHandover handover) {
		this.handover = handover;
		this.hypervisor = hypervisor;
		this.journal = journal;
		this.properties = properties;
	}

	/**
	 * An operation accepted and not durably begun: it may have run here up to its first write (its
	 * progress lives in memory until then), so a guest it paused is thawed before it runs again.
	 * False if that thaw failed (the operation has then ended FAILED and the domain FAULTED).
	 */
	boolean pending(Operation op) {
		String note = "accepted before the service stopped and not durably begun; run after the restart";
		if (op.kind() != OperationKind.RESUME && op.kind() != OperationKind.RESTORE) {
			Optional<GuestInfo> guest = hypervisor.guest(DomId.guest(op.domid()));
			if (guest.map(GuestInfo::state).orElse(null) == PowerState.PAUSED) {
				if (!thaw(op, Set.of(), "the service stopped before operation " + op.id() + " was durably begun; ")) {
					return false;
				}
				note = note + " (it had paused the guest, which was thawed first)";
			}
		}
		journal.note(op.id(), note);
		return true;
	}

	/** Ends or requeues {@code op}; true if it was requeued and is to be dispatched again. */
	boolean recover(Operation op) {
		Optional<GuestInfo> guest = hypervisor.guest(DomId.guest(op.domid()));
		@Nullable PowerState power = guest.map(GuestInfo::state).orElse(null);
		Set<Phase> done = done(op);
		String stopped = "the service stopped during " + op.currentPhase() + "; ";
		switch (op.kind()) {
			case SUSPEND -> suspend(op, power, done, stopped);
			case CHECKPOINT -> {
				String guestNow = guestNow(op, power, done, stopped);
				if (guestNow == null) {
					return false;
				}
				if (op.checkpointId() != null) {
					journal.checkpointed(journal.run(op), stopped + "the checkpoint had been stored; " + guestNow);
				}
				else {
					end(op, OperationState.ROLLED_BACK, stopped + "no checkpoint had been stored; " + guestNow, done);
				}
			}
			case PERIODIC_CHECKPOINT -> {
				String guestNow = guestNow(op, power, done, stopped);
				if (guestNow == null) {
					return false;
				}
				journal.requeue(op.id(), stopped + guestNow + "; the schedule continues at epoch "
						+ (op.epochs().completed() + 1));
				return true;
			}
			case RESUME, RESTORE -> {
				return resume(op, power, stopped);
			}
			case MOVE -> {
				if (op.handedOver()) {
					return resume(op, power, stopped); // the target's phases: this is the target's instance
				}
				suspend(op, power, done, stopped);
			}
		}
		return false;
	}

	private void suspend(Operation op, @Nullable PowerState power, Set<Phase> done, String stopped) {
		if (op.checkpointId() == null) {
			String guestNow = guestNow(op, power, done, stopped);
			if (guestNow != null) {
				end(op, OperationState.ROLLED_BACK, stopped + "no checkpoint had been stored; " + guestNow, done);
			}
			return;
		}
		if (power == PowerState.PAUSED) {
			try {
				hypervisor.suspend(DomId.guest(op.domid()), properties.thawTimeout());
				power = PowerState.SUSPENDED;
			}
			catch (HypervisorException e) {
				log.warn("Recovery could not finish the suspend of operation {}: {}", op.id(),
						SafeText.escape(e.getMessage()));
				journal.discardCheckpoint(op.id(), op.cause(), op.checkpointId());
				if (thaw(op, done, stopped)) {
					end(op, OperationState.ROLLED_BACK, stopped + "the suspend could not be finished ("
							+ HypervisorProblems.detail(e) + "); the guest was thawed and the checkpoint deleted", done);
				}
				return;
			}
		}
		if (power == null || power == PowerState.SUSPENDED) {
			String note = stopped + "the checkpoint had been stored, so the suspend was completed"
					+ (power == null ? " (the guest had ended with its host)" : "");
			if (op.kind() == OperationKind.MOVE) {
				handover.handOver(journal.run(op), note + "; the move goes on on its target host");
			}
			else {
				journal.suspended(journal.run(op), note);
			}
		}
		else {
			journal.discardCheckpoint(op.id(), op.cause(), op.checkpointId());
			end(op, OperationState.ROLLED_BACK, stopped + "the guest was running again, so its checkpoint was deleted",
					done);
		}
	}

	/**
	 * What becomes of a guest whose suspend or checkpoint did not finish: a paused one is thawed, an
	 * absent one is started again from its disks by the reconciliation that follows. Null if the
	 * thaw failed (the operation has then ended FAILED and the domain FAULTED).
	 */
	private @Nullable String guestNow(Operation op, @Nullable PowerState power, Set<Phase> done, String stopped) {
		if (power == null) {
			return "the guest had ended with its host and is started again from its disks";
		}
		if (power == PowerState.PAUSED) {
			return thaw(op, done, stopped) ? "the guest was thawed" : null;
		}
		return "the guest was running";
	}

	private boolean resume(Operation op, @Nullable PowerState power, String stopped) {
		if (power == PowerState.RUNNING || (power == PowerState.PAUSED && op.params().paused())) {
			// the guest is back: the resume had completed (and, if asked, had left it paused, or does now)
			boolean paused = power == PowerState.PAUSED;
			String note = stopped + "the guest was " + (paused ? "back and paused" : "running")
					+ ", so the resume had completed";
			if (!paused && op.params().paused()) {
				try {
					hypervisor.pause(DomId.guest(op.domid()), properties.thawTimeout());
					paused = true;
				}
				catch (HypervisorException e) {
					note = note + "; the guest runs: it could not be left paused (" + HypervisorProblems.detail(e) + ")";
				}
			}
			journal.resumed(journal.run(op), null, List.of(), note, paused);
			return false;
		}
		if (power != null) {
			try {
				hypervisor.destroy(DomId.guest(op.domid()), properties.thawTimeout());
			}
			catch (HypervisorException e) {
				log.warn("Could not destroy the remains of domain {}: {}", op.domid(), SafeText.escape(e.getMessage()));
			}
		}
		if (op.resumeAttempts() < 2) {
			if (op.kind() == OperationKind.MOVE) {
				journal.requeueResume(journal.run(op), stopped + "its phases on this host run again from its checkpoint");
			}
			else {
				journal.requeue(op.id(), stopped + "runs again from its checkpoint");
			}
			return true;
		}
		if (op.kind() == OperationKind.RESTORE) {
			journal.discardRestoreTarget(op.id(), op.domid());
		}
		end(op, OperationState.RESUME_FAILED, stopped + "interrupted twice; the checkpoint is intact, resume again",
				Set.of());
		return false;
	}

	private boolean thaw(Operation op, Set<Phase> done, String stopped) {
		try {
			hypervisor.thaw(DomId.guest(op.domid()), properties.thawTimeout());
			return true;
		}
		catch (HypervisorException e) {
			String reason = stopped + "the guest could not be thawed: " + HypervisorProblems.detail(e);
			journal.faultedRecovered(journal.run(op), reason, e, done);
			return false;
		}
	}

	private void end(Operation op, OperationState end, String note, Set<Phase> compensated) {
		journal.endRecovered(journal.run(op), end, OperationRecovery.interrupted(note), compensated);
	}

	private static Set<Phase> done(Operation op) {
		Set<Phase> done = EnumSet.noneOf(Phase.class);
		op.phases().stream().filter(r -> r.state() == PhaseState.DONE).forEach(r -> done.add(r.phase()));
		return done;
	}

}
