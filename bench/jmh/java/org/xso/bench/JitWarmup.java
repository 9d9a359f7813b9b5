package org.xso.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

import org.jspecify.annotations.Nullable;

/**
 * When a warm-up may end: after its minimum, once the JIT compilers of this JVM (the service runs
 * in it) spent less than {@code settledPercent} of one core over the last {@link #WINDOW_NANOS},
 * or at its maximum. On 2 cores the C2 compiler keeps compiling the service's Spring, Hibernate and
 * H2 paths for minutes after startup, 20 to 45 % of a core a minute in; a measurement taken then
 * measures the compiler competing with the requests as much as the requests. The compilers' share
 * during the measurement itself is reported beside the figures ({@link #percentSince}).
 */
final class JitWarmup {

	static final long WINDOW_NANOS = 10_000_000_000L;

	private final @Nullable CompilationMXBean jit = ManagementFactory.getCompilationMXBean();

	private final long minNanos;

	private final long maxNanos;

	private final double settledPercent;

	private final long start = System.nanoTime();

	/** (wall nanos, compilation millis) samples of the last window. */
	private final Deque<long[]> window = new ArrayDeque<>();

	JitWarmup(int minSeconds, int maxSeconds, double settledPercent) {
		this.minNanos = minSeconds * 1_000_000_000L;
		this.maxNanos = Math.max(minSeconds, maxSeconds) * 1_000_000_000L;
		this.settledPercent = settledPercent;
	}

	/** Whether warming up goes on; call it between cycles. */
	boolean goOn() {
		long now = System.nanoTime();
		long elapsed = now - this.start;
		if (elapsed < this.minNanos) {
			sample(now);
			return true;
		}
		if (elapsed >= this.maxNanos || !supported()) {
			return false;
		}
		sample(now);
		long[] first = this.window.peekFirst();
		long[] last = this.window.peekLast();
		if (first == null || last == null || last[0] - first[0] < WINDOW_NANOS) {
			return true;
		}
		return percent(first[1], last[1], last[0] - first[0]) >= this.settledPercent;
	}

	double seconds() {
		return (System.nanoTime() - this.start) / 1e9;
	}

	/** The compilers' time (ms) so far, or -1 where the JVM does not say. */
	long compilationMillis() {
		return supported() ? this.jit.getTotalCompilationTime() : -1;
	}

	/** The compilers' share of one core since {@code millis} was read {@code nanosAgo} ago, or -1. */
	static double percentSince(long millis, long nowMillis, long nanosAgo) {
		return (millis < 0 || nowMillis < 0 || nanosAgo <= 0) ? -1 : Stats.round(percent(millis, nowMillis, nanosAgo));
	}

	private boolean supported() {
		return this.jit != null && this.jit.isCompilationTimeMonitoringSupported();
	}

	private void sample(long now) {
		long millis = compilationMillis();
		if (millis < 0) {
			return;
		}
		this.window.addLast(new long[] { now, millis });
		// the oldest sample kept is the newest one at least a window old
		while (this.window.size() >= 2) {
			Iterator<long[]> it = this.window.iterator();
			it.next();
			if (now - it.next()[0] < WINDOW_NANOS) {
				break;
			}
			this.window.pollFirst();
		}
	}

	private static double percent(long fromMillis, long toMillis, long nanos) {
		return 100.0 * (toMillis - fromMillis) * 1_000_000.0 / nanos;
	}

}
