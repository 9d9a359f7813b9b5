package org.xso.xen.grant;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.xso.xen.GrantRef;

/**
 * The guest's bookkeeping of its grant refs, Linux's {@code gnttab_list} free list: free refs are
 * handed out lowest first and a freed ref is reused first (an int stack and a cursor: no boxing,
 * creating a table is cheap); refs 0..7 are reserved and never handed
 * out. The states are kept per grant frame, allocated when a ref in the frame is first taken, so a
 * new domain's table costs next to nothing until it is used. Not thread-safe: {@link GrantTable}
 * guards it with its lock.
 */
final class GrantRefs {

	enum State {

		RESERVED, FREE, CLAIMED, GRANTED

	}

	private static final int PER_FRAME = GrantTableLayout.ENTRIES_PER_FRAME;

	private final int entries;

	private final int reserved;

	/** Per frame, or null: every ref of the frame is free (or reserved). */
	private final State[][] states;

	/** Refs freed after use, reused first (a stack). */
	private int[] freed = new int[64];

	private int freedCount;

	/** Refs at or above this index have never been handed out since the last reset. */
	private int fresh;

	private int freeCount;

	GrantRefs(int entries) {
		this.entries = entries;
		this.reserved = Math.min(GrantRef.GNTTAB_NR_RESERVED_ENTRIES, entries);
		this.states = new State[(entries + PER_FRAME - 1) / PER_FRAME][];
		reset();
	}

	/** Takes a free ref and marks it {@code next}; -1 if none is free. */
	int take(State next) {
		int r = -1;
		while (this.freedCount > 0 && r < 0) {
			int c = this.freed[--this.freedCount];
			if (state(c) == State.FREE) {
				r = c;
			}
		}
		while (r < 0 && this.fresh < this.entries) {
			int c = this.fresh++;
			if (state(c) == State.FREE) {
				r = c;
			}
		}
		if (r < 0) {
			return -1;
		}
		set(r, next);
		this.freeCount--;
		return r;
	}

	/** Takes this very ref (free or claimed) and marks it granted. */
	void grant(int r) {
		if (state(r) == State.FREE) {
			// it stays in the freed stack or above the fresh cursor; take() skips it there
			this.freeCount--;
		}
		set(r, State.GRANTED);
	}

	void release(int r) {
		set(r, State.FREE);
		this.freeCount++;
		if (this.freedCount == this.freed.length) {
			this.freed = Arrays.copyOf(this.freed, this.freed.length * 2);
		}
		this.freed[this.freedCount++] = r;
	}

	State state(int r) {
		State[] frame = this.states[r / PER_FRAME];
		if (frame == null) {
			return r < this.reserved ? State.RESERVED : State.FREE;
		}
		return frame[r % PER_FRAME];
	}

	private void set(int r, State state) {
		int f = r / PER_FRAME;
		State[] frame = this.states[f];
		if (frame == null) {
			frame = new State[PER_FRAME];
			for (int i = 0; i < PER_FRAME; i++) {
				frame[i] = (f * PER_FRAME + i < this.reserved) ? State.RESERVED : State.FREE;
			}
			this.states[f] = frame;
		}
		frame[r % PER_FRAME] = state;
	}

	int freeCount() {
		return this.freeCount;
	}

	List<GrantRef> granted() {
		List<GrantRef> refs = new ArrayList<>();
		for (int f = 0; f < this.states.length; f++) {
			State[] frame = this.states[f];
			for (int i = 0; frame != null && i < frame.length; i++) {
				if (frame[i] == State.GRANTED) {
					refs.add(GrantRef.of(f * PER_FRAME + i));
				}
			}
		}
		return refs;
	}

	/** Everything free again, handed out in ascending order, except the reserved refs. */
	void reset() {
		Arrays.fill(this.states, null);
		this.freedCount = 0;
		this.fresh = this.reserved;
		this.freeCount = this.entries - this.reserved;
	}

}
