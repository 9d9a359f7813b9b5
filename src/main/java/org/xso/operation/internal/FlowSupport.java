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
 * What every flow does between and after its phases: notice a cancel or a passed deadline the
 * moment a phase ends, give each hypervisor call what is left of the deadline, compensate by
 * thawing, and end the operation in its named state.
 */
@Component
class FlowSupport {

	private static final Logger log = LoggerFactory.getLogger(FlowSupport.class);

	final Hypervisor hypervisor;

	final OperationJournal journal;

	final CancelSignals signals;

	final OperationProperties properties;

	final Clock clock;

	FlowSupport(Hypervisor hypervisor, OperationJournal journal, CancelSignals signals,
			OperationProperties properties, Clock clock) {
		this.hypervisor = hypervisor;
		this.journal = journal;
		this.signals = signals;
		this.properties = properties;
		this.clock = clock;
	}

	/**
	 * Why the operation must stop now: a cancel (signalled on this instance, or {@code cancelRecorded}
	 * as the phase boundary's transaction read it) or its passed deadline.
	 */
	Optional<ProblemException> stopCause(OperationTicket t, boolean cancelRecorded) {
		if (cancelRecorded || signals.signalled(t.id())) {
			return Optional.of(new ProblemException(ProblemCode.CANCELLED, "cancelled at the caller's request"));
		}
		if (!clock.instant().isBefore(t.deadlineAt())) {
			return Optional.of(deadlinePassed(t));
		}
		return Optional.empty();
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
	void thawAndEnd(OperationTicket t, OperationState end, ProblemException cause, Set<Phase> done) {
		if (!thaw(t)) {
			journal.faulted(t.id(), cause.getMessage() + "; then the guest could not be thawed", cause.getCause(),
					done);
			return;
		}
		endAs(t, end, cause, done);
	}

	void endAs(OperationTicket t, OperationState end, ProblemException cause, Set<Phase> compensated) {
		OperationState state = cause.code() == ProblemCode.CANCELLED ? OperationState.CANCELLED : end;
		journal.end(t.id(), state, cause, compensated);
		signals.clear(t.id());
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
