package org.xso.operation.internal;

/**
 * An operation as the one thread that runs it holds it: what it needs to run ({@link OperationTicket})
 * and its progress, which is ahead of its row between the writes recovery needs (see
 * {@link OperationJournal}). Owned by that thread (a worker, or recovery's); the progress it shows
 * to others goes through {@link LiveOperations} as immutable views.
 */
final class OperationRun {

	private final OperationTicket ticket;

	private Operation op;

	OperationRun(Operation op, OperationTicket ticket) {
		this.op = op;
		this.ticket = ticket;
	}

	OperationTicket ticket() {
		return ticket;
	}

	/** The operation as this run has it now; change a {@link Operation#copy()} and {@link #adopt} it. */
	Operation op() {
		return op;
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
