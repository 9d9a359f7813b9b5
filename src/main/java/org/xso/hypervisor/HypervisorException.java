package org.xso.hypervisor;

import java.util.Optional;

import org.jspecify.annotations.Nullable;

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

	private final @Nullable DeviceId device;

	public HypervisorException(Reason reason, String message) {
		this(reason, null, message, null);
	}

	public HypervisorException(Reason reason, String message, Throwable cause) {
		this(reason, null, message, cause);
	}

	/** A failure that concerns one device of the guest: clients are told which. */
	public HypervisorException(Reason reason, DeviceId device, String message) {
		this(reason, device, message, null);
	}

	private HypervisorException(Reason reason, @Nullable DeviceId device, String message, @Nullable Throwable cause) {
		super(message, cause);
		this.reason = reason;
		this.device = device;
	}

	public Reason reason() {
		return reason;
	}

	/** The device the failure concerns, when it concerns one. */
	public Optional<DeviceId> device() {
		return Optional.ofNullable(device);
	}

}
