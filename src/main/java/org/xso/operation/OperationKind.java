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
	PERIODIC_CHECKPOINT(List.of(Phase.EPOCHS));

	private final List<Phase> phases;

	OperationKind(List<Phase> phases) {
		this.phases = phases;
	}

	public List<Phase> phases() {
		return phases;
	}

}
