package org.xso.hypervisor.sim;

import org.xso.hypervisor.CanonicalInput;
import org.xso.hypervisor.CanonicalOutput;
import org.xso.hypervisor.WorkloadSpec;

/**
 * What a guest runs on one of its devices (user space, as far as the save image goes). Thread-safe:
 * its driver's executor, the controls and the save call it on their own threads.
 */
interface Workload {

	void start(WorkloadSpec spec);

	/** Stops issuing new work; what is in flight still completes. */
	void stop();

	boolean running();

	/** The guest's processes are frozen (or thawed) for a suspend. */
	void freeze(boolean frozen);

	/** The workload's bookkeeping, for the save image (its data lives in the guest's pages). */
	void writeTo(CanonicalOutput out);

	void readFrom(CanonicalInput in);

}
