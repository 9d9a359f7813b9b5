package org.xso.text;

import org.jspecify.annotations.Nullable;

/**
 * Renders text that did not come from the service itself for a log line or a problem detail, so
 * that it can neither start a line of its own nor change how the rest is displayed: every control
 * character (Unicode category Cc: NUL, CR, LF, ESC...), every format character (Cf: the
 * right-to-left override U+202E, the zero-width space U+200B, the byte order mark U+FEFF...), the
 * line and paragraph separators U+2028/U+2029 and any unpaired surrogate is written as an escape
 * ({@code \n}, {@code \r}, {@code \t}, else {@code \}{@code uXXXX}). A stored row may hold such text
 * from before the API refused it, so whatever logs a name or a message quotes or escapes it here.
 */
public final class SafeText {

	/** The most characters of one quoted value a log line shows; the rest is counted, not shown. */
	public static final int MAX_LENGTH = 256;

	private SafeText() {
	}

	/**
	 * {@code value} in double quotes, with {@code \} and {@code "} escaped as well, so that where it
	 * begins and ends is never in doubt, and at most {@link #MAX_LENGTH} characters of it: for a
	 * name or other free text inside a log line.
	 */
	public static String quote(@Nullable CharSequence value) {
		if (value == null) {
			return "null";
		}
		int shown = Math.min(value.length(), MAX_LENGTH);
		if (shown < value.length() && Character.isHighSurrogate(value.charAt(shown - 1))) {
			shown--; // never cut a pair in two
		}
		StringBuilder out = new StringBuilder(shown + 16).append('"');
		append(out, value, shown, true);
		out.append('"');
		if (shown < value.length()) {
			out.append("...(").append(value.length() - shown).append(" more)");
		}
		return out.toString();
	}

	/**
	 * {@code value} with its control and format characters escaped, nothing else changed: for a
	 * whole message (an exception's, another program's) in a log line or a problem detail.
	 */
	public static @Nullable String escape(@Nullable CharSequence value) {
		if (value == null) {
			return null;
		}
		if (!hasControlOrFormat(value)) {
			return value.toString();
		}
		StringBuilder out = new StringBuilder(value.length() + 16);
		append(out, value, value.length(), false);
		return out.toString();
	}

	/**
	 * {@code failure} and each of its causes ({@code toString()}, so type and message), joined by
	 * {@code "; caused by "} and {@link #escape escaped}: a failure on one log line, without its stack.
	 */
	public static String causes(Throwable failure) {
		StringBuilder out = new StringBuilder();
		int depth = 0;
		for (Throwable t = failure; t != null && depth < 8; t = t.getCause() == t ? null : t.getCause(), depth++) {
			out.append(depth == 0 ? "" : "; caused by ").append(t);
		}
		return escape(out);
	}

	/** Whether {@code value} holds a character that {@link #escape} would rewrite. */
	public static boolean hasControlOrFormat(CharSequence value) {
		for (int i = 0; i < value.length(); i++) {
			if (unsafe(value, i)) {
				return true;
			}
		}
		return false;
	}

	private static void append(StringBuilder out, CharSequence value, int shown, boolean quoted) {
		for (int i = 0; i < shown; i++) {
			char c = value.charAt(i);
			if (quoted && (c == '\\' || c == '"')) {
				out.append('\\').append(c);
			}
			else if (unsafe(value, i)) {
				appendEscape(out, c);
				if (Character.isHighSurrogate(c) && i + 1 < shown && Character.isLowSurrogate(value.charAt(i + 1))) {
					appendEscape(out, value.charAt(++i)); // a format character outside the BMP: both halves
				}
			}
			else {
				out.append(c);
			}
		}
	}

	private static void appendEscape(StringBuilder out, char c) {
		switch (c) {
			case '\n' -> out.append("\\n");
			case '\r' -> out.append("\\r");
			case '\t' -> out.append("\\t");
			default -> out.append(String.format("\\u%04x", (int) c));
		}
	}

	/**
	 * Whether the character at {@code i} must be escaped; a surrogate pair is judged by its code
	 * point at its high half, and its low half then only by whether the pair is.
	 */
	private static boolean unsafe(CharSequence value, int i) {
		char c = value.charAt(i);
		if (c >= ' ' && c < 0x7f) {
			return false; // printable ASCII, the common case
		}
		if (Character.isHighSurrogate(c)) {
			return i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))
					|| unsafeType(Character.getType(Character.toCodePoint(c, value.charAt(i + 1))));
		}
		if (Character.isLowSurrogate(c)) {
			return i == 0 || !Character.isHighSurrogate(value.charAt(i - 1)) || unsafe(value, i - 1);
		}
		return unsafeType(Character.getType(c));
	}

	private static boolean unsafeType(int type) {
		return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
				|| type == Character.PARAGRAPH_SEPARATOR;
	}

}
