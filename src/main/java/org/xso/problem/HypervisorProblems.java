package org.xso.problem;

import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.ResumeBlocker;
import org.xso.hypervisor.ThawFailedException;

/**
 * Maps the port's adapter-independent failure reasons onto the catalogue, once, and words them for
 * clients. What a client reads of a hypervisor failure is this wording, never the adapter's message:
 * that speaks in the adapter's terms (save-image and disk-snapshot files, the shim library's path,
 * libxl's source lines, a wrapped exception) and goes to the service log with the problem's
 * instance, where an operator can match the two.
 */
public final class HypervisorProblems {

	private HypervisorProblems() {
	}

	public static ProblemCode code(HypervisorException.Reason reason) {
		return switch (reason) {
			case DOMAIN_NOT_FOUND -> ProblemCode.DOMAIN_NOT_FOUND;
			case DOMAIN_EXISTS -> ProblemCode.DOMAIN_EXISTS;
			case BAD_POWER_STATE -> ProblemCode.BAD_POWER_STATE;
			case DEVICE_NOT_FOUND -> ProblemCode.DEVICE_NOT_FOUND;
			case DEVICE_EXISTS -> ProblemCode.DEVICE_EXISTS;
			case DEVICE_NOT_QUIESCED -> ProblemCode.DEVICE_NOT_QUIESCED;
			case QUIESCE_TIMEOUT -> ProblemCode.QUIESCE_TIMEOUT;
			case BACKEND_TIMEOUT -> ProblemCode.BACKEND_TIMEOUT;
			case BACKEND_UNAVAILABLE -> ProblemCode.BACKEND_UNAVAILABLE;
			case INVALID_IMAGE -> ProblemCode.CHECKPOINT_NOT_RESUMABLE;
			case INVALID_CONFIG -> ProblemCode.INVALID_CONFIG;
			case OUT_OF_MEMORY -> ProblemCode.HOST_OUT_OF_MEMORY;
			case NOT_SUPPORTED -> ProblemCode.NOT_SUPPORTED;
			case HYPERVISOR_UNAVAILABLE -> ProblemCode.HYPERVISOR_UNAVAILABLE;
			case INTERNAL -> ProblemCode.HYPERVISOR_ERROR;
		};
	}

	/** The problem for {@code e}: its code, {@link #detail its wording}, and {@code e} as the cause for the log. */
	public static ProblemException of(HypervisorException e) {
		return new ProblemException(code(e.reason()), detail(e), e);
	}

	/**
	 * What a client is told of {@code e}: the wording of its reason (both reasons for a failed
	 * thaw), after the device it concerns when it concerns one.
	 */
	public static String detail(HypervisorException e) {
		if (e instanceof ThawFailedException && e.getCause() instanceof HypervisorException quiesce) {
			return concerning(quiesce) + "; then the guest could not be thawed: " + describe(e.reason());
		}
		return concerning(e);
	}

	private static String concerning(HypervisorException e) {
		return e.device().map(d -> d + ": ").orElse("") + describe(e.reason());
	}

	/** A sentence for each reason, in the service's terms. */
	public static String describe(HypervisorException.Reason reason) {
		return switch (reason) {
			case DOMAIN_NOT_FOUND -> "the hypervisor knows no such domain";
			case DOMAIN_EXISTS -> "the hypervisor already has a domain with this id or name";
			case BAD_POWER_STATE -> "the guest's power state in the hypervisor does not allow this";
			case DEVICE_NOT_FOUND -> "the guest has no such device in the hypervisor";
			case DEVICE_EXISTS -> "the guest already has this device";
			case DEVICE_NOT_QUIESCED -> "a device of the guest is not quiesced";
			case QUIESCE_TIMEOUT -> "the guest's devices did not quiesce in time";
			case BACKEND_TIMEOUT -> "a device backend did not answer in time";
			case BACKEND_UNAVAILABLE -> "a device backend is not available";
			case INVALID_IMAGE -> "the hypervisor cannot restore the saved guest";
			case INVALID_CONFIG -> "the hypervisor rejected the configuration";
			case OUT_OF_MEMORY -> "the host has not enough free memory";
			case NOT_SUPPORTED -> "the hypervisor adapter does not support this";
			case HYPERVISOR_UNAVAILABLE -> "the hypervisor is not reachable; the service log says why";
			case INTERNAL -> "the hypervisor failed; the service log has the details";
		};
	}

	/**
	 * A reason the host cannot resume a checkpoint, in the service's terms: the device it concerns
	 * (if one) and the wording of its kind, not the adapter's sentence (which may name a storage
	 * file or what the image says of itself).
	 */
	public static String describe(ResumeBlocker blocker) {
		String what = switch (blocker.kind()) {
			case FORMAT_VERSION_UNSUPPORTED -> "the saved guest's format version is not one this host reads";
			case ADAPTER_MISMATCH -> "the saved guest was saved by another kind of hypervisor adapter";
			case BACKEND_MISSING -> "no backend for the device runs on this host";
			case BACKEND_FEATURE_MISSING -> "the backend lacks a feature the device needs";
			case STORAGE_MISSING -> "storage the checkpoint refers to is not held by this host";
			case STORAGE_IN_USE -> "its disk target is held by another device on this host";
			case HYPERVISOR_UNAVAILABLE -> "the hypervisor is not reachable";
			case DOMAIN_NAME_IN_USE -> "a running domain already has the saved guest's name";
		};
		return blocker.device() == null ? what : blocker.device() + ": " + what;
	}

}
