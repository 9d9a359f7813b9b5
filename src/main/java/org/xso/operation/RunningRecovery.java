package org.xso.operation;

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
import org.xso.xen.DomId;

/**
 * Decides the end of an operation that was RUNNING when its instance stopped, from the phases it
 * had persisted and what the hypervisor shows now:
 * <ul>
 * <li>suspend, checkpoint persisted: the guest gone or saved → rolled forward (SUCCEEDED, domain
 * SUSPENDED); still paused → suspended now, or thawed and rolled back if that fails;
 * <li>suspend before its checkpoint was persisted, live checkpoint: a paused guest is thawed;
 * ROLLED_BACK (a live checkpoint that was persisted SUCCEEDED);
 * <li>periodic checkpointing: a paused guest is thawed and the schedule continues;
 * <li>resume and restore: a running target → rolled forward; otherwise its remains are destroyed
 * and it runs once more from its (verified) checkpoint, or ends RESUME_FAILED after a second
 * interruption.
 * </ul>
 */
@Component
class RunningRecovery {

	private static final Logger log = LoggerFactory.getLogger(RunningRecovery.class);

	private final Hypervisor hypervisor;

	private final OperationJournal journal;

	private final OperationExecutor executor;

	private final OperationProperties properties;

	RunningRecovery(Hypervisor hypervisor, OperationJournal journal, OperationExecutor executor,
			OperationProperties properties) {
		this.hypervisor = hypervisor;
		this.journal = journal;
		this.executor = executor;
		this.properties = properties;
	}

	void recover(Operation op) {
		Optional<GuestInfo> guest = hypervisor.guest(DomId.guest(op.domid()));
		PowerState power = guest.map(GuestInfo::state).orElse(PowerState.SUSPENDED);
		boolean absent = guest.isEmpty();
		Set<Phase> done = done(op);
		switch (op.kind()) {
			case SUSPEND -> suspend(op, power, done);
			case CHECKPOINT -> {
				if (power == PowerState.PAUSED && !thaw(op, done)) {
					return;
				}
				if (op.checkpointId() != null) {
					journal.note(op.id(), "the checkpoint was stored before the restart; the guest was thawed");
					journal.checkpointed(op.id());
				}
				else {
					end(op, OperationState.ROLLED_BACK, "the guest was thawed", done);
				}
			}
			case PERIODIC_CHECKPOINT -> {
				if (power == PowerState.PAUSED && !thaw(op, done)) {
					return;
				}
				journal.requeue(op.id(), "continued after a restart at epoch " + (op.epochs().completed() + 1));
				executor.dispatch(op.id(), op.kind());
			}
			case RESUME, RESTORE -> resume(op, absent ? null : power);
		}
	}

	private void suspend(Operation op, PowerState power, Set<Phase> done) {
		if (op.checkpointId() == null) {
			if (power == PowerState.PAUSED && !thaw(op, done)) {
				return;
			}
			end(op, OperationState.ROLLED_BACK, "stopped before its checkpoint was stored; the guest runs", done);
			return;
		}
		if (power == PowerState.PAUSED) {
			try {
				hypervisor.suspend(DomId.guest(op.domid()), properties.thawTimeout());
				power = PowerState.SUSPENDED;
			}
			catch (HypervisorException e) {
				journal.discardCheckpoint(op.checkpointId());
				if (thaw(op, done)) {
					end(op, OperationState.ROLLED_BACK, "could not finish the suspend (" + e.getMessage()
							+ "); the guest was thawed and the checkpoint deleted", done);
				}
				return;
			}
		}
		if (power == PowerState.SUSPENDED) {
			journal.note(op.id(), "the checkpoint was stored before the restart; the suspend was completed");
			journal.suspended(op.id());
		}
		else {
			journal.discardCheckpoint(op.checkpointId());
			end(op, OperationState.ROLLED_BACK, "the guest was running again; its checkpoint was deleted", done);
		}
	}

	private void resume(Operation op, @Nullable PowerState power) {
		if (power == PowerState.RUNNING) {
			journal.note(op.id(), "the guest was running when recovery looked; the resume completed");
			journal.resumed(op.id(), null, List.of());
			return;
		}
		if (power != null) {
			try {
				hypervisor.destroy(DomId.guest(op.domid()), properties.thawTimeout());
			}
			catch (HypervisorException e) {
				log.warn("Could not destroy the remains of domain {}: {}", op.domid(), e.getMessage());
			}
		}
		if (op.attempts() < 2) {
			journal.requeue(op.id(), "interrupted by a restart; run again from its checkpoint");
			executor.dispatch(op.id(), op.kind());
			return;
		}
		if (op.kind() == OperationKind.RESTORE) {
			journal.discardRestoreTarget(op.domid());
		}
		end(op, OperationState.RESUME_FAILED, "interrupted twice; the checkpoint is intact, resume again", Set.of());
	}

	private boolean thaw(Operation op, Set<Phase> done) {
		try {
			hypervisor.thaw(DomId.guest(op.domid()), properties.thawTimeout());
			return true;
		}
		catch (HypervisorException e) {
			journal.faulted(op.id(), "interrupted by a restart and the guest could not be thawed: " + e.getMessage(),
					done);
			return false;
		}
	}

	private void end(Operation op, OperationState end, String detail, Set<Phase> compensated) {
		journal.end(op.id(), end, OperationRecovery.interrupted("the service stopped during " + op.currentPhase()
				+ ": " + detail), compensated);
	}

	private static Set<Phase> done(Operation op) {
		Set<Phase> done = EnumSet.noneOf(Phase.class);
		op.phases().stream().filter(r -> r.state() == PhaseState.DONE).forEach(r -> done.add(r.phase()));
		return done;
	}

}
