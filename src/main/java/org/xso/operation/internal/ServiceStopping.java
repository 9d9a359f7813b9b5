package org.xso.operation.internal;

import org.springframework.stereotype.Component;

/**
 * Whether the service is stopping, as the executor that interrupts its workers says. A worker
 * interrupted by the stop fails its hypervisor calls ("interrupted"); what it would record of that
 * failure is not the operation's outcome but the stop's, so it records nothing: the operation stays
 * as its row has it and recovery decides it after the restart, as after a {@code kill -9}.
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

	/**
	 * Refuses, with {@link Stopped}, a failure the current worker would record because the stop
	 * interrupted it.
	 */
	void refuseIfInterruptedByStop(Object what) {
		if (stopping && Thread.currentThread().isInterrupted()) {
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
