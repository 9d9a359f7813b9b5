package org.xso.domain;

import java.util.UUID;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.xso.audit.Cause;
import org.xso.checkpoint.CheckpointCatalog;
import org.xso.events.OperationEvents;

/**
 * The domain module's side of what operations do: a domain's state follows its guest (SUSPENDED on
 * its checkpoint, RUNNING, FAULTED, a RESTORING target forgotten), its checkpoints are kept within
 * its retention and the one it resumed from is no longer pinned, and its lease is released when the
 * operation ends. Each reaction runs in the transaction of the operation step that published it
 * (see {@link OperationEvents}), on that step's thread.
 */
@Component
class OperationReactions {

	private final DomainLifecycle lifecycle;

	private final DomainService domains;

	private final DomainLeases leases;

	private final CheckpointCatalog checkpoints;

	OperationReactions(DomainLifecycle lifecycle, DomainService domains, DomainLeases leases,
			CheckpointCatalog checkpoints) {
		this.lifecycle = lifecycle;
		this.domains = domains;
		this.leases = leases;
		this.checkpoints = checkpoints;
	}

	@EventListener
	void on(OperationEvents.GuestSuspended e) {
		lifecycle.suspended(e.domid(), e.checkpointId(), e.cause());
		applyRetention(e.domid(), e.cause());
	}

	/**
	 * A move's hand-over: the domain SUSPENDED on its checkpoint, on the target host from now on,
	 * its lease with the target's instance.
	 */
	@EventListener
	void on(OperationEvents.GuestHandedOver e) {
		lifecycle.suspended(e.domid(), e.checkpointId(), e.cause());
		lifecycle.moveTo(e.domid(), e.target());
		leases.handOver(e.domid(), e.operationId(), e.targetInstance());
		applyRetention(e.domid(), e.cause());
	}

	@EventListener
	void on(OperationEvents.CheckpointTaken e) {
		applyRetention(e.domid(), e.cause());
	}

	/**
	 * A resumed guest's checkpoints may go: the one it was suspended to and, if it resumed from
	 * another, that one too (retention decides when); its devices are where the overrides put them.
	 */
	@EventListener
	void on(OperationEvents.GuestResumed e) {
		if (e.resume()) {
			UUID suspendImage = domains.record(e.domid()).suspendCheckpointId();
			if (suspendImage != null) {
				checkpoints.unpin(suspendImage);
			}
			if (e.checkpointId() != null && !e.checkpointId().equals(suspendImage)) {
				checkpoints.unpin(e.checkpointId());
			}
		}
		lifecycle.resumed(e.domid(), e.overrides(), e.cause());
		if (e.paused()) {
			lifecycle.paused(e.domid(), e.cause());
		}
	}

	@EventListener
	void on(OperationEvents.GuestFaulted e) {
		lifecycle.faulted(e.domid(), e.reason(), e.cause());
	}

	@EventListener
	void on(OperationEvents.RestoreAbandoned e) {
		lifecycle.discardRestoring(e.domid());
	}

	@EventListener
	void on(OperationEvents.OperationEnded e) {
		leases.releaseFor(e.domid(), e.operationId());
	}

	private void applyRetention(int domid, Cause cause) {
		checkpoints.enforceRetention(domid, domains.checkpointRetention(domid), cause);
	}

}
