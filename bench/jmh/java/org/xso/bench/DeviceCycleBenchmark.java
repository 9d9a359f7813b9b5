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
import org.xso.hypervisor.SuspendStrategy;

/**
 * One device (a vbd) through a suspend → resume cycle per strategy, with 0, 8 or 32 requests in
 * flight: a block workload keeps that many outstanding against a backend answering each after
 * {@code backendLatencyUs}, so SUSPEND_RESUME drains them and SHADOW_REPLAY shadows and replays
 * them. The auxiliary counters say how many each cycle actually drained, shadowed and replayed.
 *
 * <pre>
 * ./mvnw -Pbench test-compile exec:exec -Djmh.args="DeviceCycleBenchmark -f 1 -wi 2 -i 3"
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 3)
@Measurement(iterations = 5, time = 1)
public class DeviceCycleBenchmark {

	@Param({ "SHADOW_REPLAY", "SUSPEND_RESUME" })
	public SuspendStrategy strategy;

	@Param({ "0", "8", "32" })
	public int inFlight;

	@Param({ "50" })
	public int backendLatencyUs;

	private BenchGuest guest;

	@Setup
	public void boot() {
		this.guest = new BenchGuest(false, this.inFlight, Duration.ofNanos(this.backendLatencyUs * 1000L));
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

}
