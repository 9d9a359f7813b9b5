package org.xso.hypervisor;

/**
 * How a guest's frontends survive a suspend: the seed's open question.
 */
public enum SuspendStrategy {

	/**
	 * Linux blkfront/netfront: no device suspend hook, nothing is drained. What is in flight stays
	 * in the frontend's shadow and is resubmitted on new rings with re-granted pages after the
	 * restore (block I/O may run twice on the disk; the guest sees it complete once). In-flight
	 * network transmits are dropped and counted.
	 */
	SHADOW_REPLAY,

	/**
	 * illumos xdf/xnf and NetBSD xbd/xennet: a suspend routine stops issuing, drains what is in
	 * flight up to a deadline, ends grant access, closes the event channel and frees the ring; a
	 * resume routine runs the attach path again and re-issues the work queued meanwhile.
	 */
	SUSPEND_RESUME

}
