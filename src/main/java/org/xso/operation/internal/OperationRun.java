package org.xso.operation.internal;

import java.util.ArrayDeque;
import java.util.List;

import org.xso.operation.OperationViews;

import org.jspecify.annotations.Nullable;

/**
 * An operation as the one thread that runs it holds it: what it needs to run ({@link OperationTicket})
 * and its progress, which is ahead of its row between the writes recovery needs (see
 * {@link OperationJournal}). Owned by that thread (a worker, or recovery's); the progress it shows
 * to others goes through {@link LiveOperations} as immutable views.
 */
final class OperationRun {

	private final OperationTicket ticket;

	private final boolean acceptedHere;

	private Operation op;

	private OperationRows.@Nullable Fence took;

	/**
	 * A periodic checkpoint's newest epochs as its view shows them, newest first, at most
	 * {@link OperationViewMapper#RECENT_EPOCHS}; null until known (a run this instance continued
	 * from its row reads them once).
	 */
	private @Nullable ArrayDeque<OperationViews.EpochView> recentEpochs;

	OperationRun(Operation op, OperationTicket ticket, boolean acceptedHere) {
		this.op = op;
		this.ticket = ticket;
		this.acceptedHere = acceptedHere;
		// accepted here: nothing has run yet
		this.recentEpochs = acceptedHere ? new ArrayDeque<>() : null;
	}

	/** The newest epochs, newest first; null if not known yet. */
	@Nullable
	List<OperationViews.EpochView> recentEpochs() {
		return recentEpochs == null ? null : List.copyOf(recentEpochs);
	}

	/** The newest epochs as its rows have them, newest first. */
	void recentEpochs(List<OperationViews.EpochView> newestFirst) {
		this.recentEpochs = new ArrayDeque<>(newestFirst.subList(0,
				Math.min(newestFirst.size(), OperationViewMapper.RECENT_EPOCHS)));
	}

	/** Epoch {@code epoch} is recorded (its write has committed). */
	void recorded(OperationViews.EpochView epoch) {
		ArrayDeque<OperationViews.EpochView> recent = this.recentEpochs;
		// not known yet: read with it from the rows when first shown
		if (recent != null && (recent.isEmpty() || recent.peekFirst().epoch() < epoch.epoch())) {
			recent.addFirst(epoch);
			while (recent.size() > OperationViewMapper.RECENT_EPOCHS) {
				recent.removeLast();
			}
		}
	}

	/**
	 * Whether this instance accepted it (the worker took it as the request recorded it) rather than
	 * claiming it from its row (assigned by another instance, or left by a stopped one).
	 */
	boolean acceptedHere() {
		return acceptedHere;
	}

	OperationTicket ticket() {
		return ticket;
	}

	/** The operation as this run has it now; change a {@link Operation#copy()} and {@link #adopt} it. */
	Operation op() {
		return op;
	}

	/** The row as this run took it, where its first write must find it unchanged. */
	OperationRows.@Nullable Fence took() {
		return took;
	}

	void took(OperationRows.Fence fence) {
		this.took = fence;
	}

	/** {@code next} is where the operation is now (its write, if any, has committed). */
	void adopt(Operation next) {
		this.op = next;
	}

	@Override
	public String toString() {
		return op.kind() + " " + op.id() + " (" + op.state() + ", " + op.currentPhase() + ")";
	}

}
