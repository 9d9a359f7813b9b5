package org.xso.xen.grant;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.xso.xen.GrantRef;

/**
 * The guest's bookkeeping of its grant refs, Linux's {@code gnttab_list} free list: free refs are
 * handed out lowest first and a freed ref is reused first (an int stack and a cursor: no boxing,
 * creating a table is cheap); refs 0..7 are reserved and never handed
 * out. Not thread-safe: {@link GrantTable} guards it with its lock.
 */
final class GrantRefs {

	enum State {

		RESERVED, FREE, CLAIMED, GRANTED

	}

	private final State[] states;

	/** Refs freed after use, reused first (a stack). */
	private int[] freed = new int[64];

	private int freedCount;

	/** Refs at or above this index have never been handed out since the last reset. */
	private int fresh;

	private int freeCount;

	GrantRefs(int entries) {
		this.states = new State[entries];
		reset();
	}

	/** Takes a free ref and marks it {@code next}; -1 if none is free. */
	int take(State next) {
		int r = -1;
		while (this.freedCount > 0 && r < 0) {
			int c = this.freed[--this.freedCount];
			if (this.states[c] == State.FREE) {
				r = c;
			}
		}
		while (r < 0 && this.fresh < this.states.length) {
			int c = this.fresh++;
			if (this.states[c] == State.FREE) {
				r = c;
			}
		}
		if (r < 0) {
			return -1;
		}
		this.states[r] = next;
		this.freeCount--;
		return r;
	}

	/** Takes this very ref (free or claimed) and marks it granted. */
	void grant(int r) {
		if (this.states[r] == State.FREE) {
			// it stays in the freed stack or above the fresh cursor; take() skips it there
			this.freeCount--;
		}
		this.states[r] = State.GRANTED;
	}

	void release(int r) {
		this.states[r] = State.FREE;
		this.freeCount++;
		if (this.freedCount == this.freed.length) {
			this.freed = Arrays.copyOf(this.freed, this.freed.length * 2);
		}
		this.freed[this.freedCount++] = r;
	}

	State state(int r) {
		return this.states[r];
	}

	int freeCount() {
		return this.freeCount;
	}

	List<GrantRef> granted() {
		List<GrantRef> refs = new ArrayList<>();
		for (int r = 0; r < this.states.length; r++) {
			if (this.states[r] == State.GRANTED) {
				refs.add(GrantRef.of(r));
			}
		}
		return refs;
	}

	/** Everything free again, handed out in ascending order, except the reserved refs. */
	void reset() {
		int reserved = Math.min(GrantRef.GNTTAB_NR_RESERVED_ENTRIES, this.states.length);
		Arrays.fill(this.states, 0, reserved, State.RESERVED);
		Arrays.fill(this.states, reserved, this.states.length, State.FREE);
		this.freedCount = 0;
		this.fresh = reserved;
		this.freeCount = this.states.length - reserved;
	}

}
