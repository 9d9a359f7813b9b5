package org.xso.operation.internal;

import org.springframework.stereotype.Component;

/**
 * Whether the service is stopping, as the executor that interrupts its workers says. A worker
 * interrupted by the stop fails its hypervisor calls ("interrupted"), and a simulated host closing
 * with the service fails its guests' waits; what a worker would record of such a failure is not
 * the operation's outcome but the stop's, so while the service stops no worker records a failure:
 * the operation stays as its row has it and recovery decides it after the restart, as after a
 * {@code kill -9}. (Whether the worker's own thread still shows the interrupt cannot tell: a
 * transaction on the way to the record may have consumed it.)
 *
 * <p>
 * Threads: set once by the thread that stops the executor, read by the workers (volatile).
 */
@Component
class ServiceStopping {

	private volatile boolean stopping;

	/** The executor begins to stop: from now on an interrupted worker records no failure. */
	void begin() {
		this.stopping = true;
	}

	boolean stopping() {
		return stopping;
	}

	/** Refuses, with {@link Stopped}, a failure a worker would record while the service stops. */
	void refuseWhileStopping(Object what) {
		if (stopping) {
			throw new Stopped("the service is stopping: " + what + " is left to recovery");
		}
	}

	/** A failure the stop caused, not recorded. */
	static final class Stopped extends RuntimeException {

		private static final long serialVersionUID = 1L;

		Stopped(String message) {
			super(message, null, false, false);
		}

	}

}
