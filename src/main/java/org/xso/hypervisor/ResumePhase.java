package org.xso.hypervisor;

/** The phases of a resume, in order (design.md section 4). */
public enum ResumePhase {

	/** The domain is rebuilt from the image on new machine frames. */
	RESTORE,
	/** Fresh ring pages, fresh grant refs to the backend, fresh unbound event channels. */
	REGRANT,
	/** The xenbus handshake through xenstore: both ends Connected. */
	RECONNECT,
	/** The shadow is resubmitted (SHADOW_REPLAY) or the queue re-issued (SUSPEND_RESUME). */
	REPLAY,
	/** Every request issued before the suspend has exactly one response. */
	VERIFY

}
