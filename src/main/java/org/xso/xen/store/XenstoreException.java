package org.xso.xen.store;

import java.util.Objects;

/**
 * A request xenstored refused, carrying the errno string the daemon puts in an {@code XS_ERROR}
 * reply ({@code "ENOENT"}, {@code "EACCES"}, {@code "EAGAIN"}, {@code "EINVAL"},
 * {@code "EEXIST"}, {@code "E2BIG"}, {@code "EPERM"}) and the path concerned.
 */
public final class XenstoreException extends RuntimeException {

	public static final String ENOENT = "ENOENT";

	public static final String EACCES = "EACCES";

	public static final String EAGAIN = "EAGAIN";

	public static final String EINVAL = "EINVAL";

	public static final String EEXIST = "EEXIST";

	public static final String E2BIG = "E2BIG";

	public static final String EPERM = "EPERM";

	private final String errno;

	private final String path;

	public XenstoreException(String errno, String path) {
		this(errno, path, "");
	}

	public XenstoreException(String errno, String path, String detail) {
		super(errno + ": " + path + (detail.isEmpty() ? "" : " (" + detail + ")"));
		this.errno = Objects.requireNonNull(errno, "errno");
		this.path = Objects.requireNonNull(path, "path");
	}

	/** The errno name, e.g. {@code "ENOENT"}. */
	public String errno() {
		return errno;
	}

	/** The path the request named (as given, or resolved when resolution succeeded). */
	public String path() {
		return path;
	}

	/** Whether this is the EAGAIN a transaction commit returns after a conflict. */
	public boolean isConflict() {
		return EAGAIN.equals(errno);
	}

}
