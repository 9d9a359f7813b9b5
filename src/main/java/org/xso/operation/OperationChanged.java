package org.xso.operation;

import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.xso.events.StreamEvent;

/**
 * An operation moved: a new state, a new phase, or progress within a phase. Its principal is the
 * operation's {@code requestedBy}, whoever (a worker, recovery after a restart) moved it.
 */
public record OperationChanged(UUID operationId, int domid, OperationKind kind, OperationState state,
		@Nullable Phase phase, @Nullable PhaseState phaseState, int progress, String principal)
		implements StreamEvent {

	@Override
	public String eventType() {
		return "operation";
	}

	@Override
	public Integer eventDomid() {
		return domid;
	}

	@Override
	public UUID eventOperationId() {
		return operationId;
	}

}
