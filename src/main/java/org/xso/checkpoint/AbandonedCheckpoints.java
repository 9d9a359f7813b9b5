package org.xso.checkpoint;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.xso.events.OperationEvents;
import org.xso.problem.Precondition;

/**
 * The checkpoint module's side of a rolled-back operation: the checkpoint it stored is unpinned and
 * deleted with its storage, in the transaction that records the rollback.
 */
@Component
class AbandonedCheckpoints {

	private final CheckpointCatalog catalog;

	AbandonedCheckpoints(CheckpointCatalog catalog) {
		this.catalog = catalog;
	}

	@EventListener
	void on(OperationEvents.CheckpointAbandoned e) {
		catalog.unpin(e.checkpointId());
		catalog.delete(e.checkpointId(), Precondition.NONE, e.cause());
	}

}
