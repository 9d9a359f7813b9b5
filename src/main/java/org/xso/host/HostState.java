package org.xso.host;

/** Whether a host's instance is serving it. */
public enum HostState {

	/** Its instance heart-beats: its guests' operations run. */
	UP,
	/** Its instance stopped cleanly; its guests' operations wait for it to start again. */
	STOPPED,
	/** No heartbeat for longer than {@code xso.host.down-after}: its instance died or lost the database. */
	DOWN

}
