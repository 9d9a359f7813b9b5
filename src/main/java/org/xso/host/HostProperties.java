package org.xso.host;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code xso.host.*}: the name of the host this instance serves (unique in the fleet; one instance
 * per host), how often it says it is alive, and after how long without a heartbeat it is shown
 * down and its guests' new operations are refused.
 */
@ConfigurationProperties("xso.host")
public record HostProperties(@DefaultValue("local") String name, @DefaultValue("PT2S") Duration heartbeatInterval,
		@DefaultValue("PT10S") Duration downAfter) {

	public HostProperties {
		if (!name.matches("[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?")) {
			throw new IllegalArgumentException("xso.host.name '" + name
					+ "' must be 1 to 63 lower-case letters, digits, '.' or '-', starting and ending with a letter or digit");
		}
		if (downAfter.compareTo(heartbeatInterval.multipliedBy(3)) < 0) {
			throw new IllegalArgumentException("xso.host.down-after (" + downAfter
					+ ") must be at least three heartbeat intervals (" + heartbeatInterval + ")");
		}
	}

}
