package org.xso.operation;

import org.xso.hypervisor.ResumePhase;

/**
 * A step of an operation. {@code cancellable} says whether a cancel is honoured while the step
 * runs (it takes effect when the step ends, with the steps done so far compensated); the weight is
 * the step's share of the overall progress.
 */
public enum Phase {

	/** The guest is asked to suspend and its devices are quiesced by the chosen strategy. */
	QUIESCE(true, 30),
	/** Per device: xenbus states, rings, grants, evtchn, features, backend info, shadow. */
	SAVE(true, 20),
	/** The checkpoint is written in one transaction with its checksums. */
	PERSIST(false, 20),
	/** The domain leaves the hypervisor; its frames are released. */
	SUSPEND(false, 30),
	/**
	 * A move: the suspended guest, its lease and the operation pass to the target host's instance,
	 * which runs the phases after it.
	 */
	HANDOVER(false, 5),
	/** The guest continues in place (a cancelled suspend). */
	THAW(false, 30),
	/** Every checksum of the checkpoint is verified and the host is asked whether it can resume it. */
	VERIFY_CHECKPOINT(true, 10),
	/** The domain is rebuilt on new machine frames. */
	RESTORE(false, 25),
	/** Fresh ring pages, grant refs and event channels. */
	REGRANT(false, 15),
	/** The xenbus handshake: both ends Connected. */
	RECONNECT(false, 20),
	/** Shadowed requests resubmitted, queued work re-issued. */
	REPLAY(false, 20),
	/** Every request issued before the suspend has exactly one response. */
	VERIFY(false, 10),
	/** Live checkpoints at an interval, until cancelled or the count is reached. */
	EPOCHS(true, 100);

	private final boolean cancellable;

	private final int weight;

	Phase(boolean cancellable, int weight) {
		this.cancellable = cancellable;
		this.weight = weight;
	}

	public boolean cancellable() {
		return cancellable;
	}

	public int weight() {
		return weight;
	}

	public static Phase of(ResumePhase p) {
		return switch (p) {
			case RESTORE -> RESTORE;
			case REGRANT -> REGRANT;
			case RECONNECT -> RECONNECT;
			case REPLAY -> REPLAY;
			case VERIFY -> VERIFY;
		};
	}

}
