package org.xso.operation.internal;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code xso.operations.pruning.*}: how long an ended operation (with its phases, device outcomes
 * and epochs) stays readable after it finished, how often ended operations older than that are
 * deleted, and how many one transaction deletes. An idempotency key is remembered as long as its
 * operation: a retry after the retention starts a new operation. On a PostgreSQL server whose
 * autovacuum is off, each round also vacuums the tables the service deletes from
 * ({@code vacuum-without-autovacuum}), or their space is never reused.
 */
@ConfigurationProperties("xso.operations.pruning")
record OperationPruningProperties(@DefaultValue("P7D") Duration retention, @DefaultValue("PT1M") Duration interval,
		@DefaultValue("500") int batchSize, @DefaultValue("true") boolean vacuumWithoutAutovacuum) {

	OperationPruningProperties {
		if (retention.isNegative() || retention.isZero()) {
			throw new IllegalArgumentException("xso.operations.pruning.retention must be positive, not " + retention);
		}
		if (batchSize < 1) {
			throw new IllegalArgumentException("xso.operations.pruning.batch-size must be at least 1, not " + batchSize);
		}
	}

}
