package org.xso.xen.store;

/**
 * The components of an absolute path as offsets into it: a walk down the tree compares names in
 * place, and a component becomes a string only where a new node needs its name.
 */
final class Segments {

	private static final int[] NONE = {};

	final String path;

	/** {@code ends[i]} is the offset just past component {@code i}. */
	private final int[] ends;

	private Segments(String path, int[] ends) {
		this.path = path;
		this.ends = ends;
	}

	/** The components of a valid absolute path; none for the root. */
	static Segments of(String absolute) {
		if (absolute.length() <= 1) {
			return new Segments(absolute, NONE);
		}
		int count = 0;
		for (int i = 0; i < absolute.length(); i++) {
			if (absolute.charAt(i) == '/') {
				count++;
			}
		}
		int[] ends = new int[count];
		int at = 0;
		for (int i = 1; i < absolute.length(); i++) {
			if (absolute.charAt(i) == '/') {
				ends[at++] = i;
			}
		}
		ends[at] = absolute.length();
		return new Segments(absolute, ends);
	}

	int size() {
		return ends.length;
	}

	int start(int i) {
		return i == 0 ? 1 : ends[i - 1] + 1;
	}

	int end(int i) {
		return ends[i];
	}

	/** Component {@code i} as a string. */
	String name(int i) {
		return path.substring(start(i), end(i));
	}

	/** The path of the first {@code count} components. */
	String prefix(int count) {
		return count == 0 ? XsPaths.ROOT : path.substring(0, ends[count - 1]);
	}

	/** Node {@code count} components below {@code node}, or null. */
	static Node descend(Node node, Segments s, int count) {
		Node at = node;
		for (int i = 0; i < count && at != null; i++) {
			at = at.child(s.path, s.start(i), s.end(i));
		}
		return at;
	}

}
