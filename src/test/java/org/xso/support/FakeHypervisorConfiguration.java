package org.xso.support;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * Provides the {@link FakeHypervisor} as the context's hypervisor port (with {@code xso.hypervisor=fake})
 * and the {@link TestClock} as its clock.
 */
@TestConfiguration(proxyBeanMethods = false)
public class FakeHypervisorConfiguration {

	@Bean
	FakeHypervisor fakeHypervisor() {
		return new FakeHypervisor();
	}

	@Bean
	@Primary
	TestClock testClock() {
		return new TestClock();
	}

}
