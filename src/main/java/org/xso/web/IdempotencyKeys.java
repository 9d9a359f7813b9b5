package org.xso.web;

import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The {@code Idempotency-Key} header of a POST that starts an operation: 1..128 characters of
 * {@code [A-Za-z0-9._:-]}. A repeat with the same key (for the same domain and kind) returns the
 * operation the first request started; a repeat with a different body is 422.
 */
public final class IdempotencyKeys {

	public static final String HEADER = "Idempotency-Key";

	private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

	private IdempotencyKeys() {
	}

	public static @Nullable String validate(@Nullable String key) {
		if (key == null) {
			return null;
		}
		if (!VALID.matcher(key).matches()) {
			throw ApiProblemException
				.invalid(InvalidParam.header(HEADER, "must be 1..128 characters of [A-Za-z0-9._:-]"));
		}
		return key;
	}

}
