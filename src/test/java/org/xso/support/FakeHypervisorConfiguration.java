package org.xso.support;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.context.annotation.Scope;
import org.xso.hypervisor.SimulatorControls;

/**
 * Provides the {@link FakeHypervisor} as the context's hypervisor port (with {@code xso.hypervisor=fake}),
 * its simulator controls beside it, and the {@link TestClock} as its clock.
 */
@TestConfiguration(proxyBeanMethods = false)
public class FakeHypervisorConfiguration {

	@Bean
	FakeHypervisor fakeHypervisor() {
		return new FakeHypervisor();
	}

	/**
	 * Made anew whenever the service asks (it asks per request, through an ObjectProvider), so that a
	 * test can take the controls away while the context runs: null, Spring's absent bean, once
	 * {@link FakeHypervisor#withoutSimulator()} was called.
	 */
	@Bean
	@Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
	@Nullable SimulatorControls fakeSimulatorControls(FakeHypervisor fakeHypervisor) {
		return fakeHypervisor.simulatorControls().orElse(null);
	}

	@Bean
	@Primary
	TestClock testClock() {
		return new TestClock();
	}

}
