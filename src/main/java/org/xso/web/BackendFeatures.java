package org.xso.web;

import org.xso.hypervisor.BlkbackFeatures;

/** JSON form of what a block backend offers ({@link BlkbackFeatures}). */
public record BackendFeatures(boolean persistent, int maxIndirectSegments, boolean flushCache, boolean discard,
		int maxRingPageOrder) {

	public static BackendFeatures from(BlkbackFeatures f) {
		return new BackendFeatures(f.persistent(), f.maxIndirectSegments(), f.flushCache(), f.discard(),
				f.maxRingPageOrder());
	}

	BlkbackFeatures toPort() {
		return new BlkbackFeatures(persistent, maxIndirectSegments, flushCache, discard, maxRingPageOrder);
	}

}
