package org.xso.operation.internal;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

/** Running totals of periodic checkpointing: epochs done and how long the guest was paused. */
@Embeddable
record EpochStats(@Column(name = "epochs_completed") int completed,
		@Column(name = "paused_ms_total") long pausedMsTotal, @Column(name = "paused_ms_max") long pausedMsMax) {

	static final EpochStats NONE = new EpochStats(0, 0, 0);

	EpochStats plus(long pausedMs) {
		return new EpochStats(completed + 1, pausedMsTotal + pausedMs, Math.max(pausedMsMax, pausedMs));
	}

	long pausedMsAverage() {
		return completed == 0 ? 0 : pausedMsTotal / completed;
	}

}
