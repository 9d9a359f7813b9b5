package org.xso.xen.store;

import java.util.List;

/**
 * Constants of {@code xen/include/public/io/xs_wire.h}: message types, error names and limits of
 * the xenstore protocol. The {@code xsd_sockmsg} header itself is {@link XsdSockmsg}.
 */
public final class XsWire {

	public static final int XS_CONTROL = 0;

	public static final int XS_DIRECTORY = 1;

	public static final int XS_READ = 2;

	public static final int XS_GET_PERMS = 3;

	public static final int XS_WATCH = 4;

	public static final int XS_UNWATCH = 5;

	public static final int XS_TRANSACTION_START = 6;

	public static final int XS_TRANSACTION_END = 7;

	public static final int XS_INTRODUCE = 8;

	public static final int XS_RELEASE = 9;

	public static final int XS_GET_DOMAIN_PATH = 10;

	public static final int XS_WRITE = 11;

	public static final int XS_MKDIR = 12;

	public static final int XS_RM = 13;

	public static final int XS_SET_PERMS = 14;

	public static final int XS_WATCH_EVENT = 15;

	public static final int XS_ERROR = 16;

	public static final int XS_IS_DOMAIN_INTRODUCED = 17;

	public static final int XS_RESUME = 18;

	public static final int XS_SET_TARGET = 19;

	/** Number 20 was {@code XS_RESTRICT}, removed from the protocol. */
	public static final int XS_RESET_WATCHES = 21;

	public static final int XS_DIRECTORY_PART = 22;

	/** Largest payload of one message. */
	public static final int XENSTORE_PAYLOAD_MAX = 4096;

	/** Longest absolute path. */
	public static final int XENSTORE_ABS_PATH_MAX = 3072;

	/** Longest relative path. */
	public static final int XENSTORE_REL_PATH_MAX = 2048;

	/** Alias of {@link #XENSTORE_ABS_PATH_MAX}. */
	public static final int ABS_PATH_MAX = XENSTORE_ABS_PATH_MAX;

	/** Alias of {@link #XENSTORE_REL_PATH_MAX}. */
	public static final int REL_PATH_MAX = XENSTORE_REL_PATH_MAX;

	/** Size of each of the request and response buffers of a guest's xenstore ring page. */
	public static final int XENSTORE_RING_SIZE = 1024;

	/** Index of the path in an {@code XS_WATCH_EVENT} payload. */
	public static final int XS_WATCH_PATH = 0;

	/** Index of the token in an {@code XS_WATCH_EVENT} payload. */
	public static final int XS_WATCH_TOKEN = 1;

	/** The {@code xsd_errors} table: the errno names an {@code XS_ERROR} reply may carry. */
	public static final List<String> XSD_ERRORS = List.of("EINVAL", "EACCES", "EEXIST", "EISDIR", "ENOENT",
			"ENOMEM", "ENOSPC", "EIO", "ENOTEMPTY", "ENOSYS", "EROFS", "EBUSY", "EAGAIN", "EISCONN", "E2BIG",
			"EPERM");

	private XsWire() {
	}

}
