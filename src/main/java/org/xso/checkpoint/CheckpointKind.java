package org.xso.checkpoint;

/** Why a checkpoint was taken. */
public enum CheckpointKind {

	/** By a suspend: the image the suspended domain resumes from. */
	SUSPEND,
	/** By a live checkpoint: the guest continued in place. */
	LIVE,
	/** By one epoch of periodic (Remus-style) checkpointing. */
	PERIODIC

}
