package org.xso.web;

import org.xso.hypervisor.HypervisorException;

/** Maps the port's adapter-independent failure reasons onto the catalogue, once. */
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

	public static ProblemException of(HypervisorException e) {
		return new ProblemException(code(e.reason()), e.getMessage() == null ? e.reason().name() : e.getMessage(), e);
	}

}
