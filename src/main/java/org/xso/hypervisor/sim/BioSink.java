package org.xso.hypervisor.sim;

/** Where blkfront reports completions: the guest's block layer (a workload). */
interface BioSink {

	/** The I/O {@code tag} completed with a blkif status. Called on the frontend's executor. */
	void completed(long tag, int status);

}
