package org.xso.hypervisor;

/**
 * What a block backend offers the frontend in xenstore: {@code feature-persistent},
 * {@code feature-max-indirect-segments} (0 = none), {@code feature-flush-cache},
 * {@code feature-discard}, {@code max-ring-page-order}.
 */
public record BlkbackFeatures(boolean persistent, int maxIndirectSegments, boolean flushCache, boolean discard,
		int maxRingPageOrder) {

	/** What Linux blkback offers by default. */
	public static final BlkbackFeatures LINUX_DEFAULT = new BlkbackFeatures(true, 32, true, true, 4);

	/** A minimal backend: no persistent grants, no indirect descriptors, one ring page. */
	public static final BlkbackFeatures MINIMAL = new BlkbackFeatures(false, 0, true, false, 0);

	public BlkbackFeatures {
		if (maxIndirectSegments < 0 || maxIndirectSegments > 4096) {
			throw new IllegalArgumentException("maxIndirectSegments must be 0..4096: " + maxIndirectSegments);
		}
		if (maxRingPageOrder < 0 || maxRingPageOrder > 4) {
			throw new IllegalArgumentException("maxRingPageOrder must be 0..4: " + maxRingPageOrder);
		}
	}

}
