package org.xso.xen.blkif;

/** Response status codes of {@code blkif.h} (the s16 {@code status} of a response). */
public final class BlkifStatus {

	public static final int OKAY = 0;

	public static final int ERROR = -1;

	/**
	 * The operation is not supported (for example a barrier without
	 * {@code feature-barrier}).
	 */
	public static final int EOPNOTSUPP = -2;

	private BlkifStatus() {
	}

	/** The C name of a status, or {@code "status <n>"} for an unknown one. */
	public static String name(int status) {
		return switch (status) {
			case OKAY -> "BLKIF_RSP_OKAY";
			case ERROR -> "BLKIF_RSP_ERROR";
			case EOPNOTSUPP -> "BLKIF_RSP_EOPNOTSUPP";
			default -> "status " + status;
		};
	}

}
