package org.xso.xen.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The bounded log of committed changes behind {@link Xenstore#history()}: the newest
 * {@code capacity} entries in commit order. Callers hold the store's lock for writes; reads
 * synchronize on this object.
 */
final class History {

	private final int capacity;

	private final ArrayDeque<XsHistoryEntry> entries = new ArrayDeque<>();

	private long lastSeq;

	History(int capacity) {
		if (capacity <= 0) {
			throw new IllegalArgumentException("history capacity must be positive: " + capacity);
		}
		this.capacity = capacity;
	}

	/** Appends the change, evicting the oldest entry at capacity, and returns its entry. */
	synchronized XsHistoryEntry record(Change change) {
		if (entries.size() == capacity) {
			entries.removeFirst();
		}
		XsHistoryEntry entry = new XsHistoryEntry(++lastSeq, System.nanoTime(), change.writer(), change.op(),
				change.path(), change.value());
		entries.addLast(entry);
		return entry;
	}

	synchronized List<XsHistoryEntry> all() {
		return List.copyOf(entries);
	}

	/** Entries for {@code prefix} itself or any path below it. */
	synchronized List<XsHistoryEntry> under(String prefix) {
		List<XsHistoryEntry> matching = new ArrayList<>();
		for (XsHistoryEntry entry : entries) {
			if (XsPaths.isAtOrBelow(entry.path(), prefix)) {
				matching.add(entry);
			}
		}
		return List.copyOf(matching);
	}

	synchronized void clear() {
		entries.clear();
	}

}
