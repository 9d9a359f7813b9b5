package org.xso.operation.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.xso.hypervisor.Hypervisor;
import org.xso.hypervisor.HypervisorException;
import org.xso.operation.OperationState;
import org.xso.operation.Phase;
import org.xso.problem.HypervisorProblems;
import org.xso.problem.ProblemCode;
import org.xso.problem.ProblemException;
import org.xso.text.SafeText;

/**
 * What every flow does between and after its steps: notice a cancel or a passed deadline the
 * moment a phase ends, give each hypervisor call what is left of the deadline, compensate by
 * thawing, and end the operation in its named state. The flows call the hypervisor and the journal
 * themselves; this holds only what they share.
 */
@Component
class FlowSupport {

	private static final Logger log = LoggerFactory.getLogger(FlowSupport.class);

	private final Hypervisor hypervisor;

	private final OperationJournal journal;

	private final CancelSignals signals;

	private final OperationProperties properties;

	private final Clock clock;

	private final LiveOperations live;

	FlowSupport(Hypervisor hypervisor, OperationJournal journal, CancelSignals signals, LiveOperations live,
			OperationProperties properties, Clock clock) {
		this.live = live;
		this.hypervisor = hypervisor;
		this.journal = journal;
		this.signals = signals;
		this.properties = properties;
		this.clock = clock;
	}

	/**
	 * Why the operation must stop now: a cancel asked for on this instance (one recorded by another
	 * instance is found by the next write, which it refuses) or its passed deadline.
	 */
	Optional<ProblemException> stopCause(OperationRun run) {
		OperationTicket t = run.ticket();
		if (signals.signalled(t.id()) || run.op().cancelRequested()) {
			live.cancelRequestedBy(t.id()).ifPresent(by -> journal.cancelRequested(run, by));
			return Optional.of(cancelled());
		}
		if (!clock.instant().isBefore(t.deadlineAt())) {
			return Optional.of(deadlinePassed(t));
		}
		return Optional.empty();
	}

	/** A cancel a write found recorded (by any instance). */
	static ProblemException cancelled() {
		return new ProblemException(ProblemCode.CANCELLED, "cancelled at the caller's request");
	}

	ProblemException deadlinePassed(OperationTicket t) {
		return new ProblemException(ProblemCode.DEADLINE_EXCEEDED,
				"the deadline of " + t.deadline().toMillis() + " ms passed at " + t.deadlineAt());
	}

	/** What is left of the deadline (at least one millisecond, so a call fails fast rather than never). */
	Duration remaining(OperationTicket t) {
		Duration left = Duration.between(clock.instant(), t.deadlineAt());
		return left.isNegative() || left.isZero() ? Duration.ofMillis(1) : left;
	}

	Duration quiesceBudget(OperationTicket t) {
		Duration left = remaining(t);
		return t.quiesceTimeout().compareTo(left) < 0 ? t.quiesceTimeout() : left;
	}

	/** Compensation of QUIESCE and SAVE: the guest continues in place. False if that failed too. */
	boolean thaw(OperationTicket t) {
		try {
			hypervisor.thaw(t.dom(), properties.thawTimeout());
			return true;
		}
		catch (HypervisorException | IllegalStateException e) {
			log.error("Compensation failed: could not thaw domain {} for operation {}: {}", t.domid(), t.id(),
					SafeText.escape(e.getMessage()));
			return false;
		}
	}

	/**
	 * Thaws the guest and ends the operation: CANCELLED for a cancel, {@code end} otherwise; if the
	 * thaw fails the domain is FAULTED and the operation FAILED.
	 */
	void thawAndEnd(OperationRun run, OperationState end, ProblemException cause, Set<Phase> done) {
		if (!thaw(run.ticket())) {
			journal.faulted(run, cause.getMessage() + "; then the guest could not be thawed", cause.getCause(),
					done);
			return;
		}
		endAs(run, end, cause, done);
	}

	void endAs(OperationRun run, OperationState end, ProblemException cause, Set<Phase> compensated) {
		OperationState state = cause.code() == ProblemCode.CANCELLED ? OperationState.CANCELLED : end;
		journal.end(run, state, cause, compensated);
	}

	static ProblemException problem(HypervisorException e) {
		return HypervisorProblems.of(e);
	}

	/**
	 * The problem that ends an operation because of {@code e}: a {@link ProblemException} as it is,
	 * a hypervisor failure in the service's wording, anything else an internal error whose detail
	 * says nothing of it (its message may quote a statement, a file or our classes). Either way
	 * {@code e} is the cause, which {@link OperationJournal#end} logs with the operation's id.
	 */
	static ProblemException problem(RuntimeException e) {
		if (e instanceof ProblemException p) {
			return p;
		}
		if (e instanceof HypervisorException h) {
			return HypervisorProblems.of(h);
		}
		return new ProblemException(ProblemCode.INTERNAL_ERROR,
				"an unexpected failure ended the operation; the service log has the details", e);
	}

}
