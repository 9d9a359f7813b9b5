package org.xso.domain;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code xso.domains.*}: hypervisor timeouts for the synchronous changes, the default number of
 * checkpoints kept per domain, and the lease time-to-live.
 */
@ConfigurationProperties("xso.domains")
public record DomainProperties(@DefaultValue("PT15S") Duration connectTimeout,
		@DefaultValue("PT15S") Duration deviceTimeout, @DefaultValue("PT15S") Duration destroyTimeout,
		@DefaultValue("5") int defaultRetention, @DefaultValue("PT30S") Duration leaseTtl,
		@DefaultValue("PT15S") Duration pauseTimeout) {
}
