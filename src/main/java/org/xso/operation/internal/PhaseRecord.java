package org.xso.operation.internal;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import org.jspecify.annotations.Nullable;
import org.xso.operation.Phase;
import org.xso.operation.PhaseState;

/** One phase of an operation, persisted as a row of {@code operation_phases}. */
@Embeddable
record PhaseRecord(@Enumerated(EnumType.STRING) @Column(name = "phase", length = 24) Phase phase,
		@Enumerated(EnumType.STRING) @Column(name = "state", length = 16) PhaseState state,
		@Column(name = "progress") int progress, @Column(name = "started_at") @Nullable Instant startedAt,
		@Column(name = "finished_at") @Nullable Instant finishedAt) {

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
