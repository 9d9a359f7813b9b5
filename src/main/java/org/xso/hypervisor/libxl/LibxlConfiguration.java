package org.xso.hypervisor.libxl;

import java.nio.file.Path;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.xso.hypervisor.Hypervisor;

/**
 * Selects the libxl adapter when {@code xso.hypervisor=libxl}. The shim is loaded and libxl
 * connected while the context starts; when that fails (no shim, no Xen) the service still starts,
 * logs one line saying why, answers every hypervisor call with HYPERVISOR_UNAVAILABLE and reports
 * the hypervisor DOWN with that reason in the health endpoint.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "xso.hypervisor", havingValue = "libxl")
class LibxlConfiguration {

	@Bean(destroyMethod = "close")
	LibxlStartup libxlStartup(@Value("${xso.libxl.library:}") String library,
			@Value("${xso.libxl.state-dir:./data/libxl}") String stateDir,
			@Value("${xso.libxl.suspend-live:false}") boolean live,
			@Value("${xso.libxl.suspend-debug:false}") boolean debug,
			@Value("${xso.libxl.class-net:/sys/class/net}") String classNet) {
		return LibxlStartup.start(new LibxlSettings(Path.of(library.isBlank() ? "libxso_libxl.so" : library),
				Path.of(stateDir), live, debug, Path.of(classNet)));
	}

	/** Closed by {@link LibxlStartup}, which owns it (no inferred close here). */
	@Bean(destroyMethod = "")
	Hypervisor libxlHypervisor(LibxlStartup startup) {
		return startup.hypervisor();
	}

	@Bean
	HealthIndicator hypervisorHealthIndicator(LibxlStartup startup) {
		return startup::health;
	}

}
