package org.xso.operation.internal;

import java.time.Instant;
import java.util.UUID;

import org.xso.hypervisor.SuspendStrategy;
import org.xso.operation.OperationKind;
import org.xso.operation.Phase;

/** Test data: operations brought to a state by their real transitions. */
final class Operations {

	static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

	private final Operation op;

	private Operations(OperationKind kind) {
		this.op = new Operation(UUID.randomUUID(), kind, 1, "local",
				OperationParams.quiesce(1, SuspendStrategy.SHADOW_REPLAY, 5_000L, 60_000), null,
				"alice", T0);
	}

	static Operations aSuspend() {
		return new Operations(OperationKind.SUSPEND);
	}

	static Operations aResume() {
		return new Operations(OperationKind.RESUME);
	}

	Operations started() {
		op.start("node-a", T0.plusMillis(10));
		return this;
	}

	Operations in(Phase phase) {
		op.enter(phase, T0.plusMillis(20));
		return this;
	}

	Operations done(Phase phase) {
		op.complete(phase, T0.plusMillis(30));
		return this;
	}

	Operation build() {
		return op;
	}

}
