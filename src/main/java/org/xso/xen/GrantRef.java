package org.xso.xen;

/**
 * A grant reference ({@code grant_ref_t}, u32): an index into the granting domain's grant table.
 * Refs 0..7 are reserved ({@code GNTTAB_NR_RESERVED_ENTRIES}).
 */
public record GrantRef(int value) {

	public static final int GNTTAB_NR_RESERVED_ENTRIES = 8;

	public static GrantRef of(int value) {
		return new GrantRef(value);
	}

	/** The ref as the unsigned number xenstore carries. */
	public long unsigned() {
		return Integer.toUnsignedLong(value);
	}

	@Override
	public String toString() {
		return Integer.toUnsignedString(value);
	}

}
