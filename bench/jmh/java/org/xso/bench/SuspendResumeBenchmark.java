package org.xso.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
import org.xso.hypervisor.BlkbackFeatures;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.ResumeReport;
import org.xso.hypervisor.SavedDomain;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.hypervisor.sim.SimHypervisor;
import org.xso.xen.DomId;

/**
 * One guest suspend → resume cycle through the simulator adapter: quiesce by the strategy, save
 * every device and the guest's pages, destroy the domain, and bring it back on new frames with
 * fresh grants, event channels and the xenbus handshake of every device. No workload runs and the
 * block backend answers at once, so this is the protocol's own cost.
 *
 * <pre>
 * ./mvnw -Pbench test-compile exec:exec -Djmh.args="SuspendResumeBenchmark -f 1"
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 3)
@Measurement(iterations = 5, time = 2)
public class SuspendResumeBenchmark {

	private static final DomId DOM = DomId.of(1);

	private static final Duration DEADLINE = Duration.ofSeconds(5);

	@Param({ "SHADOW_REPLAY", "SUSPEND_RESUME" })
	public SuspendStrategy strategy;

	@Param({ "vbd", "vbd+vif" })
	public String devices;

	private SimHypervisor hv;

	@Setup
	public void boot() {
		hv = new SimHypervisor();
		List<DeviceSpec> specs = new ArrayList<>();
		specs.add(new DeviceSpec.Vbd(51712, DomId.DOM0, 1 << 20, 512, BlkbackFeatures.LINUX_DEFAULT));
		if (devices.contains("vif")) {
			specs.add(new DeviceSpec.Vif(0, DomId.DOM0, "00:16:3e:00:00:01"));
		}
		hv.create(Optional.of(DOM), new GuestSpec("bench", 256, 1, specs), DEADLINE);
		hv.controls().setBackendLatency(DOM, DeviceId.vbd(51712), Duration.ZERO);
	}

	@TearDown
	public void close() {
		hv.close();
	}

	@Benchmark
	public ResumeReport suspendResume() {
		hv.quiesce(DOM, strategy, DEADLINE);
		SavedDomain image = hv.save(DOM, DEADLINE);
		hv.suspend(DOM, DEADLINE);
		ResumeReport report = hv.resume(image, DOM, DEADLINE, phase -> {
		});
		// the image is spent, as when the service's retention drops a checkpoint: its disk snapshot goes
		image.devices().forEach(d -> hv.releaseStorage(d.backendInfo()));
		return report;
	}

}
