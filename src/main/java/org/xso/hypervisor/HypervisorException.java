package org.xso.hypervisor;

/**
 * A hypervisor call failed. {@link Reason} is the stable, adapter-independent cause that the
 * service maps to a problem-detail code; the message says what happened in the adapter's terms.
 */
public class HypervisorException extends RuntimeException {

	/** Adapter-independent causes. */
	public enum Reason {

		DOMAIN_NOT_FOUND, DOMAIN_EXISTS, BAD_POWER_STATE, DEVICE_NOT_FOUND, DEVICE_EXISTS, DEVICE_NOT_QUIESCED,
		QUIESCE_TIMEOUT, BACKEND_TIMEOUT, BACKEND_UNAVAILABLE, INVALID_IMAGE, INVALID_CONFIG, OUT_OF_MEMORY,
		NOT_SUPPORTED, HYPERVISOR_UNAVAILABLE, INTERNAL

	}

	private final Reason reason;

	public HypervisorException(Reason reason, String message) {
		super(message);
		this.reason = reason;
	}

	public HypervisorException(Reason reason, String message, Throwable cause) {
		super(message, cause);
		this.reason = reason;
	}

	public Reason reason() {
		return reason;
	}

}
