package org.xso.xen.store;

import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;
import org.xso.xen.DomId;

/**
 * A mutable handle on a persistent tree of {@link Node}s with xenstored's access rules. The store
 * keeps one for the live tree; each transaction keeps one for its private copy.
 *
 * <p>
 * Access rules ({@code perm_for_conn}, {@code get_node}, {@code errno_from_parents}): an
 * operation on an existing node needs read or write access to that node only. For a node that does
 * not exist, the nearest existing ancestor is asked instead: without the needed access the caller
 * gets EACCES (it may not even learn that the node is missing), otherwise ENOENT, or for a write
 * the missing nodes are created, inheriting that ancestor's permissions, owned by the writer unless
 * it is dom0.
 */
final class NodeTree {

	/** Told about every node an operation depends on or changes (transactions check them). */
	interface AccessLog {

		void touched(String path);

		/** A log that records nothing: the live tree and replays need no read set. */
		AccessLog NONE = path -> {
		};

	}

	private record Located(Node node, int depth, boolean exists) {
	}

	private volatile Node root;

	private final AccessLog log;

	private final boolean logging;

	NodeTree(Node root, AccessLog log) {
		this.root = root;
		this.log = log;
		this.logging = log != AccessLog.NONE;
	}

	Node root() {
		return root;
	}

	/** Installs a tree built elsewhere (a replayed transaction) in one step. */
	void replaceRoot(Node newRoot) {
		root = newRoot;
	}

	static @Nullable Node find(Node root, String path) {
		return walk(root, path, false);
	}

	/** The node at {@code path} in {@code root}, or its nearest existing ancestor. */
	static Node nearest(Node root, String path) {
		return Objects.requireNonNull(walk(root, path, true));
	}

	/** Walks {@code path} down from {@code root} without building its components. */
	private static @Nullable Node walk(Node root, String path, boolean nearest) {
		Node node = root;
		int start = 1;
		while (start < path.length()) {
			int slash = path.indexOf('/', start);
			int end = slash < 0 ? path.length() : slash;
			Node next = node.child(path, start, end);
			if (next == null) {
				return nearest ? node : null;
			}
			node = next;
			start = end + 1;
		}
		return node;
	}

	String read(DomId who, String path) {
		return existing(who, path).value();
	}

	List<String> directory(DomId who, String path) {
		return existing(who, path).childNames();
	}

	XsPermissions getPerms(DomId who, String path) {
		return existing(who, path).perms();
	}

	private Node existing(DomId who, String path) {
		log.touched(path);
		Node tree = root;
		Node node = find(tree, path);
		// a missing node answers with its nearest ancestor's permissions: EACCES hides that it is missing
		Node asked = node != null ? node : nearest(tree, path);
		if (!asked.perms().accessFor(who).canRead()) {
			throw new XenstoreException(XenstoreException.EACCES, path);
		}
		if (node == null) {
			throw new XenstoreException(XenstoreException.ENOENT, path);
		}
		return node;
	}

	/**
	 * Applies {@code m} for {@code who}; null if it changed nothing (mkdir of an existing node). A
	 * generation is taken from {@code generations} only once the change is certain (refused
	 * operations and a mkdir of an existing node take none).
	 */
	@Nullable Change apply(DomId who, Mutation m, LongSupplier generations) {
		Node before = root;
		boolean changed = switch (m.op()) {
			case WRITE -> write(who, m.path(), m.value(), generations);
			case MKDIR -> mkdir(who, m.path(), generations);
			case RM -> rm(who, m.path(), generations);
			case SET_PERMS -> setPerms(who, m.path(), requirePerms(m), generations);
		};
		return changed ? new Change(m.op(), m.path(), m.value(), who, before, root) : null;
	}

	private static XsPermissions requirePerms(Mutation m) {
		XsPermissions perms = m.perms();
		if (perms == null) {
			throw new IllegalArgumentException("SET_PERMS without permissions: " + m.path());
		}
		return perms;
	}

	private boolean write(DomId who, String path, String value, LongSupplier generations) {
		Segments segments = Segments.of(path);
		Located at = locate(who, path, segments, XsAccess.WRITE);
		log.touched(path);
		long generation = generations.getAsLong();
		if (at.exists()) {
			root = replace(root, segments, 0, segments.size(), at.node().withValue(value, generation));
		}
		else {
			create(who, path, segments, at, value, generation);
		}
		return true;
	}

	private boolean mkdir(DomId who, String path, LongSupplier generations) {
		Segments segments = Segments.of(path);
		Located at = locate(who, path, segments, XsAccess.WRITE);
		log.touched(path);
		if (at.exists()) {
			return false;
		}
		create(who, path, segments, at, "", generations.getAsLong());
		return true;
	}

	private void create(DomId who, String path, Segments segments, Located ancestor, String value,
			long generation) {
		XsPermissions perms = ancestor.node().perms();
		if (!who.isDom0()) {
			perms = perms.withOwner(who);
		}
		Node created = Node.leaf(value, perms, generation);
		log.touched(path);
		for (int i = segments.size() - 1; i > ancestor.depth(); i--) {
			created = Node.leaf("", perms, generation).withNewChild(segments.name(i), created, generation);
			if (logging) {
				log.touched(segments.prefix(i));
			}
		}
		if (logging) {
			log.touched(segments.prefix(ancestor.depth()));
		}
		Node parent = ancestor.node().withNewChild(segments.name(ancestor.depth()), created, generation);
		root = replace(root, segments, 0, ancestor.depth(), parent);
	}

	private boolean rm(DomId who, String path, LongSupplier generations) {
		if (path.equals(XsPaths.ROOT)) {
			throw new XenstoreException(XenstoreException.EINVAL, path, "cannot remove the root");
		}
		Segments segments = Segments.of(path);
		Located at = locate(who, path, segments, XsAccess.WRITE);
		log.touched(path);
		if (!at.exists()) {
			throw new XenstoreException(XenstoreException.ENOENT, path);
		}
		if (logging) {
			touchSubtree(path, at.node());
		}
		int parentDepth = segments.size() - 1;
		log.touched(segments.prefix(parentDepth));
		Node parent = Objects.requireNonNull(Segments.descend(root, segments, parentDepth), "parent of " + path);
		Node trimmed = parent.withoutChild(segments.name(parentDepth), generations.getAsLong());
		root = replace(root, segments, 0, parentDepth, trimmed);
		return true;
	}

	private void touchSubtree(String path, Node node) {
		for (var child : node.children()) {
			String childPath = XsPaths.child(path, child.getKey());
			log.touched(childPath);
			touchSubtree(childPath, child.getValue());
		}
	}

	private boolean setPerms(DomId who, String path, XsPermissions perms, LongSupplier generations) {
		Segments segments = Segments.of(path);
		Located at = locate(who, path, segments, XsAccess.READ);
		log.touched(path);
		if (!at.exists()) {
			throw new XenstoreException(XenstoreException.ENOENT, path);
		}
		XsPermissions current = at.node().perms();
		if (!who.isDom0() && !who.equals(current.ownerId())) {
			throw new XenstoreException(XenstoreException.EACCES, path, "only the owner or dom0 sets permissions");
		}
		if (!who.isDom0() && !perms.ownerId().equals(current.ownerId())) {
			throw new XenstoreException(XenstoreException.EPERM, path, "only dom0 changes the owner");
		}
		root = replace(root, segments, 0, segments.size(), at.node().withPerms(perms, generations.getAsLong()));
		return true;
	}

	/**
	 * Finds the node at {@code segments}, or its nearest existing ancestor, and checks that
	 * {@code who} has {@code need} on it.
	 */
	private Located locate(DomId who, String path, Segments segments, XsAccess need) {
		Node node = root;
		int depth = 0;
		while (depth < segments.size()) {
			Node next = node.child(path, segments.start(depth), segments.end(depth));
			if (next == null) {
				break;
			}
			node = next;
			depth++;
		}
		XsAccess has = node.perms().accessFor(who);
		if ((need.canRead() && !has.canRead()) || (need.canWrite() && !has.canWrite())) {
			throw new XenstoreException(XenstoreException.EACCES, path);
		}
		return new Located(node, depth, depth == segments.size());
	}

	/** Copies the path from {@code at} (depth {@code i}) down to depth {@code depth}. */
	private static Node replace(Node at, Segments segments, int i, int depth, Node replacement) {
		if (i == depth) {
			return replacement;
		}
		int index = at.indexOf(segments.path, segments.start(i), segments.end(i));
		if (index < 0) {
			throw new IllegalStateException("no node at " + segments.prefix(i + 1));
		}
		return at.withChildAt(index, replace(at.childAt(index), segments, i + 1, depth, replacement));
	}

}
