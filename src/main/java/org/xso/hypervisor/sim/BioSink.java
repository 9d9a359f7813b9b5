package org.xso.hypervisor.sim;

/**
 * Where blkfront reports completions: the guest's block layer (a workload). Called on blkfront's
 * executor; an implementation that other threads use too is thread-safe.
 */
interface BioSink {

	/** The I/O {@code tag} completed with a blkif status. Called on the frontend's executor. */
	void completed(long tag, int status);

}
