package org.xso.hypervisor.libxl;

import org.jspecify.annotations.Nullable;
import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.HypervisorException.Reason;

/**
 * libxl's error codes ({@code libxl_error} in _libxl_types.h, libxl 4.17), each mapped once to the
 * port's {@link Reason} (which the service maps to a problem-detail code), and the errno values
 * the xenstore and file calls report.
 */
enum LibxlError {

	ERROR_NONSPECIFIC(-1, Reason.INTERNAL),
	ERROR_VERSION(-2, Reason.INTERNAL),
	ERROR_FAIL(-3, Reason.INTERNAL),
	ERROR_NI(-4, Reason.NOT_SUPPORTED),
	ERROR_NOMEM(-5, Reason.OUT_OF_MEMORY),
	ERROR_INVAL(-6, Reason.INVALID_CONFIG),
	ERROR_BADFAIL(-7, Reason.INTERNAL),
	ERROR_GUEST_TIMEDOUT(-8, Reason.QUIESCE_TIMEOUT),
	ERROR_TIMEDOUT(-9, Reason.BACKEND_TIMEOUT),
	ERROR_NOPARAVIRT(-10, Reason.NOT_SUPPORTED),
	ERROR_NOT_READY(-11, Reason.BAD_POWER_STATE),
	ERROR_OSEVENT_REG_FAIL(-12, Reason.INTERNAL),
	ERROR_BUFFERFULL(-13, Reason.INTERNAL),
	ERROR_UNKNOWN_CHILD(-14, Reason.INTERNAL),
	ERROR_LOCK_FAIL(-15, Reason.HYPERVISOR_UNAVAILABLE),
	ERROR_JSON_CONFIG_EMPTY(-16, Reason.INVALID_IMAGE),
	ERROR_DEVICE_EXISTS(-17, Reason.DEVICE_EXISTS),
	ERROR_CHECKPOINT_DEVOPS_DOES_NOT_MATCH(-18, Reason.NOT_SUPPORTED),
	ERROR_CHECKPOINT_DEVICE_NOT_SUPPORTED(-19, Reason.NOT_SUPPORTED),
	ERROR_VNUMA_CONFIG_INVALID(-20, Reason.INVALID_CONFIG),
	ERROR_DOMAIN_NOTFOUND(-21, Reason.DOMAIN_NOT_FOUND),
	ERROR_ABORTED(-22, Reason.INTERNAL),
	ERROR_NOTFOUND(-23, Reason.DEVICE_NOT_FOUND),
	ERROR_DOMAIN_DESTROYED(-24, Reason.DOMAIN_NOT_FOUND),
	ERROR_FEATURE_REMOVED(-25, Reason.NOT_SUPPORTED),
	ERROR_PROTOCOL_ERROR_QMP(-26, Reason.BACKEND_UNAVAILABLE),
	ERROR_UNKNOWN_QMP_ERROR(-27, Reason.BACKEND_UNAVAILABLE),
	ERROR_QMP_GENERIC_ERROR(-28, Reason.BACKEND_UNAVAILABLE),
	ERROR_QMP_COMMAND_NOT_FOUND(-29, Reason.BACKEND_UNAVAILABLE),
	ERROR_QMP_DEVICE_NOT_ACTIVE(-30, Reason.BACKEND_UNAVAILABLE),
	ERROR_QMP_DEVICE_NOT_FOUND(-31, Reason.BACKEND_UNAVAILABLE),
	ERROR_QEMU_API(-32, Reason.BACKEND_UNAVAILABLE);

	/** errno values (Linux) the xenstore and file calls report negated. */
	static final int ENOENT = 2;

	static final int EAGAIN = 11;

	static final int ENOMEM = 12;

	static final int EACCES = 13;

	static final int EINVAL = 22;

	static final int ETIMEDOUT = 110;

	static final int ECONNREFUSED = 111;

	private final int code;

	private final Reason reason;

	LibxlError(int code, Reason reason) {
		this.code = code;
		this.reason = reason;
	}

	int code() {
		return code;
	}

	Reason reason() {
		return reason;
	}

	/** The error with this code, or null for a code this build does not know. */
	static @Nullable LibxlError of(int code) {
		for (LibxlError e : values()) {
			if (e.code == code) {
				return e;
			}
		}
		return null;
	}

	/**
	 * The exception for {@code call} failing with libxl code {@code rc}: "libxl_domain_suspend failed
	 * (ERROR_GUEST_TIMEDOUT)", with libxl's own last error line appended when there is one.
	 */
	static HypervisorException exception(String call, int rc, @Nullable String libxlSays) {
		LibxlError e = of(rc);
		String name = e == null ? "libxl error " + rc : e.name();
		String message = call + " failed (" + name + ")" + (libxlSays == null ? "" : ": " + libxlSays);
		return new LibxlException(e == null ? Reason.INTERNAL : e.reason, message, rc);
	}

	/** The exception for a xenstore or file call failing with {@code -errno}. */
	static HypervisorException errno(String call, int negativeErrno) {
		int errno = -negativeErrno;
		Reason reason = switch (errno) {
			case ENOMEM -> Reason.OUT_OF_MEMORY;
			case ENOENT, ECONNREFUSED, EACCES -> call.startsWith("xs_open") ? Reason.HYPERVISOR_UNAVAILABLE
					: Reason.INTERNAL;
			case ETIMEDOUT -> Reason.BACKEND_TIMEOUT;
			default -> Reason.INTERNAL;
		};
		return new LibxlException(reason, call + " failed (errno " + errno + ")", negativeErrno);
	}

	/** A failed libxl, xenstore or file call with its raw code. */
	static final class LibxlException extends HypervisorException {

		private final int code;

		LibxlException(Reason reason, String message, int code) {
			super(reason, message);
			this.code = code;
		}

		/** The libxl {@code ERROR_*} value or {@code -errno}. */
		int code() {
			return code;
		}

	}

}
