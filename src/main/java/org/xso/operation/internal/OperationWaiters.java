package org.xso.operation.internal;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;
import org.xso.operation.OperationChanged;
import org.xso.operation.OperationViews;

/**
 * Long polling of an operation ({@code GET /operations/{id}?waitMs=}): a request waits until the
 * operation ends or the wait runs out, woken after the commit that ends it, instead of a client
 * asking again and again. Each waiting request registers its own future and removes it when it
 * returns, so nothing is left behind for operations that never end here.
 *
 * <p>
 * {@code waiting} is shared: request threads add and remove their futures, the thread whose commit
 * ends an operation completes them; a concurrent map of concurrent sets, no lock.
 */
@Component
class OperationWaiters {

	private final Map<UUID, Set<CompletableFuture<Void>>> waiting = new ConcurrentHashMap<>();

	/** The operation, read by {@code read}, once it is terminal or as it is after {@code wait}. */
	OperationViews.OperationView awaitEnd(UUID id, Duration wait, Supplier<OperationViews.OperationView> read) {
		CompletableFuture<Void> ended = new CompletableFuture<>();
		Set<CompletableFuture<Void>> set = waiting.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet());
		set.add(ended);
		try {
			OperationViews.OperationView view = read.get();
			if (view.state().isTerminal()) {
				return view;
			}
			ended.get(wait.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException e) {
			// the wait ran out: answer with the operation as it is
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException e) {
			throw new IllegalStateException(e);
		}
		finally {
			set.remove(ended);
			waiting.computeIfPresent(id, (k, s) -> s.isEmpty() ? null : s);
		}
		return read.get();
	}

	@TransactionalEventListener(fallbackExecution = true)
	void on(OperationChanged event) {
		if (event.state().isTerminal()) {
			Set<CompletableFuture<Void>> set = waiting.get(event.operationId());
			if (set != null) {
				set.forEach(f -> f.complete(null));
			}
		}
	}

}
