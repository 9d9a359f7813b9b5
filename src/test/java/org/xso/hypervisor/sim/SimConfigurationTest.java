package org.xso.hypervisor.sim;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.xso.hypervisor.BackendDomain;
import org.xso.xen.DomId;

import static org.assertj.core.api.Assertions.assertThat;

/** The simulator's backend domains and bridges, as its properties name them. */
class SimConfigurationTest {

	@Test
	void withoutPropertiesTheHostHasDom0AndXenbr0() {
		try (SimHypervisor hv = new SimConfiguration().simHypervisor("", "local", "xenbr0", "")) {
			assertThat(hv.backendDomains()).containsExactly(BackendDomain.dom0(List.of("xenbr0")));
		}
	}

	@Test
	void driverDomainsTakeIdsDownFromTheLastGuestIdAndHaveEveryBridge() {
		try (SimHypervisor hv = new SimConfiguration().simHypervisor("", "local", " xenbr0, xenbr1 ,", "net, blk")) {
			List<String> bridges = List.of("xenbr0", "xenbr1");
			assertThat(hv.backendDomains()).containsExactly(BackendDomain.dom0(bridges),
					new BackendDomain(DomId.of(32751), "net", bridges), new BackendDomain(DomId.of(32750), "blk", bridges));
		}
	}

}
