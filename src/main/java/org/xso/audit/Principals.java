package org.xso.audit;

import java.security.Principal;

import org.jspecify.annotations.Nullable;

/**
 * The names the audit trail records: the caller of an HTTP request, {@link #ANONYMOUS} when the
 * request carried no principal, {@link #SYSTEM} for what the service does by itself (recovery,
 * reconciliation, retention it applies on its own, demo guests, the hypervisor's own events).
 * A recorded name has 1..{@value #MAX_LENGTH} characters and no control character.
 */
public final class Principals {

	/** What the service does by itself, asked by no request. */
	public static final String SYSTEM = "system";

	/** A request without a principal (no authentication in front of the API). */
	public static final String ANONYMOUS = "anonymous";

	/** The longest name recorded (the width of the columns that hold one). */
	public static final int MAX_LENGTH = 256;

	private static final char REPLACEMENT = '\uFFFD';

	private static final char ELLIPSIS = '\u2026';

	private Principals() {
	}

	/**
	 * The name a request's principal is recorded under: {@link #ANONYMOUS} without one (or with an
	 * empty name), otherwise its name with each control character replaced by U+FFFD and, if longer
	 * than {@value #MAX_LENGTH} characters, cut to that with an ellipsis.
	 */
	public static String of(@Nullable Principal principal) {
		return principal == null ? ANONYMOUS : recordable(principal.getName());
	}

	/** As {@link #of(Principal)}, for a name already read. */
	public static String recordable(@Nullable String name) {
		if (name == null || name.isEmpty()) {
			return ANONYMOUS;
		}
		StringBuilder s = new StringBuilder(Math.min(name.length(), MAX_LENGTH));
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			s.append(Character.isISOControl(c) ? REPLACEMENT : c);
		}
		if (s.length() > MAX_LENGTH) {
			int cut = MAX_LENGTH - 1;
			if (Character.isHighSurrogate(s.charAt(cut - 1))) {
				cut--; // never half a surrogate pair
			}
			s.setLength(cut);
			s.append(ELLIPSIS);
		}
		return s.toString();
	}

	/** Whether {@code name} can be recorded as it is: 1..256 characters, no control character. */
	public static boolean valid(String name) {
		return !name.isEmpty() && name.length() <= MAX_LENGTH && name.chars().noneMatch(Character::isISOControl);
	}

	/** {@code name} if {@link #valid}; IllegalArgumentException naming it otherwise. */
	public static String require(String name) {
		if (!valid(name)) {
			throw new IllegalArgumentException(
					"a principal name has 1.." + MAX_LENGTH + " characters and no control character: '" + name + "'");
		}
		return name;
	}

}
