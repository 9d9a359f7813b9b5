package org.xso.operation;

/** Where an operation is; the named end states say what a failure left behind. */
public enum OperationState {

	PENDING(false), RUNNING(false), SUCCEEDED(true),
	/** Failed; {@code error} says why and what state the domain is in. */
	FAILED(true),
	/** Cancelled by the caller; what had been done was compensated. */
	CANCELLED(true),
	/** A suspend or checkpoint failed and was undone: the guest runs with its devices connected. */
	ROLLED_BACK(true),
	/** A resume or restore failed: the domain stays SUSPENDED and its checkpoint intact. */
	RESUME_FAILED(true);

	private final boolean terminal;

	OperationState(boolean terminal) {
		this.terminal = terminal;
	}

	public boolean isTerminal() {
		return terminal;
	}

}
