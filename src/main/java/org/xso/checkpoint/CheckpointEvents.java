package org.xso.checkpoint;

import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.xso.web.StreamEvent;

/** What the checkpoint module publishes. */
public final class CheckpointEvents {

	private CheckpointEvents() {
	}

	/** A checkpoint was stored (published inside the storing transaction). */
	public record CheckpointCreated(UUID checkpointId, int domid, CheckpointKind kind, long sizeBytes,
			@Nullable UUID operationId) implements StreamEvent {

		@Override
		public String eventType() {
			return "checkpoint.created";
		}

		@Override
		public Integer eventDomid() {
			return domid;
		}

		@Override
		public @Nullable UUID eventOperationId() {
			return operationId;
		}

	}

	/** A checkpoint was deleted: by request, by retention, or with its domain. */
	public record CheckpointDeleted(UUID checkpointId, int domid, String reason) implements StreamEvent {

		@Override
		public String eventType() {
			return "checkpoint.deleted";
		}

		@Override
		public Integer eventDomid() {
			return domid;
		}

	}

}
