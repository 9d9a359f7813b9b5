package org.xso.bench;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Watches a block workload's completion count from its own thread and remembers when it last
 * changed, so the guest-visible I/O stall of a suspend can be read off: the time from the last
 * completion before the suspend to the first after the resume. The resolution is the polling
 * period (about {@link #PERIOD_NANOS} plus the wake-up delay), which the results state.
 */
final class CompletionSampler implements AutoCloseable {

	static final long PERIOD_NANOS = 20_000;

	private final LongSupplier completed;

	private final Thread thread;

	private volatile boolean running = true;

	private long lastValue = Long.MIN_VALUE;

	private long lastChangeNanos;

	private long armedAbove = Long.MAX_VALUE;

	private long firstAboveNanos;

	CompletionSampler(LongSupplier completed) {
		this.completed = completed;
		this.thread = new Thread(this::loop, "completion-sampler");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	private void loop() {
		while (this.running) {
			long now = System.nanoTime();
			long v = this.completed.getAsLong();
			synchronized (this) {
				if (v >= 0 && v != this.lastValue) {
					this.lastValue = v;
					this.lastChangeNanos = now;
				}
				if (v > this.armedAbove && this.firstAboveNanos == 0) {
					this.firstAboveNanos = now;
				}
			}
			LockSupport.parkNanos(PERIOD_NANOS);
		}
	}

	/**
	 * The count frozen by a suspend ({@code value}, read once no more completions can come) and
	 * the time it was first seen; from now on the first count above it is timed.
	 */
	synchronized long freeze(long value) {
		this.armedAbove = value;
		this.firstAboveNanos = 0;
		return (this.lastValue == value) ? this.lastChangeNanos : System.nanoTime();
	}

	/** When the count first went past the frozen one, waiting up to {@code timeoutNanos}; 0 if never. */
	long firstCompletionAfter(long timeoutNanos) {
		long end = System.nanoTime() + timeoutNanos;
		while (System.nanoTime() < end) {
			synchronized (this) {
				if (this.firstAboveNanos != 0) {
					return this.firstAboveNanos;
				}
			}
			LockSupport.parkNanos(PERIOD_NANOS);
		}
		return 0;
	}

	@Override
	public void close() {
		this.running = false;
		LockSupport.unpark(this.thread);
	}

}
