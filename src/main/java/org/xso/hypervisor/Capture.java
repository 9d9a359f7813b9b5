package org.xso.hypervisor;

/**
 * A save for continuous checkpointing ({@link Hypervisor#capture}): the saved guest, whether it is
 * incremental (its memory image and disk captures hold only what changed since the guest's previous
 * capture, which it builds on) and the bytes of guest content it holds (memory pages and disk
 * chunks: what an epoch costs to persist, full or incremental).
 */
public record Capture(SavedDomain saved, boolean incremental, long contentBytes) {

	/** A full capture: the saved guest as {@link Hypervisor#save} returns it. */
	public static Capture full(SavedDomain saved) {
		return new Capture(saved, false, saved.memoryImageLength());
	}

}
