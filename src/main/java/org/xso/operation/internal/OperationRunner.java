package org.xso.operation.internal;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.xso.host.HostRegistry;
import org.xso.host.InstanceId;
import org.xso.hypervisor.Hypervisor;
import org.xso.hypervisor.PowerState;
import org.xso.operation.OperationKind;
import org.xso.operation.OperationState;
import org.xso.operation.Phase;
import org.xso.problem.ProblemCode;
import org.xso.problem.ProblemException;
import org.xso.text.SafeText;

/**
 * Runs one operation on a worker thread: takes it (unless a cancel took it while it was queued) and
 * hands it to the flow of its kind.
 */
@Component
class OperationRunner {

	private static final Logger log = LoggerFactory.getLogger(OperationRunner.class);

	private final OperationJournal journal;

	private final QuiesceFlow quiesce;

	private final ResumeFlow resume;

	private final PeriodicFlow periodic;

	private final FlowSupport flow;

	private final Hypervisor hypervisor;

	private final CancelSignals signals;

	private final LiveOperations live;

	private final HostRegistry hosts;

	private final InstanceId instance;

	OperationRunner(OperationJournal journal, QuiesceFlow quiesce, ResumeFlow resume, PeriodicFlow periodic,
			FlowSupport flow, Hypervisor hypervisor, CancelSignals signals, LiveOperations live, HostRegistry hosts,
			InstanceId instance) {
		this.hosts = hosts;
		this.instance = instance;
		this.hypervisor = hypervisor;
		this.signals = signals;
		this.live = live;
		this.journal = journal;
		this.quiesce = quiesce;
		this.resume = resume;
		this.periodic = periodic;
		this.flow = flow;
	}

	/**
	 * Runs {@code accepted} (as the request recorded it) or, without it, operation {@code id} as its
	 * row has it (recovery's requeued and pending operations, and those assigned to this instance).
	 * Only an operation of the host this instance serves runs here, and a handed-over move only on
	 * the instance it was handed to: a dispatch that comes late (a sweep that read the row before
	 * the operation moved on) finds the row as it is now and leaves another host's operation alone.
	 */
	void run(UUID id, @Nullable Operation accepted) {
		if (!live.start(id)) {
			return; // cancelled while it was queued
		}
		OperationRun run;
		try {
			Optional<OperationRun> found = accepted != null ? Optional.of(journal.run(accepted)) : journal.load(id);
			if (found.isEmpty()) {
				return; // it ended meanwhile (a cancel on another instance, recovery elsewhere)
			}
			run = found.get();
		}
		catch (RuntimeException e) {
			log.warn("Operation {} could not start: {}", id, SafeText.escape(e.getMessage()));
			return;
		}
		try {
			boolean handedOver = run.op().state() == OperationState.RUNNING && run.op().handedOver();
			if (run.op().state() != OperationState.PENDING && !handedOver) {
				return;
			}
			if (!hosts.servesHere(run.op().host()) || (handedOver && !instance.value().equals(run.op().owner()))) {
				log.debug("Operation {} is not this instance's to run (host {}, assigned to {})", id,
						SafeText.quote(String.valueOf(run.op().host())), SafeText.quote(String.valueOf(run.op().owner())));
				return;
			}
			if (run.op().cancelRequested()) {
				journal.end(run, OperationState.CANCELLED,
						new ProblemException(ProblemCode.CANCELLED, "cancelled before it started"), Set.of());
				return;
			}
			switch (run.op().kind()) {
				case SUSPEND, CHECKPOINT -> quiesce.run(run);
				case RESUME, RESTORE -> resume.run(run);
				case PERIODIC_CHECKPOINT -> periodic.run(run);
				case MOVE -> {
					if (handedOver) {
						resume.run(run); // the target's phases, on the target host's instance
					}
					else {
						quiesce.run(run);
					}
				}
			}
		}
		catch (InterruptedException e) {
			// the service is stopping: the operation stays as its row has it and recovery continues it
			Thread.currentThread().interrupt();
		}
		catch (ServiceStopping.Stopped e) {
			// so does one whose failure the stop caused (an interrupted hypervisor call)
			log.info("Operation {}: {}", id, e.getMessage());
		}
		catch (OperationJournal.TakenElsewhere e) {
			// another worker runs it now, or it ended: nothing of this run is recorded
			log.warn("Operation {}: {}", id, SafeText.escape(e.getMessage()));
		}
		catch (Throwable e) {
			// a bug in a flow, or an Error such as OutOfMemoryError: the operation ends now, truthfully,
			// rather than staying open until its lease expires and recovery mistakes it for a restart
			log.error("Operation {} failed unexpectedly", id, e);
			lastResort(run, e);
		}
		finally {
			signals.clear(id);
			live.forget(id);
		}
	}

	/**
	 * An unexpected failure in a flow: a resume whose guest runs is recorded as done (what failed was
	 * only its bookkeeping); any other operation thaws a guest that may be paused and ends FAILED. The
	 * problem names a JVM error's type (OutOfMemoryError...), never an exception's type or message
	 * (which may quote SQL, files or our classes): the log has the rest.
	 */
	private void lastResort(OperationRun run, Throwable e) {
		OperationTicket t = run.ticket();
		try {
			String what = e instanceof Error ? e.getClass().getSimpleName() : "failure";
			ProblemException cause = new ProblemException(ProblemCode.INTERNAL_ERROR, "unexpected " + what + " in "
					+ t.kind() + "; the service log has the details of operation " + t.id());
			boolean resuming = t.kind() == OperationKind.RESUME || t.kind() == OperationKind.RESTORE
					|| run.op().handedOver();
			if (resuming && guestRuns(t)) {
				journal.resumed(run, null, List.of(), "the guest runs, but recording the resume failed (unexpected "
						+ what + "); recorded without its device report", false);
				return;
			}
			if (resuming) {
				if (t.kind() == OperationKind.RESTORE) {
					journal.discardRestoreTarget(t.id(), t.domid());
				}
				journal.end(run, OperationState.RESUME_FAILED, cause, EnumSet.noneOf(Phase.class));
			}
			else {
				flow.thawAndEnd(run, OperationState.FAILED, cause, EnumSet.noneOf(Phase.class));
			}
		}
		catch (RuntimeException | Error again) {
			log.error("Operation {} could not be ended; recovery will when its lease expires", t.id(), again);
		}
	}

	private boolean guestRuns(OperationTicket t) {
		try {
			return hypervisor.guest(t.dom()).map(g -> g.state() == PowerState.RUNNING).orElse(false);
		}
		catch (RuntimeException e) {
			return false;
		}
	}

}
