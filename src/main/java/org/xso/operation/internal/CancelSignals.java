package org.xso.operation.internal;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.springframework.stereotype.Component;

/**
 * In-memory cancel signals for operations running on this instance, so a cancel wakes a periodic
 * checkpointer between epochs at once; the persisted flag is what other instances and phase
 * boundaries read.
 */
@Component
class CancelSignals {

	private final Map<UUID, CountDownLatch> latches = new ConcurrentHashMap<>();

	void signal(UUID id) {
		latch(id).countDown();
	}

	boolean signalled(UUID id) {
		CountDownLatch l = latches.get(id);
		return l != null && l.getCount() == 0;
	}

	/** Waits up to {@code d}; true if cancelled meanwhile. */
	boolean await(UUID id, Duration d) throws InterruptedException {
		return latch(id).await(d.toMillis(), TimeUnit.MILLISECONDS);
	}

	void clear(UUID id) {
		latches.remove(id);
	}

	private CountDownLatch latch(UUID id) {
		return latches.computeIfAbsent(id, k -> new CountDownLatch(1));
	}

}
