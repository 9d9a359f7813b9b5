package org.xso.domain;

/** A domain's persisted state: what the service last made of it. */
public enum DomainState {

	/** Running in the hypervisor, devices connected. */
	RUNNING,
	/**
	 * Paused in the hypervisor at a request: its vCPUs run no code, its devices stay connected and
	 * nothing of it is saved; unpaused, it is RUNNING again. Neither suspended nor checkpointed.
	 */
	PAUSED,
	/** Saved to a checkpoint and gone from the hypervisor; resumable from that checkpoint. */
	SUSPENDED,
	/** The target of a restore in progress. */
	RESTORING,
	/** A failure could not be compensated; the live power state says what the hypervisor has. */
	FAULTED

}
