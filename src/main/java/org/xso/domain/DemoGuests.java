package org.xso.domain;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.xso.audit.Principals;
import org.xso.config.BackendFeatures;
import org.xso.config.DeviceConfig;
import org.xso.host.HostRegistry;
import org.xso.hypervisor.BlkbackFeatures;
import org.xso.hypervisor.DeviceType;
import org.xso.problem.ProblemException;
import org.xso.text.SafeText;

/**
 * With {@code xso.demo.enabled=true}: guests 1 and 2 (one vbd 51712 = xvda and one vif 0 each)
 * exist (created on this instance's host if the fleet has neither) and, with the simulator, run
 * their default workloads on the host that has them. The service creates them itself:
 * their events name {@code system}.
 */
@Component
public class DemoGuests {

	private static final Logger log = LoggerFactory.getLogger(DemoGuests.class);

	private final boolean enabled;

	private final DomainService domains;

	private final SimulatorService simulator;

	private final HostRegistry hosts;

	DemoGuests(@Value("${xso.demo.enabled:false}") boolean enabled, DomainService domains,
			SimulatorService simulator, HostRegistry hosts) {
		this.hosts = hosts;
		this.enabled = enabled;
		this.domains = domains;
		this.simulator = simulator;
	}

	public void seed() {
		if (!enabled) {
			return;
		}
		for (int domid : List.of(1, 2)) {
			try {
				if (!domains.exists(domid)) {
					domains.create(spec(domid), Principals.SYSTEM);
					log.info("Created demo guest {}", domid);
				}
				DomainViews.DomainRecord d = domains.record(domid);
				if (simulator.available() && d.state() == DomainState.RUNNING && hosts.servesHere(d.host())) {
					simulator.startDefaultWorkload(domid);
				}
			}
			catch (ProblemException e) {
				log.warn("Demo guest {}: {} {}", domid, e.code(), SafeText.escape(e.getMessage()));
			}
		}
	}

	static DomainRequests.CreateDomain spec(int domid) {
		DeviceConfig vbd = new DeviceConfig(DeviceType.vbd, 51712, 0, 65_536L, 512,
				BackendFeatures.from(BlkbackFeatures.LINUX_DEFAULT), null);
		DeviceConfig vif = new DeviceConfig(DeviceType.vif, 0, 0, null, null, null,
				String.format("00:16:3e:00:00:%02x", domid));
		return new DomainRequests.CreateDomain(domid, "demo-" + domid, 256, 1, List.of(vbd, vif));
	}

}
