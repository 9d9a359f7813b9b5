package org.xso.operation.internal;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.xso.operation.Phase;
import org.xso.operation.PhaseState;

/** The bookkeeping of an operation's phase rows, kept out of the aggregate's transitions. */
final class Phases {

	private Phases() {
	}

	/** Enters {@code phase}; phases before it that had not run happened inside one call (done). */
	static void enter(List<PhaseRecord> phases, Phase phase, Instant now) {
		int target = indexOf(phases, phase);
		finishUpTo(phases, target, now);
		if (phases.get(target).state() != PhaseState.PENDING) {
			throw new IllegalStateException("phase " + phase + " is " + phases.get(target).state());
		}
		phases.set(target, phases.get(target).running(now));
	}

	static void complete(List<PhaseRecord> phases, Phase phase, Instant now) {
		int i = indexOf(phases, phase);
		if (phases.get(i).state() != PhaseState.RUNNING) {
			throw new IllegalStateException("phase " + phase + " is " + phases.get(i).state() + ", not RUNNING");
		}
		phases.set(i, phases.get(i).done(now));
	}

	static void progress(List<PhaseRecord> phases, Phase phase, int percent) {
		int i = indexOf(phases, phase);
		phases.set(i, phases.get(i).progress(percent));
	}

	/** Every phase done. */
	static void finishAll(List<PhaseRecord> phases, Instant now) {
		finishUpTo(phases, phases.size(), now);
	}

	/**
	 * The running phase {@code interrupted}, later ones SKIPPED, and the done phases in
	 * {@code compensated} COMPENSATED.
	 */
	static void end(List<PhaseRecord> phases, PhaseState interrupted, Set<Phase> compensated, Instant now) {
		for (int i = 0; i < phases.size(); i++) {
			PhaseRecord r = phases.get(i);
			PhaseState s = switch (r.state()) {
				case RUNNING -> interrupted;
				case PENDING -> PhaseState.SKIPPED;
				case DONE -> compensated.contains(r.phase()) ? PhaseState.COMPENSATED : PhaseState.DONE;
				default -> r.state();
			};
			phases.set(i, s == r.state() ? r : r.ended(s, now));
		}
	}

	static PhaseRecord of(List<PhaseRecord> phases, Phase phase) {
		return phases.get(indexOf(phases, phase));
	}

	private static void finishUpTo(List<PhaseRecord> phases, int end, Instant now) {
		for (int i = 0; i < end; i++) {
			PhaseRecord r = phases.get(i);
			if (r.state() == PhaseState.PENDING || r.state() == PhaseState.RUNNING) {
				phases.set(i, (r.state() == PhaseState.PENDING ? r.running(now) : r).done(now));
			}
		}
	}

	private static int indexOf(List<PhaseRecord> phases, Phase phase) {
		for (int i = 0; i < phases.size(); i++) {
			if (phases.get(i).phase() == phase) {
				return i;
			}
		}
		throw new IllegalArgumentException("no phase " + phase);
	}

}
