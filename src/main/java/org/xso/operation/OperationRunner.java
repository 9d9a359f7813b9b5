package org.xso.operation;

import java.util.EnumSet;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.xso.web.ProblemCode;
import org.xso.web.ProblemException;

/** Runs one operation on a worker thread: starts it and hands it to the flow of its kind. */
@Component
class OperationRunner {

	private static final Logger log = LoggerFactory.getLogger(OperationRunner.class);

	private final OperationJournal journal;

	private final QuiesceFlow quiesce;

	private final ResumeFlow resume;

	private final PeriodicFlow periodic;

	private final FlowSupport flow;

	OperationRunner(OperationJournal journal, QuiesceFlow quiesce, ResumeFlow resume, PeriodicFlow periodic,
			FlowSupport flow) {
		this.journal = journal;
		this.quiesce = quiesce;
		this.resume = resume;
		this.periodic = periodic;
		this.flow = flow;
	}

	void run(UUID id) {
		OperationTicket ticket;
		try {
			ticket = journal.start(id);
		}
		catch (RuntimeException e) {
			log.warn("Operation {} could not start: {}", id, e.getMessage());
			return;
		}
		if (ticket == null) {
			return; // cancelled while it was queued
		}
		try {
			switch (ticket.kind()) {
				case SUSPEND, CHECKPOINT -> quiesce.run(ticket);
				case RESUME, RESTORE -> resume.run(ticket);
				case PERIODIC_CHECKPOINT -> periodic.run(ticket);
			}
		}
		catch (InterruptedException e) {
			// the service is stopping: the operation stays RUNNING and recovery continues it
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException e) {
			log.error("Operation {} failed unexpectedly", id, e);
			lastResort(ticket, e);
		}
		finally {
			flow.signals.clear(id);
		}
	}

	/** A bug in a flow: thaw a guest that may be paused and end the operation FAILED. */
	private void lastResort(OperationTicket t, RuntimeException e) {
		try {
			ProblemException cause = new ProblemException(ProblemCode.INTERNAL_ERROR,
					"unexpected failure in " + t.kind() + ": " + e.getMessage());
			if (t.kind() == OperationKind.RESUME || t.kind() == OperationKind.RESTORE) {
				if (t.kind() == OperationKind.RESTORE) {
					journal.discardRestoreTarget(t.domid());
				}
				journal.end(t.id(), OperationState.RESUME_FAILED, cause, EnumSet.noneOf(Phase.class));
			}
			else {
				flow.thawAndEnd(t, OperationState.FAILED, cause, EnumSet.noneOf(Phase.class));
			}
		}
		catch (RuntimeException again) {
			log.error("Operation {} could not be ended; recovery will when its lease expires", t.id(), again);
		}
	}

}
