package org.xso.operation;

/** Where one phase is. */
public enum PhaseState {

	PENDING, RUNNING, DONE, FAILED,
	/** Not run: the operation ended before it. */
	SKIPPED,
	/** Done, then undone by a compensation. */
	COMPENSATED,
	/** Interrupted by a cancel. */
	CANCELLED

}
