package org.xso.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.xso.hypervisor.BlkbackFeatures;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.QuiesceReport;
import org.xso.hypervisor.ResumeReport;
import org.xso.hypervisor.SavedDomain;
import org.xso.hypervisor.SimulatorControls;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.hypervisor.WorkloadSpec;
import org.xso.hypervisor.sim.SimHypervisor;
import org.xso.xen.DomId;

/**
 * One simulated guest for the in-process suites: 1 vbd (xvda, 512 MiB) and optionally 1 vif, with
 * a block workload keeping {@code inFlight} requests outstanding against a backend that answers
 * each after {@code backendLatency} (so they are really on the ring when the suspend comes).
 */
final class BenchGuest implements AutoCloseable {

	static final DomId DOM = DomId.of(1);

	static final DeviceId VBD = DeviceId.vbd(51712);

	static final Duration DEADLINE = Duration.ofSeconds(10);

	final SimHypervisor hv;

	final SimulatorControls controls;

	BenchGuest(boolean vif, int inFlight, Duration backendLatency) {
		this(new SimHypervisor(), vif, inFlight, 8, backendLatency);
	}

	/** {@code maxSectors} per request: above 88 (11 pages) a request needs indirect descriptors. */
	BenchGuest(SimHypervisor hv, boolean vif, int inFlight, int maxSectors, Duration backendLatency) {
		this.hv = hv;
		List<DeviceSpec> specs = new ArrayList<>();
		specs.add(new DeviceSpec.Vbd(VBD.devid(), DomId.DOM0, 1 << 20, 512, BlkbackFeatures.LINUX_DEFAULT));
		if (vif) {
			specs.add(new DeviceSpec.Vif(0, DomId.DOM0, "00:16:3e:00:00:01"));
		}
		hv.create(Optional.of(DOM), new GuestSpec("bench", 256, 1, specs), DEADLINE);
		this.controls = hv.controls();
		this.controls.setBackendLatency(DOM, VBD, backendLatency);
		if (inFlight > 0) {
			this.controls.startWorkload(DOM, new WorkloadSpec(true, inFlight, maxSectors, 4096, false, 1));
		}
	}

	/** Quiesce, save, destroy, resume in place: one suspend → resume cycle. */
	Cycle suspendResume(SuspendStrategy strategy) {
		QuiesceReport quiesced = this.hv.quiesce(DOM, strategy, DEADLINE);
		SavedDomain image = this.hv.save(DOM, DEADLINE);
		this.hv.suspend(DOM, DEADLINE);
		ResumeReport resumed = this.hv.resume(image, DOM, DEADLINE, (phase) -> {
		});
		// the image is spent, as when the service's retention drops a checkpoint: its disk snapshot goes
		image.devices().forEach(d -> this.hv.releaseStorage(d.backendInfo()));
		return new Cycle(quiesced, resumed);
	}

	/** Quiesce, save, thaw: a live checkpoint (a cancelled suspend). */
	SavedDomain liveCheckpoint(SuspendStrategy strategy) {
		this.hv.quiesce(DOM, strategy, DEADLINE);
		SavedDomain image = this.hv.save(DOM, DEADLINE);
		this.hv.thaw(DOM, DEADLINE);
		image.devices().forEach(d -> this.hv.releaseStorage(d.backendInfo()));
		return image;
	}

	@Override
	public void close() {
		this.hv.close();
	}

	record Cycle(QuiesceReport quiesced, ResumeReport resumed) {

		long shadowed() {
			return this.quiesced.devices().stream().mapToLong(QuiesceReport.Device::shadowed).sum();
		}

		long drained() {
			return this.quiesced.devices().stream().mapToLong(QuiesceReport.Device::drained).sum();
		}

		long replayed() {
			return this.resumed.devices().stream().mapToLong(ResumeReport.Device::replayed).sum();
		}

		long reissued() {
			return this.resumed.devices().stream().mapToLong(ResumeReport.Device::reissued).sum();
		}

	}

}
