package org.xso.operation.internal;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.ResumeBlocker;
import org.xso.operation.OperationChanged;
import org.xso.operation.OperationState;
import org.xso.operation.OperationViews;
import org.xso.operation.Phase;
import org.xso.operation.PhaseState;
import org.xso.problem.Problem;
import org.xso.problem.ProblemCode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.xso.operation.internal.Operations.T0;

/** The operation state machine: guarded transitions, phase bookkeeping, progress. */
class OperationTests {

	@Test
	void startsPendingWithEveryPhasePending() {
		Operation op = Operations.aSuspend().build();
		assertThat(op.state()).isEqualTo(OperationState.PENDING);
		assertThat(op.phases()).extracting(PhaseRecord::state).containsOnly(PhaseState.PENDING);
		assertThat(op.cancellable()).isTrue();
		assertThat(OperationProgress.overall(op)).isZero();
	}

	@Test
	void refusesToEnterAPhaseBeforeItStarted() {
		assertThatIllegalStateException().isThrownBy(() -> Operations.aSuspend().in(Phase.QUIESCE))
			.withMessageContaining("PENDING");
	}

	@Test
	void refusesToStartTwice() {
		assertThatIllegalStateException().isThrownBy(() -> Operations.aSuspend().started().started())
			.withMessageContaining("RUNNING");
	}

	@Test
	void isCancellableOnlyInCancellablePhases() {
		assertThat(Operations.aSuspend().started().in(Phase.QUIESCE).build().cancellable()).isTrue();
		Operation persisting = Operations.aSuspend().started().in(Phase.QUIESCE).done(Phase.QUIESCE).in(Phase.SAVE)
			.done(Phase.SAVE).in(Phase.PERSIST).build();
		assertThat(persisting.cancellable()).isFalse();
	}

	@Test
	void completesPhasesAPortCallRanThroughWhenALaterOneIsEntered() {
		Operation op = Operations.aResume().started().in(Phase.VERIFY_CHECKPOINT).done(Phase.VERIFY_CHECKPOINT).build();
		op.enter(Phase.RECONNECT, T0.plusMillis(50));
		assertThat(op.phases()).extracting(PhaseRecord::state)
			.containsExactly(PhaseState.DONE, PhaseState.DONE, PhaseState.DONE, PhaseState.RUNNING, PhaseState.PENDING,
					PhaseState.PENDING);
		assertThat(op.currentPhase()).isEqualTo(Phase.RECONNECT);
	}

	@Test
	void weighsProgressByPhase() {
		Operation op = Operations.aSuspend().started().in(Phase.QUIESCE).done(Phase.QUIESCE).build();
		assertThat(OperationProgress.overall(op)).isEqualTo(30);
		op.succeed(T0.plusSeconds(1));
		assertThat(OperationProgress.overall(op)).isEqualTo(100);
		assertThat(op.phases()).extracting(PhaseRecord::state).containsOnly(PhaseState.DONE);
	}

	@Test
	void marksCompensatedSkippedAndFailedPhasesWhenItRollsBack() {
		Operation op = Operations.aSuspend().started().in(Phase.QUIESCE).done(Phase.QUIESCE).in(Phase.SAVE).build();
		op.fail(OperationState.ROLLED_BACK, Problem.of(ProblemCode.QUIESCE_TIMEOUT, "late"), EnumSet.of(Phase.QUIESCE), T0.plusSeconds(1));
		assertThat(op.state()).isEqualTo(OperationState.ROLLED_BACK);
		assertThat(op.phases()).extracting(PhaseRecord::state)
			.containsExactly(PhaseState.COMPENSATED, PhaseState.FAILED, PhaseState.SKIPPED, PhaseState.SKIPPED);
		assertThat(op.finishedAt()).isEqualTo(T0.plusSeconds(1));
		assertThatIllegalStateException().isThrownBy(() -> op.succeed(T0.plusSeconds(2)))
			.withMessageContaining("ROLLED_BACK");
	}

	@Test
	void marksTheInterruptedPhaseCancelledOnACancel() {
		Operation op = Operations.aSuspend().started().in(Phase.QUIESCE).build();
		op.fail(OperationState.CANCELLED, Problem.of(ProblemCode.CANCELLED, "cancelled"), Set.of(), T0.plusSeconds(1));
		assertThat(op.phases().get(0).state()).isEqualTo(PhaseState.CANCELLED);
	}

	@Test
	void refusesSuccessAsAFailureEndState() {
		Operation op = Operations.aSuspend().started().build();
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(() -> op.fail(OperationState.SUCCEEDED, null, Set.of(), T0));
	}

	@Test
	void requeuesARunningOperationForRecoveryFromItsFirstPhase() {
		Operation op = Operations.aResume().started().in(Phase.VERIFY_CHECKPOINT).build();
		op.requeue("restart");
		assertThat(op.state()).isEqualTo(OperationState.PENDING);
		assertThat(op.phases()).extracting(PhaseRecord::state).containsOnly(PhaseState.PENDING);
		assertThat(op.recoveryNote()).isEqualTo("restart");
		op.start("node-b", T0.plusSeconds(5));
		assertThat(op.attempts()).isEqualTo(2);
	}

	@Test
	void publishesAnEventForEveryTransition() {
		Operation op = Operations.aSuspend().started().in(Phase.QUIESCE).build();
		assertThat(op.pendingEvents()).hasSize(3)
			.allSatisfy(e -> assertThat(e).isInstanceOf(OperationChanged.class))
			.last()
			.satisfies(e -> assertThat(((OperationChanged) e).phase()).isEqualTo(Phase.QUIESCE));
	}

	@Test
	void namesItsRequesterOnEveryEventWhoeverMovesIt() {
		Operation op = Operations.aSuspend().started().in(Phase.QUIESCE).build();
		op.requeue("restart");
		op.start("node-b", T0.plusSeconds(5));
		assertThat(op.pendingEvents()).hasSize(5)
			.allSatisfy(e -> assertThat(((OperationChanged) e).principal()).isEqualTo("alice"));
		assertThat(op.cause()).isEqualTo(org.xso.audit.Cause.operation("alice", op.id()));
	}

	@Test
	void recordsTheFirstPrincipalThatAskedToCancelAndForgetsItWhenRequeued() {
		Operation pending = Operations.aSuspend().build();
		pending.cancelPending(Problem.of(ProblemCode.CANCELLED, "cancelled"), "bob", T0.plusSeconds(1));
		assertThat(pending.state()).isEqualTo(OperationState.CANCELLED);
		assertThat(pending.requesters()).isEqualTo(new Requesters("alice", "bob"));
		assertThat(new Requesters("alice", "bob").cancelledBy("carol").cancelRequestedBy()).isEqualTo("bob");
		assertThat(new Requesters("alice", "bob").withoutCancel()).isEqualTo(Requesters.of("alice"));
	}

	@Test
	void reportsEveryKindOfHostBlockerUnderTheReasonCodeOfTheSameName() {
		java.util.Set<String> details = new java.util.HashSet<>();
		for (ResumeBlocker.Kind kind : ResumeBlocker.Kind.values()) {
			ResumeBlocker blocker = ResumeBlocker.of(kind, DeviceId.vif(0), "why, in the adapter's words");
			OperationViews.Reason reason = GuestChecks.reason(blocker);
			assertThat(reason.code().name()).isEqualTo(kind.name());
			// the service's words for the kind: the adapter's sentence may name its files
			assertThat(reason.detail()).startsWith("vif/0: ").doesNotContain("adapter's words");
			details.add(reason.detail());
		}
		assertThat(details).hasSize(ResumeBlocker.Kind.values().length);
	}

}
