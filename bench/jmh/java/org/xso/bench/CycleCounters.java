package org.xso.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the cycles of an iteration actually had in flight, reported next to their time: requests
 * shadowed or drained at the suspend, replayed or re-issued after it, and the number of cycles,
 * so the per-cycle figure is a division away.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class CycleCounters {

	public long cycles;

	public long shadowed;

	public long drained;

	public long replayed;

	public long reissued;

	@Setup(Level.Iteration)
	public void reset() {
		this.cycles = 0;
		this.shadowed = 0;
		this.drained = 0;
		this.replayed = 0;
		this.reissued = 0;
	}

	void add(BenchGuest.Cycle cycle) {
		this.cycles++;
		this.shadowed += cycle.shadowed();
		this.drained += cycle.drained();
		this.replayed += cycle.replayed();
		this.reissued += cycle.reissued();
	}

}
