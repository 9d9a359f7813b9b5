package org.xso.operation.internal;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.xso.operation.OperationViews;

/**
 * The operations this instance has accepted and not yet ended, as they are now: a worker keeps an
 * operation's progress in memory and writes its row only where recovery needs it (see
 * {@link OperationJournal}), so a request on this instance reads the operation here, not from its
 * row. Another instance reads the row, which is behind by the phases since the last write.
 *
 * <p>
 * Threads: each entry's view is written by the one thread that runs the operation (the request
 * thread that accepts it, then its worker) and read by any request thread; its stage is moved by
 * compare-and-set between the worker that starts the operation and a request that cancels it while
 * it is still queued, so exactly one of them wins.
 */
@Component
class LiveOperations {

	/** Where an accepted operation is on this instance. */
	enum Stage {
		QUEUED, STARTED, CANCELLED_IN_QUEUE
	}

	private static final class Entry {

		final AtomicReference<Stage> stage = new AtomicReference<>(Stage.QUEUED);

		volatile OperationViews.OperationView view;

		/** Who asked to cancel the operation while it runs here (shown before the worker honours it). */
		volatile @Nullable String cancelRequestedBy;

		Entry(OperationViews.OperationView view) {
			this.view = view;
		}

	}

	private final Map<UUID, Entry> entries = new ConcurrentHashMap<>();

	/** {@code view} was accepted here and waits for a worker. */
	void queued(OperationViews.OperationView view) {
		entries.put(view.id(), new Entry(view));
	}

	/** The worker takes the operation; false if a cancel took it first (or it is not queued here). */
	boolean start(UUID id) {
		Entry e = entries.get(id);
		return e == null || e.stage.compareAndSet(Stage.QUEUED, Stage.STARTED);
	}

	/** A cancel takes the operation before any worker did; false if it is not queued here. */
	boolean cancelQueued(UUID id) {
		Entry e = entries.get(id);
		return e != null && e.stage.compareAndSet(Stage.QUEUED, Stage.CANCELLED_IN_QUEUE);
	}

	/** The worker's latest view of the operation. */
	void show(OperationViews.OperationView view) {
		entries.computeIfAbsent(view.id(), k -> {
			Entry started = new Entry(view);
			started.stage.set(Stage.STARTED);
			return started;
		}).view = view;
	}

	/** A cancel was asked for while the operation runs here; false if it does not. */
	boolean cancelRequested(UUID id, String by) {
		Entry e = entries.get(id);
		if (e == null || e.stage.get() != Stage.STARTED) {
			return false;
		}
		if (e.cancelRequestedBy == null) {
			e.cancelRequestedBy = by;
		}
		return true;
	}

	/** Who asked, on this instance, to cancel the operation that runs here. */
	Optional<String> cancelRequestedBy(UUID id) {
		Entry e = entries.get(id);
		return e == null ? Optional.empty() : Optional.ofNullable(e.cancelRequestedBy);
	}

	/** The operation as it is on this instance, if it runs or waits here. */
	Optional<OperationViews.OperationView> view(UUID id) {
		Entry e = entries.get(id);
		if (e == null) {
			return Optional.empty();
		}
		OperationViews.OperationView v = e.view;
		String by = e.cancelRequestedBy;
		return Optional.of(by == null || v.cancelRequested() || v.state().isTerminal() ? v
				: OperationViewMapper.withCancelRequested(v, by));
	}

	/** The operation ended (its end is in its row) or left this instance. */
	void forget(UUID id) {
		entries.remove(id);
	}

}
