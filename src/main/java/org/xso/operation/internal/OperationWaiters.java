package org.xso.operation.internal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;
import org.xso.operation.OperationViews;

/**
 * Waiting for an operation's end ({@code GET /operations/{id}?waitMs=}, {@code Prefer: wait=N}): a
 * request waits until the operation ends or the wait runs out, woken after the commit that ends it
 * and answered with the operation as that transaction recorded it, instead of a client asking again
 * and again or the request reading it back. An operation that runs on this instance is not read at
 * all unless the wait runs out; one that runs elsewhere (another instance) is read first, and again
 * when the wait runs out. Each waiting request registers its own future and removes it when it
 * returns, so nothing is left behind for operations that never end here.
 *
 * <p>
 * Threads: {@code waiting} is shared by request threads (adding and removing their futures) and the
 * thread whose commit ends an operation (completing them): a concurrent map of concurrent sets, no
 * lock. {@code finished}, the operations that ended here most recently (for a request that arrives
 * just after the end), is guarded by its own monitor.
 */
@Component
class OperationWaiters {

	/** How many ended operations are kept for requests that arrive just after the end. */
	private static final int RECENT = 1024;

	/** How often a wait for an operation running on another instance reads its row. */
	private static final Duration ELSEWHERE_POLL = Duration.ofSeconds(1);

	private final Map<UUID, Set<CompletableFuture<OperationViews.OperationView>>> waiting = new ConcurrentHashMap<>();

	private final Map<UUID, OperationViews.OperationView> finished = new LinkedHashMap<>(RECENT, 0.75f, false) {

		@Override
		protected boolean removeEldestEntry(Map.Entry<UUID, OperationViews.OperationView> eldest) {
			return size() > RECENT;
		}

	};

	private final OperationExecutor executor;

	private final LiveOperations live;

	OperationWaiters(OperationExecutor executor, LiveOperations live) {
		this.executor = executor;
		this.live = live;
	}

	/** The operation once it has ended, or as {@code read} reads it after {@code wait}. */
	OperationViews.OperationView awaitEnd(UUID id, Duration wait, Supplier<OperationViews.OperationView> read) {
		CompletableFuture<OperationViews.OperationView> ended = new CompletableFuture<>();
		Set<CompletableFuture<OperationViews.OperationView>> set = waiting.computeIfAbsent(id,
				k -> ConcurrentHashMap.newKeySet());
		set.add(ended);
		try {
			// registered first, then looked for: an end between the two is in one or the other
			OperationViews.OperationView done = recent(id);
			if (done != null) {
				return done;
			}
			if (executor.tracks(id)) {
				return ended.get(wait.toNanos(), TimeUnit.NANOSECONDS);
			}
			// elsewhere: its end is notified here (PostgreSQL) when this instance accepted it; the row
			// is read again every second for an end no one notifies
			long until = System.nanoTime() + wait.toNanos();
			while (true) {
				OperationViews.OperationView now = read.get();
				long left = until - System.nanoTime();
				if (now.state().isTerminal() || left <= 0) {
					return now;
				}
				try {
					return ended.get(Math.min(left, ELSEWHERE_POLL.toNanos()), TimeUnit.NANOSECONDS);
				}
				catch (TimeoutException slice) {
					// read it again
				}
			}
		}
		catch (TimeoutException e) {
			return read.get(); // the wait ran out: the operation as it is
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			return read.get();
		}
		catch (ExecutionException e) {
			throw new IllegalStateException(e);
		}
		finally {
			set.remove(ended);
			waiting.computeIfPresent(id, (k, s) -> s.isEmpty() ? null : s);
		}
	}

	/**
	 * First of what runs after the commit that ends an operation: the requests waiting for it answer
	 * while the worker goes on with the rest (releasing the storage of checkpoints retention deleted,
	 * queueing the events for the log).
	 */
	@TransactionalEventListener(fallbackExecution = true)
	@Order(Ordered.HIGHEST_PRECEDENCE)
	void on(OperationFinished event) {
		OperationViews.OperationView view = event.view();
		live.forget(view.id()); // from now on its row is what it is
		synchronized (finished) {
			finished.put(view.id(), view);
		}
		Set<CompletableFuture<OperationViews.OperationView>> set = waiting.get(view.id());
		if (set != null) {
			set.forEach(f -> f.complete(view));
		}
	}

	/** Whether a request here waits for operation {@code id}. */
	boolean waitsFor(UUID id) {
		return waiting.containsKey(id);
	}

	/** Operation {@code view} ended on another instance: the requests here waiting for it get it. */
	void endedElsewhere(OperationViews.OperationView view) {
		if (!view.state().isTerminal()) {
			return;
		}
		Set<CompletableFuture<OperationViews.OperationView>> set = waiting.get(view.id());
		if (set != null) {
			set.forEach(f -> f.complete(view));
		}
	}

	private OperationViews.@Nullable OperationView recent(UUID id) {
		synchronized (finished) {
			return finished.get(id);
		}
	}

}
