package org.xso.operation.internal;

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

	OperationRun(Operation op, OperationTicket ticket, boolean acceptedHere) {
		this.op = op;
		this.ticket = ticket;
		this.acceptedHere = acceptedHere;
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
