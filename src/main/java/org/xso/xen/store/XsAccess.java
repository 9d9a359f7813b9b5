package org.xso.xen.store;

/**
 * The access a permission entry grants, with the letter xenstore uses on the wire and in
 * {@code xenstore-ls -p}: {@code n}one, {@code r}ead, {@code w}rite, {@code b}oth.
 */
public enum XsAccess {

	NONE('n'), READ('r'), WRITE('w'), BOTH('b');

	private final char letter;

	XsAccess(char letter) {
		this.letter = letter;
	}

	public char letter() {
		return letter;
	}

	public boolean canRead() {
		return this == READ || this == BOTH;
	}

	public boolean canWrite() {
		return this == WRITE || this == BOTH;
	}

	/** This access plus {@code other}'s: READ with WRITE is BOTH. */
	public XsAccess plus(XsAccess other) {
		boolean read = canRead() || other.canRead();
		boolean write = canWrite() || other.canWrite();
		return read ? (write ? BOTH : READ) : (write ? WRITE : NONE);
	}

	public static XsAccess of(char letter) {
		for (XsAccess a : values()) {
			if (a.letter == letter) {
				return a;
			}
		}
		throw new IllegalArgumentException("access must be one of n, r, w, b: " + letter);
	}

}
