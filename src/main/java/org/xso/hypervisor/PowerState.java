package org.xso.hypervisor;

/** A guest's state as the hypervisor sees it. */
public enum PowerState {

	/** Running; devices connected. */
	RUNNING,

	/** Paused by the toolstack, or frozen by a suspend in progress (devices quiesced). */
	PAUSED,

	/** Saved: the domain no longer runs and its frames are released; a saved image brings it back. */
	SUSPENDED

}
