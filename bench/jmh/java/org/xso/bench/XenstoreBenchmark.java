package org.xso.bench;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.xso.xen.DomId;
import org.xso.xen.store.XsConnection;
import org.xso.xen.store.Xenstore;

/**
 * xenstore latency on a tree shaped like a host's (a guest's device and backend directories):
 * {@code read} and {@code write} of a device node by dom0, and {@code watchFire}, the time from a
 * write to its watch callback running on another thread (the way a backend hears its frontend's
 * state change).
 *
 * <pre>
 * ./mvnw -Pbench test-compile exec:exec -Djmh.args="XenstoreBenchmark -f 1 -wi 2 -i 3"
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class XenstoreBenchmark {

	static final String DEVICE = "/local/domain/1/device/vbd/51712";

	static final String BACKEND = "/local/domain/0/backend/vbd/1/51712";

	private Xenstore store;

	private XsConnection dom0;

	private ExecutorService watcher;

	private final AtomicLong fired = new AtomicLong();

	private long written;

	@Setup
	public void setUp() {
		this.store = new Xenstore();
		this.dom0 = this.store.connect(DomId.DOM0);
		for (int dom = 1; dom <= 16; dom++) {
			for (String key : new String[] { "state", "ring-ref", "event-channel", "backend", "backend-id" }) {
				this.dom0.write("/local/domain/" + dom + "/device/vbd/51712/" + key, "1");
				this.dom0.write("/local/domain/0/backend/vbd/" + dom + "/51712/" + key, "1");
			}
		}
		this.watcher = Executors.newSingleThreadExecutor();
		this.dom0.watch(BACKEND + "/frontend-state", "bench", this.watcher, (event) -> this.fired.incrementAndGet());
		// the registration fires once
		while (this.fired.get() == 0) {
			spin();
		}
		this.written = this.fired.get();
	}

	@TearDown
	public void tearDown() {
		this.watcher.shutdownNow();
	}

	@Benchmark
	public String read() {
		return this.dom0.read(DEVICE + "/state");
	}

	@Benchmark
	public void write() {
		this.dom0.write(DEVICE + "/state", "4");
	}

	@Benchmark
	public long watchFire() {
		long expected = ++this.written;
		this.dom0.write(BACKEND + "/frontend-state", "4");
		long seen;
		while ((seen = this.fired.get()) < expected) {
			spin();
		}
		return seen;
	}

	/** Waits a moment; JMH interrupts an iteration that overruns, and a lost watch event must not spin for ever. */
	private static void spin() {
		if (Thread.interrupted()) {
			throw new IllegalStateException("interrupted waiting for the watch to fire");
		}
		Thread.onSpinWait();
	}

}
