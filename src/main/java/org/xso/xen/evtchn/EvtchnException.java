package org.xso.xen.evtchn;

/**
 * An event-channel operation failed as Xen would fail it, with the errno name Xen returns
 * negated ({@code EINVAL}, {@code ESRCH}, {@code ENOSPC}).
 */
public final class EvtchnException extends RuntimeException {

	public static final String EINVAL = "EINVAL";

	public static final String ESRCH = "ESRCH";

	public static final String ENOSPC = "ENOSPC";

	private final String errno;

	public EvtchnException(String errno, String message) {
		super(errno + ": " + message);
		this.errno = errno;
	}

	/** The errno name, e.g. {@code "EINVAL"}. */
	public String errno() {
		return this.errno;
	}

}
