package org.xso.checkpoint;

import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.xso.events.StreamEvent;

/** What the checkpoint module publishes. */
public final class CheckpointEvents {

	private CheckpointEvents() {
	}

	/**
	 * A checkpoint was stored (published inside the storing transaction) by an operation, requested
	 * by {@code principal}.
	 */
	public record CheckpointCreated(UUID checkpointId, int domid, CheckpointKind kind, long sizeBytes,
			@Nullable UUID operationId, String principal) implements StreamEvent {

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

	/**
	 * A checkpoint was deleted: by request, by retention (applied by the operation that stored a
	 * newer one, or by the request that lowered it), with its domain, or by the compensation of the
	 * operation that stored it; {@code principal} and {@code operationId} say which.
	 */
	public record CheckpointDeleted(UUID checkpointId, int domid, String reason, String principal,
			@Nullable UUID operationId) implements StreamEvent {

		@Override
		public String eventType() {
			return "checkpoint.deleted";
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

}
