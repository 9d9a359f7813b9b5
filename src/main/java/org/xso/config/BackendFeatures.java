package org.xso.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.xso.hypervisor.BlkbackFeatures;
import org.xso.problem.ProblemException;
import org.xso.problem.Violation;

/** JSON form of what a block backend offers ({@link BlkbackFeatures}); every member is required. */
public record BackendFeatures(@JsonProperty(required = true) boolean persistent,
		@JsonProperty(required = true) int maxIndirectSegments, @JsonProperty(required = true) boolean flushCache,
		@JsonProperty(required = true) boolean discard, @JsonProperty(required = true) int maxRingPageOrder) {

	/** 400 VALIDATION_FAILED naming the member under {@code pointer} that is out of the contract's range. */
	public void validate(String pointer) {
		if (maxIndirectSegments < 0 || maxIndirectSegments > 4096) {
			throw ProblemException.invalid(Violation.of(pointer + "/maxIndirectSegments",
					"must be 0..4096: " + maxIndirectSegments));
		}
		if (maxRingPageOrder < 0 || maxRingPageOrder > 4) {
			throw ProblemException
				.invalid(Violation.of(pointer + "/maxRingPageOrder", "must be 0..4: " + maxRingPageOrder));
		}
	}

	public static BackendFeatures from(BlkbackFeatures f) {
		return new BackendFeatures(f.persistent(), f.maxIndirectSegments(), f.flushCache(), f.discard(),
				f.maxRingPageOrder());
	}

	public BlkbackFeatures toPort() {
		return new BlkbackFeatures(persistent, maxIndirectSegments, flushCache, discard, maxRingPageOrder);
	}

}
