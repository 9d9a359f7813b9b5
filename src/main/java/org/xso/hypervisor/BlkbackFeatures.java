package org.xso.hypervisor;

/**
 * What a block backend offers the frontend in xenstore: {@code feature-persistent},
 * {@code feature-max-indirect-segments} (0 = none), {@code feature-flush-cache},
 * {@code feature-discard}, {@code max-ring-page-order}, {@code multi-queue-max-queues} (1 = the
 * key is not published: one queue, the legacy layout).
 */
public record BlkbackFeatures(boolean persistent, int maxIndirectSegments, boolean flushCache, boolean discard,
		int maxRingPageOrder, int maxQueues) {

	/** The most queues a backend may offer here (Linux xenblk_max_queues defaults to the CPU count). */
	public static final int MAX_QUEUES = 16;

	/** What Linux blkback offers by default (on a host with 4 CPUs). */
	public static final BlkbackFeatures LINUX_DEFAULT = new BlkbackFeatures(true, 32, true, true, 4, 4);

	/** A minimal backend: no persistent grants, no indirect descriptors, one ring page, one queue. */
	public static final BlkbackFeatures MINIMAL = new BlkbackFeatures(false, 0, true, false, 0, 1);

	/** A backend that does not publish {@code multi-queue-max-queues}. */
	public BlkbackFeatures(boolean persistent, int maxIndirectSegments, boolean flushCache, boolean discard,
			int maxRingPageOrder) {
		this(persistent, maxIndirectSegments, flushCache, discard, maxRingPageOrder, 1);
	}

	public BlkbackFeatures {
		if (maxQueues < 1 || maxQueues > MAX_QUEUES) {
			throw new IllegalArgumentException("maxQueues must be 1.." + MAX_QUEUES + ": " + maxQueues);
		}
		if (maxIndirectSegments < 0 || maxIndirectSegments > 4096) {
			throw new IllegalArgumentException("maxIndirectSegments must be 0..4096: " + maxIndirectSegments);
		}
		if (maxRingPageOrder < 0 || maxRingPageOrder > 4) {
			throw new IllegalArgumentException("maxRingPageOrder must be 0..4: " + maxRingPageOrder);
		}
	}

}
