package org.xso.support;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.xso.hypervisor.BlkbackFeatures;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.Hypervisor;
import org.xso.hypervisor.HypervisorContract;
import org.xso.hypervisor.SimulatorControls;
import org.xso.xen.DomId;

/**
 * The port's contract on the test double most flow, API and recovery tests run against: what those
 * tests learn about the service holds only while the fake does what the adapters do. It claims
 * every capability the simulator has, as it stands in for it.
 */
class FakeHypervisorContractTest extends HypervisorContract {

	private final FakeHypervisor fake = new FakeHypervisor();

	@Override
	protected Hypervisor hypervisor() {
		return fake;
	}

	@Override
	protected Set<Capability> capabilities() {
		return EnumSet.complementOf(EnumSet.of(Capability.INCREMENTAL_CAPTURES, Capability.OUTPUT_COMMIT));
	}

	@Override
	protected Optional<SimulatorControls> controls() {
		return fake.simulatorControls();
	}

	@Override
	protected void givenRunningGuest(DomId domid, String name) {
		String mac = String.format("00:16:3e:00:00:%02x", domid.value());
		fake.create(Optional.of(domid),
				new GuestSpec(name, 128, 1,
						List.of(new DeviceSpec.Vbd(51712, DomId.DOM0, 2048, 512, BlkbackFeatures.LINUX_DEFAULT),
								new DeviceSpec.Vif(0, DomId.DOM0, mac))),
				Duration.ofSeconds(10));
	}

}
