package org.xso.xen;

/** A guest pseudo-physical frame number; the guest's P2M table maps it to an {@link Mfn}. */
public record Pfn(long value) {

	public Pfn {
		if (value < 0) {
			throw new IllegalArgumentException("pfn must be >= 0: " + value);
		}
	}

	public static Pfn of(long value) {
		return new Pfn(value);
	}

	@Override
	public String toString() {
		return "0x" + Long.toHexString(value);
	}

}
