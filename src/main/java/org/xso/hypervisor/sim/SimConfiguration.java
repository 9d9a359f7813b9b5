package org.xso.hypervisor.sim;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.xso.hypervisor.Hypervisor;

/** Selects the simulator when {@code xso.hypervisor=sim} (the default). */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "xso.hypervisor", havingValue = "sim", matchIfMissing = true)
class SimConfiguration {

	@Bean(destroyMethod = "close")
	Hypervisor simHypervisor() {
		return new SimHypervisor();
	}

}
