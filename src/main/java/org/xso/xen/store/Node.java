package org.xso.xen.store;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

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

	private final String value;

	private final XsPermissions perms;

	private final long generation;

	private final SortedMap<String, Node> children;

	private final int size;

	private Node(String value, XsPermissions perms, long generation, SortedMap<String, Node> children) {
		this.value = value;
		this.perms = perms;
		this.generation = generation;
		this.children = Collections.unmodifiableSortedMap(children);
		int total = 1;
		for (Node child : children.values()) {
			total += child.size;
		}
		this.size = total;
	}

	static Node leaf(String value, XsPermissions perms, long generation) {
		return new Node(value, perms, generation, new TreeMap<>(XsPaths.NAME_ORDER));
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
		return children.get(name);
	}

	List<String> childNames() {
		return List.copyOf(children.keySet());
	}

	Iterable<SortedMap.Entry<String, Node>> children() {
		return children.entrySet();
	}

	Node withValue(String newValue, long newGeneration) {
		return new Node(newValue, perms, newGeneration, children);
	}

	Node withPerms(XsPermissions newPerms, long newGeneration) {
		return new Node(value, newPerms, newGeneration, children);
	}

	/** This node with a new child: the child list changes, so the generation does. */
	Node withNewChild(String name, Node child, long newGeneration) {
		TreeMap<String, Node> copy = new TreeMap<>(children);
		copy.put(name, child);
		return new Node(value, perms, newGeneration, copy);
	}

	/** This node with an existing child replaced by its changed copy; the generation stays. */
	Node withChangedChild(String name, Node child) {
		TreeMap<String, Node> copy = new TreeMap<>(children);
		copy.put(name, child);
		return new Node(value, perms, generation, copy);
	}

	Node withoutChild(String name, long newGeneration) {
		TreeMap<String, Node> copy = new TreeMap<>(children);
		copy.remove(name);
		return new Node(value, perms, newGeneration, copy);
	}

	/** Appends this subtree, depth first, to {@code views}; {@code path} is this node's path. */
	void collect(String path, List<XsNodeView> views) {
		views.add(new XsNodeView(path, value, perms));
		for (var child : children.entrySet()) {
			child.getValue().collect(XsPaths.child(path, child.getKey()), views);
		}
	}

	/** The node at {@code segments[0..count)} below this one, or null. */
	@Nullable Node descendant(List<String> segments, int count) {
		Node node = this;
		for (int i = 0; i < count && node != null; i++) {
			node = node.child(segments.get(i));
		}
		return node;
	}

}
