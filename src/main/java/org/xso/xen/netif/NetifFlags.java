package org.xso.xen.netif;

/** Flag bits of tx requests ({@code NETTXF_*}) and rx responses ({@code NETRXF_*}). */
public final class NetifFlags {

	/**
	 * The protocol checksum field is blank; the packet may be checksummed by the backend.
	 */
	public static final int NETTXF_CSUM_BLANK = 0x1;

	/** The packet data has already been validated. */
	public static final int NETTXF_DATA_VALIDATED = 0x2;

	/** The packet continues in the next request. */
	public static final int NETTXF_MORE_DATA = 0x4;

	/** An extra-info slot follows this request. */
	public static final int NETTXF_EXTRA_INFO = 0x8;

	public static final int NETRXF_DATA_VALIDATED = 0x1;

	public static final int NETRXF_CSUM_BLANK = 0x2;

	public static final int NETRXF_MORE_DATA = 0x4;

	public static final int NETRXF_EXTRA_INFO = 0x8;

	/** A GSO prefix slot precedes the packet. */
	public static final int NETRXF_GSO_PREFIX = 0x10;

	private NetifFlags() {
	}

}
