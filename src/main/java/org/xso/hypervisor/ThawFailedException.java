package org.xso.hypervisor;

/**
 * A quiesce failed and the thaw that should have undone it failed too: the guest is not running
 * with its devices connected, and the caller must treat the domain as faulted rather than rolled
 * back. {@link #reason()} is the thaw's failure; the cause is the quiesce's.
 */
public class ThawFailedException extends HypervisorException {

	public ThawFailedException(HypervisorException thaw, HypervisorException quiesce) {
		super(thaw.reason(), quiesce.getMessage() + "; then the guest could not be thawed: " + thaw.getMessage(),
				quiesce);
	}

}
