package org.xso.operation.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.xso.checkpoint.CheckpointStore;
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
 * Resume into the same domain and restore into a new one: VERIFY_CHECKPOINT (every checksum, then
 * the host's own blockers), then the hypervisor's RESTORE, REGRANT, RECONNECT, REPLAY and VERIFY,
 * recorded as it reports them. A failure ends as RESUME_FAILED with nothing of the target left:
 * a resumed domain stays SUSPENDED with its checkpoint intact, a restore target is forgotten.
 */
@Component
class ResumeFlow {

	private static final Logger log = LoggerFactory.getLogger(ResumeFlow.class);

	private final FlowSupport flow;

	private final CheckpointStore store;

	private final VerifiedImages images;

	ResumeFlow(FlowSupport flow, CheckpointStore store, VerifiedImages images) {
		this.flow = flow;
		this.store = store;
		this.images = images;
	}

	void run(OperationTicket t) {
		UUID checkpoint = t.checkpointId();
		if (checkpoint == null) {
			fail(t, new ProblemException(ProblemCode.NO_CHECKPOINT, "the operation names no checkpoint"));
			return;
		}
		// VERIFY_CHECKPOINT was entered when the operation started; the checkpoint was verified when
		// the request was accepted, unless recovery runs the operation again
		SavedDomain image;
		try {
			image = images.take(t.id()).orElseGet(() -> store.loadVerified(checkpoint));
			List<ResumeBlocker> found = flow.hypervisor.resumeBlockers(image);
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
			fail(t, FlowSupport.problem(e));
			return;
		}
		// RESTORE is entered durably before the hypervisor starts, unless a cancel was recorded (read
		// in the same transaction); the phases it reports afterwards are timed as they happen and
		// recorded with the outcome, so no transaction sits inside the guest's I/O stall
		Optional<ProblemException> stop = flow.stopCause(t, false);
		if (stop.isEmpty() && !flow.journal.advanceUnlessCancelled(t.id(), Phase.VERIFY_CHECKPOINT, Phase.RESTORE,
				flow.clock.instant())) {
			stop = flow.stopCause(t, true);
		}
		if (stop.isPresent()) {
			fail(t, stop.get());
			return;
		}
		List<OperationJournal.PhaseEntry> entered = new ArrayList<>();
		ResumeReport report;
		try {
			report = flow.hypervisor.resume(image, t.dom(), flow.remaining(t), phase -> {
				if (phase != org.xso.hypervisor.ResumePhase.RESTORE) {
					entered.add(new OperationJournal.PhaseEntry(Phase.of(phase), flow.clock.instant()));
				}
			});
		}
		catch (RuntimeException e) {
			record(t, entered);
			fail(t, FlowSupport.problem(e));
			return;
		}
		flow.journal.resumed(t.id(), report, entered);
		flow.signals.clear(t.id());
	}

	/** Records the phases a failed resume got through, so the failure shows where it stopped. */
	private void record(OperationTicket t, List<OperationJournal.PhaseEntry> entered) {
		try {
			flow.journal.entered(t.id(), entered);
		}
		catch (RuntimeException e) {
			log.warn("Could not record the phases of operation {}: {}", t.id(), SafeText.escape(e.getMessage()));
		}
	}

	private void fail(OperationTicket t, ProblemException cause) {
		if (t.kind() == OperationKind.RESTORE) {
			flow.journal.discardRestoreTarget(t.id(), t.domid());
		}
		flow.endAs(t, OperationState.RESUME_FAILED, cause, Set.of());
	}

}
