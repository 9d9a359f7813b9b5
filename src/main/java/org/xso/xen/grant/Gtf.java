package org.xso.xen.grant;

/**
 * {@code GTF_*} flags of a grant entry, from {@code public/grant_table.h}. Bits 0..1 are the
 * entry's type; the rest are modifiers.
 */
public final class Gtf {

	public static final int GTF_invalid = 0;

	public static final int GTF_permit_access = 1;

	public static final int GTF_accept_transfer = 2;

	public static final int GTF_transitive = 3;

	public static final int GTF_type_mask = 3;

	/** The grantee may map the frame read-only only. Written by the granting guest. */
	public static final int GTF_readonly = 1 << 2;

	/** Set by Xen while the frame is mapped (read or write). */
	public static final int GTF_reading = 1 << 3;

	/** Set by Xen while the frame is mapped writable. */
	public static final int GTF_writing = 1 << 4;

	public static final int GTF_PWT = 1 << 5;

	public static final int GTF_PCD = 1 << 6;

	public static final int GTF_PAT = 1 << 7;

	public static final int GTF_sub_page = 1 << 8;

	private Gtf() {
	}

	/** The type bits of {@code flags}. */
	public static int type(int flags) {
		return flags & GTF_type_mask;
	}

	/** Whether Xen has the entry's frame mapped ({@code GTF_reading} or {@code GTF_writing}). */
	public static boolean inUse(int flags) {
		return (flags & (GTF_reading | GTF_writing)) != 0;
	}

}
