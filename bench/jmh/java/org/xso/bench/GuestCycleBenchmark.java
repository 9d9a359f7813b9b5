package org.xso.bench;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.xso.hypervisor.SavedDomain;
import org.xso.hypervisor.SuspendStrategy;

/**
 * A 1 vbd + 1 vif guest with 32 block requests in flight: {@code suspendResume} is the whole
 * cycle in process (quiesce, save, destroy, resume on new frames with every handshake and the
 * replay); {@code liveCheckpoint} is a cancelled suspend (quiesce, save, thaw in place: under
 * SHADOW_REPLAY the devices are untouched).
 *
 * <pre>
 * ./mvnw -Pbench test-compile exec:exec -Djmh.args="GuestCycleBenchmark -f 1 -wi 2 -i 3"
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 3)
@Measurement(iterations = 5, time = 1)
public class GuestCycleBenchmark {

	@Param({ "SHADOW_REPLAY", "SUSPEND_RESUME" })
	public SuspendStrategy strategy;

	@Param({ "32" })
	public int inFlight;

	@Param({ "50" })
	public int backendLatencyUs;

	private BenchGuest guest;

	@Setup
	public void boot() {
		this.guest = new BenchGuest(true, this.inFlight, Duration.ofNanos(this.backendLatencyUs * 1000L));
	}

	@TearDown
	public void close() {
		this.guest.close();
	}

	@Benchmark
	public BenchGuest.Cycle suspendResume(CycleCounters counters) {
		BenchGuest.Cycle cycle = this.guest.suspendResume(this.strategy);
		counters.add(cycle);
		return cycle;
	}

	@Benchmark
	public SavedDomain liveCheckpoint() {
		return this.guest.liveCheckpoint(this.strategy);
	}

}
