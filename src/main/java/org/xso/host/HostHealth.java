package org.xso.host;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The {@code host} component of {@code /actuator/health} (its details for an authenticated
 * caller): the host this instance is configured to serve and whether it serves it. A fenced
 * instance (another registered its host) stays UP: it still answers every request and hands its
 * host's operations to the instance serving it; the details say which.
 */
@Component("host")
class HostHealth implements HealthIndicator {

	private final HostRegistry registry;

	private final InstanceId instance;

	HostHealth(HostRegistry registry, InstanceId instance) {
		this.registry = registry;
		this.instance = instance;
	}

	@Override
	public Health health() {
		Health.Builder health = Health.up()
			.withDetail("name", registry.localName())
			.withDetail("instance", instance.value())
			.withDetail("serving", registry.serving());
		try {
			registry.find(registry.localName()).ifPresent(h -> health.withDetail("servedBy", h.instanceId())
				.withDetail("state", h.state().name()));
		}
		catch (RuntimeException e) {
			health.withDetail("registry", "not readable: " + e.getClass().getSimpleName());
		}
		return health.build();
	}

}
