package org.xso.xen.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.xso.xen.DomId;

/**
 * The registered watches and xenstored's rules for which of them a change fires. All methods run
 * under the store's lock; the watches touched are collected so the store can dispatch them after
 * releasing it.
 */
final class Watches {

	private final List<XsWatch> watches = new ArrayList<>();

	int size() {
		return watches.size();
	}

	void add(XsWatch watch) {
		for (XsWatch w : watches) {
			if (w.connection() == watch.connection() && w.target().equals(watch.target())
					&& w.token().equals(watch.token())) {
				throw new XenstoreException(XenstoreException.EEXIST, watch.path(), "token " + watch.token());
			}
		}
		watches.add(watch);
	}

	@Nullable XsWatch find(XsConnection connection, String target, String token) {
		for (XsWatch w : watches) {
			if (w.connection() == connection && w.target().equals(target) && w.token().equals(token)) {
				return w;
			}
		}
		return null;
	}

	void remove(XsWatch watch) {
		watches.remove(watch);
		watch.markCancelled();
	}

	void removeAll(XsConnection connection) {
		for (XsWatch w : List.copyOf(watches)) {
			if (w.connection() == connection) {
				remove(w);
			}
		}
	}

	/**
	 * Queues the events {@code change} fires: to watches at or above the changed path with the
	 * changed path, and, for a removal, to watches below it with their own path. A watcher other
	 * than dom0 hears only of nodes it could read before or after the change.
	 */
	void fire(Change change, Collection<XsWatch> touched) {
		for (XsWatch w : watches) {
			if (w.isSpecial()) {
				continue;
			}
			String eventPath = eventPath(change, w.target());
			if (eventPath != null && mayLearn(w.domid(), eventPath, change)) {
				w.enqueue(eventPath);
				touched.add(w);
			}
		}
	}

	/** Fires {@code @introduceDomain} or {@code @releaseDomain} (and {@code @releaseDomain/<domid>}). */
	void fireSpecial(String special, DomId domid, Collection<XsWatch> touched) {
		String specific = special + "/" + domid.value();
		for (XsWatch w : watches) {
			if (w.target().equals(special) || w.target().equals(specific)) {
				w.enqueue(w.target());
				touched.add(w);
			}
		}
	}

	private static @Nullable String eventPath(Change change, String watched) {
		if (XsPaths.isAtOrBelow(change.path(), watched)) {
			return change.path();
		}
		if (change.op() == XsOp.RM && XsPaths.isAtOrBelow(watched, change.path())) {
			return watched;
		}
		return null;
	}

	private static boolean mayLearn(DomId watcher, String path, Change change) {
		if (watcher.isDom0()) {
			return true;
		}
		Node after = NodeTree.find(change.after(), path);
		Node before = NodeTree.find(change.before(), path);
		if (after != null || before != null) {
			return (after != null && after.perms().canRead(watcher))
					|| (before != null && before.perms().canRead(watcher));
		}
		// a watched node that never existed, below a removed one: ask what was removed
		return NodeTree.nearest(change.before(), path).perms().canRead(watcher);
	}

}
