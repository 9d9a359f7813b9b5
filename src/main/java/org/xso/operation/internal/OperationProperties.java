package org.xso.operation.internal;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code xso.operations.*}: worker threads and queue capacity (operations never run on web
 * threads), threads for periodic checkpointing, defaults for deadlines, the timeout of a
 * compensating thaw, how often stale leases are looked for, and how long a stopping instance lets
 * running operations finish (what is still running then is recovered by the next start), and how
 * often the leases of running operations are renewed (well within {@code xso.domains.lease-ttl}),
 * and how often periodic checkpointing stores a full checkpoint (every {@code fullCheckpointEvery}
 * epochs; the ones between hold what changed since the epoch before, where the hypervisor adapter
 * captures incrementally; 1: every epoch full), and how many threads persist the epochs of
 * periodic checkpointing ({@code epochWriters}, sharing one backlog, each with its own transactions).
 */
@ConfigurationProperties("xso.operations")
record OperationProperties(@DefaultValue("4") int workers, @DefaultValue("64") int queueCapacity,
		@DefaultValue("8") int periodicWorkers, @DefaultValue("PT60S") Duration defaultDeadline,
		@DefaultValue("PT5S") Duration defaultQuiesceTimeout, @DefaultValue("PT10S") Duration thawTimeout,
		@DefaultValue("PT5S") Duration recoveryInterval, @DefaultValue("PT20S") Duration shutdownGrace,
		@DefaultValue("PT10S") Duration leaseRenewInterval, @DefaultValue("20") int fullCheckpointEvery,
		@DefaultValue("4") int epochWriters) {

	OperationProperties {
		if (epochWriters < 1) {
			throw new IllegalArgumentException("xso.operations.epoch-writers must be at least 1, not " + epochWriters);
		}
		if (fullCheckpointEvery < 1) {
			throw new IllegalArgumentException(
					"xso.operations.full-checkpoint-every must be at least 1, not " + fullCheckpointEvery);
		}
	}

}
