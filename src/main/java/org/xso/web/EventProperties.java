package org.xso.web;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code xso.events.*}: how long and how many events are kept for Last-Event-ID resumption, how
 * many SSE clients may follow at once, and the stream's timeout and heartbeat.
 */
@ConfigurationProperties("xso.events")
record EventProperties(@DefaultValue("PT1H") Duration retention, @DefaultValue("100000") long maxRows,
		@DefaultValue("64") int maxSubscribers, @DefaultValue("PT30M") Duration streamTimeout,
		@DefaultValue("PT15S") Duration heartbeat, @DefaultValue("10000") int queueCapacity) {
}
