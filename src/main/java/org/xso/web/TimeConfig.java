package org.xso.web;

import java.time.Clock;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The clock every timestamp, lease and deadline is read from (tests may replace it). */
@Configuration(proxyBeanMethods = false)
class TimeConfig {

	@Bean
	@ConditionalOnMissingBean
	Clock clock() {
		// microsecond ticks: what both databases store, so a value read back compares equal
		return Clock.tick(Clock.systemUTC(), java.time.Duration.ofNanos(1_000));
	}

}
