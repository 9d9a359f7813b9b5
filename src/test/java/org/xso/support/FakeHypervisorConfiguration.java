package org.xso.support;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/** Provides the {@link FakeHypervisor} as the context's hypervisor port (with {@code xso.hypervisor=fake}). */
@TestConfiguration(proxyBeanMethods = false)
public class FakeHypervisorConfiguration {

	@Bean
	FakeHypervisor fakeHypervisor() {
		return new FakeHypervisor();
	}

}
