package org.xso.xen.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;
import org.xso.xen.DomId;

/**
 * The registered watches and xenstored's rules for which of them a change fires. All methods run
 * under the store's lock; the watches touched are collected so the store can dispatch them after
 * releasing it.
 *
 * <p>
 * Watches are indexed by the path they watch (as oxenstored keeps them in a trie), so a change
 * looks up the watches at and above its path, and a removal those below it, instead of testing
 * every watch: with a thousand guests and their drivers' watches, a scan per write was quadratic in
 * the number of guests. Watches fired by one change are queued in the order they were registered,
 * as the scan did.
 */
final class Watches {

	private static final Comparator<XsWatch> REGISTRATION = Comparator.comparingLong(XsWatch::registration);

	/** By resolved target (special ones under their {@code @} path), each list in registration order. */
	private final TreeMap<String, List<XsWatch>> byTarget = new TreeMap<>();

	private final Map<XsConnection, List<XsWatch>> byConnection = new IdentityHashMap<>();

	private long registrations;

	private int size;

	int size() {
		return size;
	}

	void add(XsWatch watch) {
		if (find(watch.connection(), watch.target(), watch.token()) != null) {
			throw new XenstoreException(XenstoreException.EEXIST, watch.path(), "token " + watch.token());
		}
		watch.registered(registrations++);
		byTarget.computeIfAbsent(watch.target(), t -> new ArrayList<>(2)).add(watch);
		byConnection.computeIfAbsent(watch.connection(), c -> new ArrayList<>(4)).add(watch);
		size++;
	}

	@Nullable XsWatch find(XsConnection connection, String target, String token) {
		for (XsWatch w : byTarget.getOrDefault(target, List.of())) {
			if (w.connection() == connection && w.token().equals(token)) {
				return w;
			}
		}
		return null;
	}

	void remove(XsWatch watch) {
		List<XsWatch> same = byTarget.get(watch.target());
		if (same != null && same.remove(watch)) {
			if (same.isEmpty()) {
				byTarget.remove(watch.target());
			}
			List<XsWatch> mine = byConnection.get(watch.connection());
			mine.remove(watch);
			if (mine.isEmpty()) {
				byConnection.remove(watch.connection());
			}
			size--;
		}
		watch.markCancelled();
	}

	void removeAll(XsConnection connection) {
		for (XsWatch w : List.copyOf(byConnection.getOrDefault(connection, List.of()))) {
			remove(w);
		}
	}

	/**
	 * Queues the events {@code change} fires: to watches at or above the changed path with the
	 * changed path, and, for a removal, to watches below it with their own path. A watcher other
	 * than dom0 hears only of nodes it could read before or after the change.
	 */
	void fire(Change change, Collection<XsWatch> touched) {
		List<Fired> fired = new ArrayList<>(4);
		String path = change.path();
		for (String at = path;; at = XsPaths.parent(at)) {
			byTarget.getOrDefault(at, List.of()).forEach(w -> fired.add(new Fired(w, path)));
			if (at.equals(XsPaths.ROOT)) {
				break;
			}
		}
		if (change.op() == XsOp.RM) {
			// below the removed node: the targets that start with its path and a '/' ('0' follows '/'),
			// for the root every absolute target but itself (special targets start with '@')
			Map<String, List<XsWatch>> below = path.equals(XsPaths.ROOT) ? byTarget.subMap("/", false, "0", false)
					: byTarget.subMap(path + "/", true, path + "0", false);
			below.forEach((target, ws) -> ws.forEach(w -> fired.add(new Fired(w, target))));
		}
		fired.sort(Comparator.comparing(Fired::watch, REGISTRATION));
		for (Fired f : fired) {
			if (mayLearn(f.watch().domid(), f.path(), change)) {
				f.watch().enqueue(f.path());
				touched.add(f.watch());
			}
		}
	}

	/** A watch a change fires, and the path its event names. */
	private record Fired(XsWatch watch, String path) {
	}

	/** Fires {@code @introduceDomain} or {@code @releaseDomain} (and {@code @releaseDomain/<domid>}). */
	void fireSpecial(String special, DomId domid, Collection<XsWatch> touched) {
		List<XsWatch> fired = new ArrayList<>(byTarget.getOrDefault(special, List.of()));
		fired.addAll(byTarget.getOrDefault(special + "/" + domid.value(), List.of()));
		fired.sort(REGISTRATION);
		for (XsWatch w : fired) {
			w.enqueue(w.target());
			touched.add(w);
		}
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
