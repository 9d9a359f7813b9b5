package org.xso.domain;

/** A domain's persisted state: what the service last made of it. */
public enum DomainState {

	/** Running in the hypervisor, devices connected. */
	RUNNING,
	/** Saved to a checkpoint and gone from the hypervisor; resumable from that checkpoint. */
	SUSPENDED,
	/** The target of a restore in progress. */
	RESTORING,
	/** A failure could not be compensated; the live power state says what the hypervisor has. */
	FAULTED

}
