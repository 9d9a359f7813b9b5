package org.xso.hypervisor.sim;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.xso.hypervisor.DeviceSpec;
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
	 * <p>
	 * {@code xso.sim.bridges} (comma-separated, default {@code xenbr0}) names the software bridges
	 * every backend domain has; {@code xso.sim.driver-domains} (comma-separated, default none) the
	 * driver domains the host starts beside dom0, which take domain ids down from 32751.
	 */
	@Bean(destroyMethod = "close")
	SimHypervisor simHypervisor(@Value("${xso.sim.snapshot-dir:#{null}}") @Nullable String snapshotDir,
			@Value("${xso.host.name:local}") String host,
			@Value("${xso.sim.bridges:" + DeviceSpec.DEFAULT_BRIDGE + "}") String bridges,
			@Value("${xso.sim.driver-domains:}") String driverDomains) {
		String dir = snapshotDir != null ? snapshotDir
				: "local".equals(host) ? "./data/disks" : "./data/hosts/" + host + "/disks";
		return new SimHypervisor(dir.isBlank() ? null : Path.of(dir),
				new SimBackends(names(bridges), names(driverDomains)));
	}

	/** A comma-separated property's names, without blanks around or between them. */
	private static List<String> names(String property) {
		return Arrays.stream(property.split(",")).map(String::strip).filter(n -> !n.isEmpty()).toList();
	}

	/** Closed with the simulator it controls. */
	@Bean(destroyMethod = "")
	SimulatorControls simulatorControls(SimHypervisor simHypervisor) {
		return simHypervisor.controls();
	}

}
