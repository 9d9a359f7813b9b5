package org.xso.xen.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One immutable xenstore node. A tree of them is persistent: a change copies the path from the
 * root to the changed node and shares everything else, so a root reference is a consistent
 * snapshot (what a transaction reads) and the previous root of a change is still at hand to decide
 * who may hear about it.
 *
 * <p>
 * {@code generation} is the store generation of the node's last change, as in xenstored: writing
 * a value or permissions changes the node's generation, and so does adding or removing a child
 * (the parent's child list is part of the node), but a change further down does not.
 */
final class Node {

	private static final String[] NO_NAMES = {};

	private static final Node[] NO_NODES = {};

	/** Up to this many children a lookup compares names for equality; beyond, it bisects. */
	private static final int LINEAR_LOOKUP = 8;

	private final String value;

	private final XsPermissions perms;

	private final long generation;

	/**
	 * The children as two parallel arrays sorted by {@link XsPaths#NAME_ORDER}, never changed once
	 * the node is built: a change copies one short array per level instead of a map.
	 */
	private final String[] names;

	private final Node[] nodes;

	private final int size;

	private Node(String value, XsPermissions perms, long generation, String[] names, Node[] nodes) {
		this.value = value;
		this.perms = perms;
		this.generation = generation;
		this.names = names;
		this.nodes = nodes;
		int total = 1;
		for (Node child : nodes) {
			total += child.size;
		}
		this.size = total;
	}

	static Node leaf(String value, XsPermissions perms, long generation) {
		return new Node(value, perms, generation, NO_NAMES, NO_NODES);
	}

	String value() {
		return value;
	}

	XsPermissions perms() {
		return perms;
	}

	long generation() {
		return generation;
	}

	/** Nodes in this subtree, this one included. */
	int size() {
		return size;
	}

	@Nullable Node child(String name) {
		int i = indexOf(name);
		return i >= 0 ? nodes[i] : null;
	}

	/** The child named by {@code path[from, to)}, or null; no name string is built for a small node. */
	@Nullable Node child(String path, int from, int to) {
		int i = indexOf(path, from, to);
		return i >= 0 ? nodes[i] : null;
	}

	/** The child at {@code index} (as {@link #indexOf(String, int, int)} found it). */
	Node childAt(int index) {
		return nodes[index];
	}

	/**
	 * The index of the child named by {@code path[from, to)}, or a negative number if there is
	 * none; a small node compares in place.
	 */
	int indexOf(String path, int from, int to) {
		if (names.length <= LINEAR_LOOKUP) {
			int length = to - from;
			for (int i = 0; i < names.length; i++) {
				String name = names[i];
				if (name.length() == length && path.regionMatches(from, name, 0, length)) {
					return i;
				}
			}
			return -1;
		}
		return indexOf(path.substring(from, to));
	}

	/** The child names as {@code XS_DIRECTORY} lists them. */
	List<String> childNames() {
		return List.of(names);
	}

	/** The children in listing order. */
	Iterable<Map.Entry<String, Node>> children() {
		List<Map.Entry<String, Node>> entries = new ArrayList<>(names.length);
		for (int i = 0; i < names.length; i++) {
			entries.add(Map.entry(names[i], nodes[i]));
		}
		return entries;
	}

	Node withValue(String newValue, long newGeneration) {
		return new Node(newValue, perms, newGeneration, names, nodes);
	}

	Node withPerms(XsPermissions newPerms, long newGeneration) {
		return new Node(value, newPerms, newGeneration, names, nodes);
	}

	/** This node with a new child: the child list changes, so the generation does. */
	Node withNewChild(String name, Node child, long newGeneration) {
		int at = indexOf(name);
		if (at >= 0) {
			throw new IllegalStateException(name + " exists");
		}
		int insert = -at - 1;
		String[] n = new String[names.length + 1];
		Node[] c = new Node[nodes.length + 1];
		System.arraycopy(names, 0, n, 0, insert);
		System.arraycopy(nodes, 0, c, 0, insert);
		n[insert] = name;
		c[insert] = child;
		System.arraycopy(names, insert, n, insert + 1, names.length - insert);
		System.arraycopy(nodes, insert, c, insert + 1, nodes.length - insert);
		return new Node(value, perms, newGeneration, n, c);
	}

	/** This node with the child at {@code index} replaced by its changed copy; the generation stays. */
	Node withChildAt(int index, Node child) {
		Node[] c = nodes.clone();
		c[index] = child;
		return new Node(value, perms, generation, names, c);
	}

	Node withoutChild(String name, long newGeneration) {
		int at = indexOf(name);
		if (at < 0) {
			return new Node(value, perms, newGeneration, names, nodes);
		}
		if (names.length == 1) {
			return new Node(value, perms, newGeneration, NO_NAMES, NO_NODES);
		}
		String[] n = new String[names.length - 1];
		Node[] c = new Node[nodes.length - 1];
		System.arraycopy(names, 0, n, 0, at);
		System.arraycopy(nodes, 0, c, 0, at);
		System.arraycopy(names, at + 1, n, at, names.length - at - 1);
		System.arraycopy(nodes, at + 1, c, at, nodes.length - at - 1);
		return new Node(value, perms, newGeneration, n, c);
	}

	/**
	 * The index of {@code name} among the children, or {@code -(insertion point) - 1} as
	 * {@link java.util.Arrays#binarySearch} answers.
	 */
	private int indexOf(String name) {
		if (names.length <= LINEAR_LOOKUP) {
			for (int i = 0; i < names.length; i++) {
				if (names[i].equals(name)) {
					return i;
				}
			}
			int i = 0;
			while (i < names.length && XsPaths.NAME_ORDER.compare(names[i], name) < 0) {
				i++;
			}
			return -i - 1;
		}
		return Arrays.binarySearch(names, name, XsPaths.NAME_ORDER);
	}

	/** Appends this subtree, depth first, to {@code views}; {@code path} is this node's path. */
	void collect(String path, List<XsNodeView> views) {
		views.add(new XsNodeView(path, value, perms));
		for (int i = 0; i < names.length; i++) {
			nodes[i].collect(XsPaths.child(path, names[i]), views);
		}
	}

}
