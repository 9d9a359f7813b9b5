package org.xso.xen.store;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;
import org.xso.xen.DomId;

/**
 * The two halves of committing a transaction, run under the store's lock: the per-node generation
 * check, and the replay of the transaction's mutations on a copy of the live tree.
 */
final class TransactionCommit {

	private TransactionCommit() {
	}

	/**
	 * The first node the transaction depended on whose generation in {@code root} differs from the
	 * one it saw in {@code base} (a node that appeared or disappeared counts as changed), or null.
	 */
	static @Nullable String firstConflict(Node base, Node root, List<String> accessed) {
		for (String path : accessed) {
			if (generation(NodeTree.find(root, path)) != generation(NodeTree.find(base, path))) {
				return path;
			}
		}
		return null;
	}

	private static long generation(@Nullable Node node) {
		return node == null ? XsTransaction.ABSENT : node.generation();
	}

	/**
	 * Replays {@code mutations} in order on {@code root} for {@code who}, each change numbered by
	 * {@code generations}. Returns the changes; the new root is the last change's
	 * {@link Change#after()}.
	 * @throws XenstoreException if a mutation is refused (it cannot be when nothing conflicted)
	 */
	static List<Change> replay(Node root, DomId who, List<Mutation> mutations, LongSupplier generations) {
		NodeTree replay = new NodeTree(root, NodeTree.AccessLog.NONE);
		List<Change> changes = new ArrayList<>();
		for (Mutation mutation : mutations) {
			Change change = replay.apply(who, mutation, generations);
			if (change != null) {
				changes.add(change);
			}
		}
		return changes;
	}

}
