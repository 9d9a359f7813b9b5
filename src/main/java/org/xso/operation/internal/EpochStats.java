package org.xso.operation.internal;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

/**
 * Running totals of periodic checkpointing: epochs done, how long the guest was paused, and how
 * many epochs started after their slot because the one before took longer than the interval.
 */
@Embeddable
record EpochStats(@Column(name = "epochs_completed") int completed,
		@Column(name = "paused_ms_total") long pausedMsTotal, @Column(name = "paused_ms_max") long pausedMsMax,
		@Column(name = "epochs_late") int late) {

	static final EpochStats NONE = new EpochStats(0, 0, 0, 0);

	/** One more epoch, paused {@code pausedMs}; {@code startedLate} if it started after its slot. */
	EpochStats plus(long pausedMs, boolean startedLate) {
		return new EpochStats(completed + 1, pausedMsTotal + pausedMs, Math.max(pausedMsMax, pausedMs),
				late + (startedLate ? 1 : 0));
	}

	long pausedMsAverage() {
		return completed == 0 ? 0 : pausedMsTotal / completed;
	}

}
