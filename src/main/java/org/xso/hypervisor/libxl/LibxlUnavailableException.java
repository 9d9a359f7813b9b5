package org.xso.hypervisor.libxl;

import org.xso.hypervisor.HypervisorException;

/** The libxl adapter cannot run here: the shim does not load, or there is no Xen to talk to. */
final class LibxlUnavailableException extends HypervisorException {

	LibxlUnavailableException(String message) {
		super(Reason.HYPERVISOR_UNAVAILABLE, message);
	}

	LibxlUnavailableException(String message, Throwable cause) {
		super(Reason.HYPERVISOR_UNAVAILABLE, message, cause);
	}

}
