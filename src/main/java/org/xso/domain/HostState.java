package org.xso.domain;

/** What the hypervisor says about a domain right now. */
public enum HostState {

	RUNNING, PAUSED, SUSPENDED,
	/** The hypervisor does not know the domain (suspended guests are gone from it). */
	ABSENT,
	/** The hypervisor could not be asked. */
	UNKNOWN

}
