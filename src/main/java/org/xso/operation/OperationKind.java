package org.xso.operation;

import java.util.List;

/** What an operation does, and the phases it goes through in order. */
public enum OperationKind {

	SUSPEND(List.of(Phase.QUIESCE, Phase.SAVE, Phase.PERSIST, Phase.SUSPEND)),
	CHECKPOINT(List.of(Phase.QUIESCE, Phase.SAVE, Phase.PERSIST, Phase.THAW)),
	RESUME(List.of(Phase.VERIFY_CHECKPOINT, Phase.RESTORE, Phase.REGRANT, Phase.RECONNECT, Phase.REPLAY,
			Phase.VERIFY)),
	RESTORE(List.of(Phase.VERIFY_CHECKPOINT, Phase.RESTORE, Phase.REGRANT, Phase.RECONNECT, Phase.REPLAY,
			Phase.VERIFY)),
	PERIODIC_CHECKPOINT(List.of(Phase.EPOCHS)),
	/**
	 * A suspend on the guest's host, the hand-over of the suspended guest and of the operation to
	 * the target host's instance, and a resume there.
	 */
	MOVE(List.of(Phase.QUIESCE, Phase.SAVE, Phase.PERSIST, Phase.SUSPEND, Phase.HANDOVER, Phase.VERIFY_CHECKPOINT,
			Phase.RESTORE, Phase.REGRANT, Phase.RECONNECT, Phase.REPLAY, Phase.VERIFY));

	private final List<Phase> phases;

	OperationKind(List<Phase> phases) {
		this.phases = phases;
	}

	public List<Phase> phases() {
		return phases;
	}

	/** Whether it brings a guest up from a checkpoint (the phases after a move's hand-over do). */
	public boolean resumes() {
		return this == RESUME || this == RESTORE || this == MOVE;
	}

}
