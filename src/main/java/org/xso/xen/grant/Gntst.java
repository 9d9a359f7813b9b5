package org.xso.xen.grant;

/** {@code GNTST_*} status codes of grant-table operations, from {@code public/grant_table.h}. */
public final class Gntst {

	public static final int GNTST_okay = 0;

	public static final int GNTST_general_error = -1;

	public static final int GNTST_bad_domain = -2;

	public static final int GNTST_bad_gntref = -3;

	public static final int GNTST_bad_handle = -4;

	public static final int GNTST_bad_virt_addr = -5;

	public static final int GNTST_bad_dev_addr = -6;

	public static final int GNTST_no_device_space = -7;

	public static final int GNTST_permission_denied = -8;

	public static final int GNTST_bad_page = -9;

	public static final int GNTST_bad_copy_arg = -10;

	public static final int GNTST_address_too_big = -11;

	public static final int GNTST_eagain = -12;

	/** Indexed by {@code -status}, as {@code GNTTABOP_error_msgs} is. */
	private static final String[] NAMES = { "GNTST_okay", "GNTST_general_error", "GNTST_bad_domain",
			"GNTST_bad_gntref", "GNTST_bad_handle", "GNTST_bad_virt_addr", "GNTST_bad_dev_addr",
			"GNTST_no_device_space", "GNTST_permission_denied", "GNTST_bad_page", "GNTST_bad_copy_arg",
			"GNTST_address_too_big", "GNTST_eagain" };

	private Gntst() {
	}

	/** The constant's name, e.g. {@code "GNTST_bad_gntref"} for -3; unknown codes are named too. */
	public static String name(int status) {
		if (status <= 0 && -status < NAMES.length) {
			return NAMES[-status];
		}
		return "GNTST_unknown(" + status + ")";
	}

}
