package org.xso.xen.grant;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.xso.xen.GrantRef;

/**
 * The guest's bookkeeping of its grant refs, Linux's {@code gnttab_list} free list: free refs are
 * handed out lowest first and a freed ref is reused first; refs 0..7 are reserved and never handed
 * out. Not thread-safe: {@link GrantTable} guards it with its lock.
 */
final class GrantRefs {

	enum State {

		RESERVED, FREE, CLAIMED, GRANTED

	}

	private final State[] states;

	private final Deque<Integer> free = new ArrayDeque<>();

	GrantRefs(int entries) {
		this.states = new State[entries];
		reset();
	}

	/** Takes a free ref and marks it {@code next}; -1 if none is free. */
	int take(State next) {
		Integer r = this.free.pollFirst();
		if (r == null) {
			return -1;
		}
		this.states[r] = next;
		return r;
	}

	/** Takes this very ref (free or claimed) and marks it granted. */
	void grant(int r) {
		if (this.states[r] == State.FREE) {
			this.free.remove(r);
		}
		this.states[r] = State.GRANTED;
	}

	void release(int r) {
		this.states[r] = State.FREE;
		this.free.addFirst(r);
	}

	State state(int r) {
		return this.states[r];
	}

	int freeCount() {
		return this.free.size();
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

	/** Everything free again, in ascending order, except the reserved refs. */
	void reset() {
		this.free.clear();
		for (int r = 0; r < this.states.length; r++) {
			boolean reserved = r < GrantRef.GNTTAB_NR_RESERVED_ENTRIES;
			this.states[r] = reserved ? State.RESERVED : State.FREE;
			if (!reserved) {
				this.free.addLast(r);
			}
		}
	}

}
