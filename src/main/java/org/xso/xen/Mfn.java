package org.xso.xen;

/** A machine frame number: a host-physical 4 KiB frame. */
public record Mfn(long value) {

	public Mfn {
		if (value < 0) {
			throw new IllegalArgumentException("mfn must be >= 0: " + value);
		}
	}

	public static Mfn of(long value) {
		return new Mfn(value);
	}

	@Override
	public String toString() {
		return "0x" + Long.toHexString(value);
	}

}
