package org.xso.web;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;
import org.xso.problem.Precondition;

/**
 * Strong entity tags and If-Match (RFC 9110 section 13.1.1: strong comparison, so a weak tag never
 * matches). A domain's tag versions its persisted state and configuration; a checkpoint's tag is
 * its SHA-256, since it never changes. The tag is the domain's {@link Precondition#tag version tag};
 * this class reads the header into the domain's {@link Precondition}.
 */
public final class ETags {

	private ETags() {
	}

	/** What an {@code If-Match} header asks: nothing if absent or blank, else one of its tags (any, for {@code *}). */
	public static Precondition ifMatch(@Nullable String header) {
		if (header == null || header.isBlank()) {
			return Precondition.NONE;
		}
		return Precondition.anyOf(Arrays.stream(header.split(",")).map(String::trim).toList());
	}

}
