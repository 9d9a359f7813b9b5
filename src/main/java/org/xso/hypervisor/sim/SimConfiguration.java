package org.xso.hypervisor.sim;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;
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
	 * The simulator; {@code xso.sim.snapshot-dir} keeps the disk snapshots of checkpoints on disk so
	 * that a suspended guest can be resumed after a restart, and the running guests' live disks under
	 * {@code live/} so that a guest created again after the service died finds its disk; blank keeps
	 * both in memory. By default each simulated host has its own directory ({@code ./data/disks} for
	 * the default host {@code local}, {@code ./data/hosts/<name>/disks} for another): two instances
	 * started from one directory never share (and so never collect) each other's disks.
	 */
	@Bean(destroyMethod = "close")
	SimHypervisor simHypervisor(@Value("${xso.sim.snapshot-dir:#{null}}") @Nullable String snapshotDir,
			@Value("${xso.host.name:local}") String host) {
		String dir = snapshotDir != null ? snapshotDir
				: "local".equals(host) ? "./data/disks" : "./data/hosts/" + host + "/disks";
		return dir.isBlank() ? new SimHypervisor() : new SimHypervisor(Path.of(dir));
	}

	/** Closed with the simulator it controls. */
	@Bean(destroyMethod = "")
	SimulatorControls simulatorControls(SimHypervisor simHypervisor) {
		return simHypervisor.controls();
	}

}
