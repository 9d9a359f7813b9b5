package org.xso.hypervisor.sim;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.xso.hypervisor.BlkbackFeatures;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.Hypervisor;
import org.xso.hypervisor.HypervisorContract;
import org.xso.hypervisor.SimulatorControls;
import org.xso.xen.DomId;

/** The port's contract on the simulator, which has every capability. */
class SimHypervisorContractTest extends HypervisorContract {

	private SimHypervisor hv;

	/** The simulator under test: disks and snapshots in memory. */
	SimHypervisor open() {
		return new SimHypervisor();
	}

	@BeforeEach
	void start() {
		hv = open();
	}

	@AfterEach
	void close() {
		hv.close();
	}

	@Override
	protected Hypervisor hypervisor() {
		return hv;
	}

	@Override
	protected Set<Capability> capabilities() {
		return EnumSet.allOf(Capability.class);
	}

	@Override
	protected Optional<SimulatorControls> controls() {
		return Optional.of(hv.controls());
	}

	@Override
	protected void givenRunningGuest(DomId domid, String name) {
		hv.create(Optional.of(domid),
				new GuestSpec(name, 128, 1,
						List.of(new DeviceSpec.Vbd(51712, DomId.DOM0, 2048, 512, BlkbackFeatures.LINUX_DEFAULT),
								new DeviceSpec.Vif(0, DomId.DOM0, "00:16:3e:00:00:" + String.format("%02x", domid.value())))),
				Duration.ofSeconds(10));
	}

}
