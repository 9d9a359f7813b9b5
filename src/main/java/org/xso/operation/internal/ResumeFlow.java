package org.xso.operation.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.xso.checkpoint.CheckpointStore;
import org.xso.hypervisor.Hypervisor;
import org.xso.hypervisor.BackendOverride;
import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.ResumeBlocker;
import org.xso.hypervisor.ResumePhase;
import org.xso.hypervisor.ResumeReport;
import org.xso.hypervisor.SavedDomain;
import org.xso.operation.OperationKind;
import org.xso.operation.OperationState;
import org.xso.operation.Phase;
import org.xso.problem.HypervisorProblems;
import org.xso.problem.ProblemCode;
import org.xso.problem.ProblemException;
import org.xso.text.SafeText;

/**
 * Resume into the same domain, restore into a new one, and a move's phases on its target host:
 * VERIFY_CHECKPOINT (every checksum, then the host's own blockers), then the hypervisor's RESTORE,
 * REGRANT, RECONNECT, REPLAY and VERIFY, recorded as it reports them; a caller that asked for it
 * gets the guest left paused (a guest that cannot be paused runs on, and the operation says so). A
 * failure ends as RESUME_FAILED with nothing of the target left: a resumed (or moved) domain stays
 * SUSPENDED with its checkpoint intact, a restore target is forgotten.
 */
@Component
class ResumeFlow {

	private static final Logger log = LoggerFactory.getLogger(ResumeFlow.class);

	private final Hypervisor hypervisor;

	private final OperationJournal journal;

	private final FlowSupport flow;

	private final CheckpointStore store;

	private final VerifiedImages images;

	private final Clock clock;

	ResumeFlow(Hypervisor hypervisor, OperationJournal journal, FlowSupport flow, CheckpointStore store,
			VerifiedImages images, Clock clock) {
		this.hypervisor = hypervisor;
		this.journal = journal;
		this.clock = clock;
		this.flow = flow;
		this.store = store;
		this.images = images;
	}

	void run(OperationRun run) {
		OperationTicket t = run.ticket();
		UUID checkpoint = t.checkpointId();
		if (checkpoint == null) {
			fail(run, new ProblemException(ProblemCode.NO_CHECKPOINT, "the operation names no checkpoint"));
			return;
		}
		if (t.kind() == OperationKind.MOVE) {
			journal.resumingHere(run); // RUNNING since its source's phases
		}
		else {
			journal.begin(run);
		}
		// VERIFY_CHECKPOINT: the checkpoint was verified when the request was accepted, unless
		// recovery runs the operation again
		SavedDomain image;
		try {
			// the guest as it comes back: its devices' backends where the request put them
			image = BackendOverride.apply(images.take(t.id()).orElseGet(() -> store.loadVerified(checkpoint)),
					t.overrides());
			List<ResumeBlocker> found = hypervisor.resumeBlockers(image);
			found.forEach(b -> log.warn("Operation {} cannot resume checkpoint {}: {}", t.id(), checkpoint,
					SafeText.escape(b.toString())));
			List<String> blockers = found.stream().map(HypervisorProblems::describe).toList();
			if (!blockers.isEmpty()) {
				throw new ProblemException(ProblemCode.CHECKPOINT_NOT_RESUMABLE,
						"the host cannot resume checkpoint " + checkpoint + ": " + String.join("; ", blockers))
					.withCheckpointId(checkpoint)
					.withReasons(blockers);
			}
		}
		catch (RuntimeException e) {
			fail(run, FlowSupport.problem(e));
			return;
		}
		// RESTORE is entered durably before the hypervisor starts, unless a cancel was recorded first;
		// the phases it reports afterwards are timed as they happen and recorded with the outcome, so
		// no transaction sits inside the guest's I/O stall
		Optional<ProblemException> stop = flow.stopCause(run);
		if (stop.isEmpty() && !journal.restoring(run)) {
			stop = Optional.of(FlowSupport.cancelled());
		}
		if (stop.isPresent()) {
			fail(run, stop.get());
			return;
		}
		List<OperationJournal.PhaseEntry> entered = new ArrayList<>();
		ResumeReport report;
		try {
			report = hypervisor.resume(image, t.dom(), flow.remaining(t), phase -> {
				if (phase != ResumePhase.RESTORE) {
					entered.add(new OperationJournal.PhaseEntry(Phase.of(phase), clock.instant()));
				}
			});
		}
		catch (RuntimeException e) {
			journal.entered(run, entered); // so the failure shows where it stopped
			fail(run, FlowSupport.problem(e));
			return;
		}
		// left paused, as asked: the guest is back with its devices connected and runs no further
		boolean paused = false;
		String note = null;
		if (t.paused()) {
			try {
				hypervisor.pause(t.dom(), flow.remaining(t));
				paused = true;
			}
			catch (HypervisorException e) {
				note = "the guest runs: it could not be left paused (" + HypervisorProblems.detail(e) + ")";
			}
		}
		journal.resumed(run, report, entered, note, paused);
	}

	private void fail(OperationRun run, ProblemException cause) {
		OperationTicket t = run.ticket();
		if (t.kind() == OperationKind.RESTORE) {
			journal.discardRestoreTarget(t.id(), t.domid());
		}
		flow.endAs(run, OperationState.RESUME_FAILED, cause, Set.of());
	}

}
