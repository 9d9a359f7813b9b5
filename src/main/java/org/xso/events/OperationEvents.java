package org.xso.events;

import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.xso.audit.Cause;
import org.xso.hypervisor.BackendOverride;

/**
 * What an operation did to a guest and its checkpoints, as the operation module publishes it. The
 * modules that own what follows react: the domain module changes the domain's state, releases its
 * lease and applies its retention; the checkpoint module discards an abandoned checkpoint. The
 * operation module knows none of them.
 *
 * <p>
 * Each event is published inside the transaction that records the operation's step, and its
 * listeners ({@code @EventListener}, synchronous, on the publishing thread) run in that same
 * transaction: the operation's record, the domain's state, the lease and the checkpoints commit
 * together or not at all, so a crash at any instant leaves all of them or none for recovery to
 * decide from. An operation publishes {@link OperationEnded} last, after what it did.
 */
public final class OperationEvents {

	private OperationEvents() {
	}

	/** A suspend is complete: the guest is gone from the host and its checkpoint is stored, pinned. */
	public record GuestSuspended(UUID operationId, int domid, UUID checkpointId, Cause cause) {
	}

	/**
	 * A move's source phases are done: the guest is gone from its host, its checkpoint stored
	 * (pinned), and the suspended domain passes to host {@code target}, whose instance
	 * ({@code targetInstance}) now holds its lease and runs the rest of the move.
	 */
	public record GuestHandedOver(UUID operationId, int domid, UUID checkpointId, String target,
			String targetInstance, Cause cause) {
	}

	/** A live checkpoint of a running guest is stored (a checkpoint operation, or an epoch of a periodic one). */
	public record CheckpointTaken(UUID operationId, int domid, UUID checkpointId, Cause cause) {
	}

	/**
	 * The guest runs again: resumed from its suspend checkpoint (or {@code checkpointId}) or restored
	 * into a new domain from {@code checkpointId}. {@code resume} is false for a restore;
	 * {@code paused}: the guest was left paused, as the caller asked.
	 */
	public record GuestResumed(UUID operationId, int domid, @Nullable UUID checkpointId, boolean resume, boolean paused,
			List<BackendOverride> overrides, Cause cause) {
	}

	/** The operation failed and so did its compensation: the guest needs an operator. */
	public record GuestFaulted(UUID operationId, int domid, String reason, Cause cause) {
	}

	/** A checkpoint the operation stored and then rolled back: nothing refers to it. */
	public record CheckpointAbandoned(UUID operationId, UUID checkpointId, Cause cause) {
	}

	/** A restore failed before its new domain ran: the domain it recorded as RESTORING is not there. */
	public record RestoreAbandoned(UUID operationId, int domid) {
	}

	/** The operation ended, however it ended: the domain is free for the next one. */
	public record OperationEnded(UUID operationId, int domid) {
	}

}
