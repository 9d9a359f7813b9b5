package org.xso.operation.internal;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;
import org.xso.hypervisor.SavedDomain;

/**
 * The checkpoint a resume or restore verified when it was accepted, held for the worker that runs
 * it, so the image is read and hashed once, not again in VERIFY_CHECKPOINT. An operation that ends
 * without its worker taking it (cancelled while pending) lets it go; one that recovery runs again
 * finds nothing here and verifies the checkpoint itself.
 *
 * <p>
 * Threads: request threads hold, workers take, the committing thread of an ending operation
 * forgets; a concurrent map.
 */
@Component
class VerifiedImages {

	private final Map<UUID, SavedDomain> held = new ConcurrentHashMap<>();

	void hold(UUID operation, SavedDomain image) {
		held.put(operation, image);
	}

	Optional<SavedDomain> take(UUID operation) {
		return Optional.ofNullable(held.remove(operation));
	}

	@TransactionalEventListener(fallbackExecution = true)
	void on(OperationFinished event) {
		held.remove(event.view().id());
	}

}
