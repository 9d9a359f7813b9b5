package org.xso.web;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code xso.events.*}: how long and how many events are kept for Last-Event-ID resumption, how
 * many SSE clients may follow at once, the stream's timeout and heartbeat, and how long the event
 * log's writer gathers events into one transaction ({@code linger}: an event reaches the log and
 * its followers at most that much later; zero writes each batch as soon as one event is queued).
 */
@ConfigurationProperties("xso.events")
record EventProperties(@DefaultValue("PT1H") Duration retention, @DefaultValue("100000") long maxRows,
		@DefaultValue("64") int maxSubscribers, @DefaultValue("PT30M") Duration streamTimeout,
		@DefaultValue("PT15S") Duration heartbeat, @DefaultValue("10000") int queueCapacity,
		@DefaultValue("PT0.02S") Duration linger) {
}
