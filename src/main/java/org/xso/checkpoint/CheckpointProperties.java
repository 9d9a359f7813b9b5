package org.xso.checkpoint;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code xso.checkpoints.*}: when retention compacts a chain of incremental checkpoints. Retention
 * keeps what a kept checkpoint builds on; once {@code compactionThreshold} or more checkpoints are
 * held for that reason alone, the oldest kept checkpoint of the chain is made a full one (its chain
 * resolved into it) and they are deleted. A domain then holds at most its retention plus
 * {@code compactionThreshold - 1} checkpoints besides its pinned ones. A lower threshold holds
 * less and compacts more often: each compaction reads and verifies the chain and writes about one
 * full checkpoint. The default, the default full-checkpoint interval of periodic checkpointing
 * ({@code xso.operations.full-checkpoint-every}), compacts only chains longer than that.
 */
@ConfigurationProperties("xso.checkpoints")
public record CheckpointProperties(@DefaultValue("20") int compactionThreshold) {

	public CheckpointProperties {
		if (compactionThreshold < 1) {
			throw new IllegalArgumentException(
					"xso.checkpoints.compaction-threshold must be at least 1, not " + compactionThreshold);
		}
	}

}
