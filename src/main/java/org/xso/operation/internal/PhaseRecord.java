package org.xso.operation.internal;

import java.time.Instant;

import org.jspecify.annotations.Nullable;
import org.xso.operation.Phase;
import org.xso.operation.PhaseState;

/** One phase of an operation, persisted in the operation's row (its {@code phases}, see {@link ProgressColumns}). */
record PhaseRecord(Phase phase, PhaseState state, int progress, @Nullable Instant startedAt,
		@Nullable Instant finishedAt) {

	static PhaseRecord pending(Phase phase) {
		return new PhaseRecord(phase, PhaseState.PENDING, 0, null, null);
	}

	PhaseRecord running(Instant now) {
		return new PhaseRecord(phase, PhaseState.RUNNING, 0, now, null);
	}

	PhaseRecord done(Instant now) {
		return new PhaseRecord(phase, PhaseState.DONE, 100, startedAt == null ? now : startedAt, now);
	}

	PhaseRecord progress(int percent) {
		return new PhaseRecord(phase, state, Math.max(0, Math.min(100, percent)), startedAt, finishedAt);
	}

	PhaseRecord ended(PhaseState end, Instant now) {
		return new PhaseRecord(phase, end, progress, startedAt, startedAt == null ? null : now);
	}

}
