package org.xso.web.operation;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The {@code wait} preference of RFC 7240 (section 4.3) on a request that starts an operation:
 * {@code Prefer: wait=5} asks the service to answer within 5 seconds, with the finished operation
 * if it ends by then. The wait is capped at {@link #MAX}; a {@code Prefer} header without a
 * well-formed {@code wait} (or with other preferences only) is ignored, as the RFC asks of a
 * preference a server does not apply, and the answer is the usual 202 at once. The answer names
 * the wait it honoured in {@code Preference-Applied}.
 */
final class PreferWait {

	static final String PREFER = "Prefer";

	static final String APPLIED = "Preference-Applied";

	/** The longest a request waits for its operation, as a read of an operation may. */
	static final Duration MAX = Duration.ofSeconds(30);

	/** {@code wait} in a list of preferences: the token, '=', delta-seconds (may be quoted), then parameters. */
	private static final Pattern WAIT = Pattern
		.compile("(?:^|,)\\s*wait\\s*=\\s*(\"?)(\\d{1,9})\\1\\s*(?:;[^,]*)?(?=,|$)");

	private PreferWait() {
	}

	/** The wait asked for in {@code prefer}, capped at {@link #MAX}; empty if none (or zero) is asked. */
	static Optional<Duration> of(@Nullable String prefer) {
		if (prefer == null) {
			return Optional.empty();
		}
		Matcher m = WAIT.matcher(prefer.toLowerCase(Locale.ROOT));
		if (!m.find()) {
			return Optional.empty();
		}
		long seconds = Long.parseLong(m.group(2));
		return seconds == 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(Math.min(seconds, MAX.toSeconds())));
	}

}
