package org.xso.xen.store;

import java.util.Comparator;

import org.xso.xen.DomId;

/**
 * Path rules of xenstored: validation ({@code is_valid_nodename}), resolution of relative paths
 * against the caller's home {@code /local/domain/<domid>}, and the order children are listed in.
 */
final class XsPaths {

	static final String ROOT = "/";

	static final String INTRODUCE_DOMAIN = "@introduceDomain";

	static final String RELEASE_DOMAIN = "@releaseDomain";

	/**
	 * Natural, numeric-aware order of node names: runs of digits compare by value, so
	 * {@code 2 < 10} and {@code vif2 < vif10}; ties fall back to plain string order so the order is
	 * consistent with equals.
	 */
	static final Comparator<String> NAME_ORDER = XsPaths::compareNames;

	private XsPaths() {
	}

	/** Each domain's home, built once: every relative path and every watch event needs it. */
	private static final java.util.concurrent.atomic.AtomicReferenceArray<String> HOMES = new java.util.concurrent.atomic.AtomicReferenceArray<>(
			DomId.DOMID_FIRST_RESERVED);

	static String home(DomId domid) {
		String home = HOMES.getPlain(domid.value());
		if (home == null) {
			home = "/local/domain/" + domid.value();
			HOMES.setRelease(domid.value(), home);
		}
		return home;
	}

	static boolean isSpecial(String path) {
		return path.startsWith("@");
	}

	/** Validates {@code path} for a node operation and makes it absolute. */
	static String resolve(DomId domid, String path) {
		if (isSpecial(path)) {
			throw invalid(path, "special paths are for watches only");
		}
		return resolveValid(domid, path);
	}

	/** Validates {@code path} for a watch (special {@code @} paths allowed) and resolves it. */
	static String resolveWatch(DomId domid, String path) {
		if (isSpecial(path)) {
			if (!path.equals(INTRODUCE_DOMAIN) && !path.equals(RELEASE_DOMAIN) && !isReleaseOf(path)) {
				throw invalid(path, "unknown special path");
			}
			return path;
		}
		return resolveValid(domid, path);
	}

	private static boolean isReleaseOf(String path) {
		String prefix = RELEASE_DOMAIN + "/";
		if (!path.startsWith(prefix) || path.length() == prefix.length() || path.length() > prefix.length() + 5) {
			return false;
		}
		return path.substring(prefix.length()).chars().allMatch(Character::isDigit);
	}

	private static String resolveValid(DomId domid, String path) {
		boolean relative = !path.startsWith("/");
		int max = relative ? XsWire.XENSTORE_REL_PATH_MAX : XsWire.XENSTORE_ABS_PATH_MAX;
		if (path.isEmpty()) {
			throw invalid(path, "empty path");
		}
		if (path.length() > max) {
			throw invalid(path.substring(0, 64) + "...", "longer than " + max);
		}
		checkSyntax(path);
		String absolute = relative ? home(domid) + "/" + path : path;
		if (absolute.length() > XsWire.XENSTORE_ABS_PATH_MAX) {
			throw invalid(path.substring(0, 64) + "...", "longer than " + XsWire.XENSTORE_ABS_PATH_MAX + " resolved");
		}
		return absolute;
	}

	private static void checkSyntax(String path) {
		char previous = 0;
		for (int i = 0; i < path.length(); i++) {
			char c = path.charAt(i);
			boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
					|| c == '/' || c == '_' || c == '@' || c == '.';
			if (!ok) {
				throw invalid(path, "character '" + c + "' not allowed");
			}
			if (c == '/' && previous == '/') {
				throw invalid(path, "empty path component");
			}
			previous = c;
		}
		if (path.length() > 1 && previous == '/') {
			throw invalid(path, "trailing '/'");
		}
	}

	private static XenstoreException invalid(String path, String why) {
		return new XenstoreException(XenstoreException.EINVAL, path, why);
	}

	/** {@code absolute} as the caller who registered a relative path sees it. */
	static String relativize(DomId domid, String absolute) {
		String home = home(domid);
		boolean below = absolute.length() > home.length() + 1 && absolute.startsWith(home)
				&& absolute.charAt(home.length()) == '/';
		return below ? absolute.substring(home.length() + 1) : absolute;
	}

	static String child(String parent, String name) {
		return parent.equals(ROOT) ? ROOT + name : parent + "/" + name;
	}

	static String parent(String absolute) {
		int slash = absolute.lastIndexOf('/');
		return slash <= 0 ? ROOT : absolute.substring(0, slash);
	}

	/** Whether {@code path} is {@code ancestor} or lies below it. */
	static boolean isAtOrBelow(String path, String ancestor) {
		if (ancestor.equals(ROOT)) {
			return path.startsWith(ROOT);
		}
		return path.equals(ancestor) || (path.startsWith(ancestor) && path.charAt(ancestor.length()) == '/');
	}

	private static int compareNames(String a, String b) {
		int i = 0;
		int j = 0;
		while (i < a.length() && j < b.length()) {
			char ca = a.charAt(i);
			char cb = b.charAt(j);
			if (isDigit(ca) && isDigit(cb)) {
				int endA = digitsEnd(a, i);
				int endB = digitsEnd(b, j);
				int byValue = compareDigits(a, leadingZeros(a, i, endA), endA, b, leadingZeros(b, j, endB), endB);
				if (byValue != 0) {
					return byValue;
				}
				i = endA;
				j = endB;
			}
			else if (ca != cb) {
				return Character.compare(ca, cb);
			}
			else {
				i++;
				j++;
			}
		}
		int byLength = Integer.compare(a.length() - i, b.length() - j);
		return byLength != 0 ? byLength : a.compareTo(b);
	}

	/** Node names are ASCII ({@link #checkSyntax}): only '0' to '9' are digits. */
	private static boolean isDigit(char c) {
		return c >= '0' && c <= '9';
	}

	private static int digitsEnd(String s, int from) {
		int end = from;
		while (end < s.length() && isDigit(s.charAt(end))) {
			end++;
		}
		return end;
	}

	/** Compares the digit runs {@code a[i, endA)} and {@code b[j, endB)} by value (no leading zeros). */
	private static int compareDigits(String a, int i, int endA, String b, int j, int endB) {
		int lengths = Integer.compare(endA - i, endB - j);
		if (lengths != 0) {
			return lengths;
		}
		for (; i < endA; i++, j++) {
			int c = Character.compare(a.charAt(i), b.charAt(j));
			if (c != 0) {
				return c;
			}
		}
		return 0;
	}

	/** Where the run {@code s[from, end)} starts once leading zeros are dropped, keeping one digit. */
	private static int leadingZeros(String s, int from, int end) {
		int i = from;
		while (i < end - 1 && s.charAt(i) == '0') {
			i++;
		}
		return i;
	}

}
