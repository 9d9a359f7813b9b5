package org.xso.web;

import org.jspecify.annotations.Nullable;

/**
 * Strong entity tags and If-Match evaluation (RFC 9110 section 13.1.1: strong comparison, so a weak
 * tag never matches). A domain's tag versions its persisted state and configuration; a
 * checkpoint's tag is its SHA-256, since it never changes.
 */
public final class ETags {

	private ETags() {
	}

	public static String of(Object version) {
		return "\"" + version + "\"";
	}

	/**
	 * Fails with 412 PRECONDITION_FAILED (carrying the current tag) unless {@code ifMatch} is absent,
	 * {@code *}, or lists {@code current}.
	 */
	public static void checkIfMatch(@Nullable String ifMatch, String current) {
		if (ifMatch == null || ifMatch.isBlank() || matches(ifMatch, current)) {
			return;
		}
		throw new ProblemException(ProblemCode.PRECONDITION_FAILED,
				"If-Match " + ifMatch.trim() + " does not match the current entity tag " + current)
			.withEtag(current);
	}

	static boolean matches(String ifMatch, String current) {
		for (String candidate : ifMatch.split(",")) {
			String tag = candidate.trim();
			if (tag.equals("*") || tag.equals(current)) {
				return true;
			}
		}
		return false;
	}

}
