package org.xso.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;

/**
 * When a warm-up may end: after its minimum, once the JIT compilers of this JVM (the service runs
 * in it) spent less than {@code settledPercent} of one core over the last {@link #WINDOW_NANOS}
 * ({@link #settled()}), or at its maximum. On 2 cores the C2 compiler keeps compiling the service's
 * Spring, Hibernate and H2 paths for minutes after startup, 20 to 45 % of a core a minute in; a
 * measurement taken then measures the compiler competing with the requests as much as the
 * requests. The compilers' share during the measurement itself is reported beside the figures
 * ({@link #percentSince}).
 */
final class JitWarmup {

	static final long WINDOW_NANOS = 10_000_000_000L;

	private final LongSupplier nanoTime;

	/** The compilers' total time in ms, or -1 where the JVM does not say. */
	private final LongSupplier compilationMillis;

	private final long minNanos;

	private final long maxNanos;

	private final double settledPercent;

	private final long start;

	/** (wall nanos, compilation millis) samples: the oldest is the newest one at least a window old. */
	private final Deque<long[]> window = new ArrayDeque<>();

	private boolean settled;

	JitWarmup(int minSeconds, int maxSeconds, double settledPercent) {
		this(minSeconds, maxSeconds, settledPercent, System::nanoTime, JitWarmup::jvmCompilationMillis);
	}

	JitWarmup(int minSeconds, int maxSeconds, double settledPercent, LongSupplier nanoTime,
			LongSupplier compilationMillis) {
		this.nanoTime = nanoTime;
		this.compilationMillis = compilationMillis;
		this.minNanos = minSeconds * 1_000_000_000L;
		this.maxNanos = Math.max(minSeconds, maxSeconds) * 1_000_000_000L;
		this.settledPercent = settledPercent;
		this.start = nanoTime.getAsLong();
	}

	/** Whether warming up goes on; call it between cycles. */
	boolean goOn() {
		long now = this.nanoTime.getAsLong();
		long millis = compilationMillis();
		long elapsed = now - this.start;
		if (millis >= 0) {
			this.window.addLast(new long[] { now, millis });
			while (this.window.size() >= 2 && now - secondOldest()[0] >= WINDOW_NANOS) {
				this.window.pollFirst();
			}
		}
		if (elapsed < this.minNanos) {
			return true;
		}
		if (elapsed >= this.maxNanos || millis < 0) {
			return false;
		}
		long[] first = this.window.getFirst();
		if (now - first[0] < WINDOW_NANOS) {
			return true;
		}
		this.settled = percent(first[1], millis, now - first[0]) < this.settledPercent;
		return !this.settled;
	}

	/** Whether the warm-up ended because the JIT had settled (not at its maximum). */
	boolean settled() {
		return this.settled;
	}

	double seconds() {
		return (this.nanoTime.getAsLong() - this.start) / 1e9;
	}

	/** The compilers' time (ms) so far, or -1 where the JVM does not say. */
	long compilationMillis() {
		return this.compilationMillis.getAsLong();
	}

	/** The compilers' share of one core since {@code millis} was read {@code nanosAgo} ago, or -1. */
	static double percentSince(long millis, long nowMillis, long nanosAgo) {
		return (millis < 0 || nowMillis < 0 || nanosAgo <= 0) ? -1 : Stats.round(percent(millis, nowMillis, nanosAgo));
	}

	private long[] secondOldest() {
		return this.window.stream().skip(1).findFirst().orElseThrow();
	}

	private static long jvmCompilationMillis() {
		CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
		return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
	}

	private static double percent(long fromMillis, long toMillis, long nanos) {
		return 100.0 * (toMillis - fromMillis) * 1_000_000.0 / nanos;
	}

}
