package org.xso.hypervisor.sim;

import java.nio.file.Path;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.xso.hypervisor.SimulatorControls;

/**
 * Selects the simulator when {@code xso.hypervisor=sim} (the default): the hypervisor port and,
 * beside it, the {@link SimulatorControls} only a simulated host has. Spring builds them once, on
 * the thread that starts the context.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "xso.hypervisor", havingValue = "sim", matchIfMissing = true)
class SimConfiguration {

	/**
	 * The simulator; {@code xso.sim.snapshot-dir} (default {@code ./data/disks}) keeps the disk
	 * snapshots of checkpoints on disk so that a suspended guest can be resumed after a restart, and
	 * the running guests' live disks under {@code live/} so that a guest created again after the
	 * service died finds its disk; blank keeps both in memory.
	 */
	@Bean(destroyMethod = "close")
	SimHypervisor simHypervisor(@Value("${xso.sim.snapshot-dir:./data/disks}") String snapshotDir) {
		return snapshotDir.isBlank() ? new SimHypervisor() : new SimHypervisor(Path.of(snapshotDir));
	}

	/** Closed with the simulator it controls. */
	@Bean(destroyMethod = "")
	SimulatorControls simulatorControls(SimHypervisor simHypervisor) {
		return simHypervisor.controls();
	}

}
