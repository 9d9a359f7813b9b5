package org.xso.xen.grant;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The frames of one grant table and the only code that touches their bytes; it owns the memory
 * ordering of grant entries.
 *
 * <p>
 * Java's byte-buffer view VarHandles offer compare-and-set only on 32- and 64-bit values, so the
 * 16-bit flags are never CAS'd on their own: after an entry is published every change of its flags
 * is a compare-and-set of the 32-bit word {@code flags | domid << 16} at offset 0 (see
 * {@link GrantTableLayout}), the word Xen's {@code _set_status_v1} cmpxchg's for v1 entries. The
 * domid half is never changed by a CAS, so the effect is exactly a CAS of the flags.
 */
final class GrantFrames {

	/** 32-bit little-endian view: the {flags, domid} word and the frame number. */
	private static final VarHandle WORD = MethodHandles.byteBufferViewVarHandle(int[].class,
			ByteOrder.LITTLE_ENDIAN);

	/** The table's frames, each allocated when a ref in it is first granted, as Xen grows a table. */
	private final ByteBuffer[] frames;

	GrantFrames(int nrFrames) {
		GrantTableLayout.checkNrFrames(nrFrames);
		this.frames = new ByteBuffer[nrFrames];
	}

	private static ByteBuffer newFrame() {
		// a new direct buffer is zeroed: every entry invalid
		ByteBuffer frame = ByteBuffer.allocateDirect(GrantTableLayout.FRAME_SIZE).order(ByteOrder.LITTLE_ENDIAN);
		// misaligned VarHandle atomics throw IllegalStateException
		if (frame.alignmentOffset(0, 8) != 0) {
			throw new IllegalStateException("grant frame is not 8-byte aligned");
		}
		return frame;
	}

	int count() {
		return this.frames.length;
	}

	/**
	 * Linux {@code gnttab_grant_foreign_access_ref}: domid and frame first, then a write barrier,
	 * then the flags that make the entry valid.
	 */
	void publish(int ref, int domid, long frameNumber, int flags) {
		int index = GrantTableLayout.frameIndex(ref);
		ByteBuffer frame = this.frames[index];
		if (frame == null) {
			frame = newFrame();
			this.frames[index] = frame;
		}
		int at = GrantTableLayout.entryOffset(ref);
		WORD.set(frame, GrantTableLayout.frameOffset(at), (int) frameNumber);
		WORD.set(frame, GrantTableLayout.flagsOffset(at), GrantTableLayout.flagsDomidWord(Gtf.GTF_invalid, domid));
		// release: domid and frame are visible before the flags; pairs with the acquire in read()
		// and with the CAS in setStatus()
		WORD.setRelease(frame, GrantTableLayout.flagsOffset(at), GrantTableLayout.flagsDomidWord(flags, domid));
	}

	/** The entry as it is now. */
	GrantEntryV1 read(int ref) {
		ByteBuffer frame = frameOf(ref);
		if (frame == null) {
			return GrantEntryV1.INVALID;
		}
		int at = GrantTableLayout.entryOffset(ref);
		// acquire: pairs with the release store of the flags in publish()
		int word = (int) WORD.getAcquire(frame, GrantTableLayout.flagsOffset(at));
		int frameNumber = (int) WORD.get(frame, GrantTableLayout.frameOffset(at));
		return new GrantEntryV1(GrantTableLayout.flagsOf(word), GrantTableLayout.domidOf(word),
				Integer.toUnsignedLong(frameNumber));
	}

	/**
	 * Linux {@code gnttab_end_foreign_access_ref}: clears the flags unless Xen has the frame
	 * mapped.
	 * @return {@code false}, changing nothing, if {@code GTF_reading} or {@code GTF_writing} is set
	 */
	boolean revoke(int ref) {
		ByteBuffer frame = frameOf(ref);
		if (frame == null) {
			return true;
		}
		int at = GrantTableLayout.flagsOffset(GrantTableLayout.entryOffset(ref));
		int word = (int) WORD.getVolatile(frame, at);
		while (true) {
			if (Gtf.inUse(GrantTableLayout.flagsOf(word))) {
				return false;
			}
			int cleared = GrantTableLayout.flagsDomidWord(Gtf.GTF_invalid, GrantTableLayout.domidOf(word));
			// volatile CAS: pairs with the CAS in setStatus(), so exactly one of the two wins
			int witness = (int) WORD.compareAndExchange(frame, at, word, cleared);
			if (witness == word) {
				return true;
			}
			word = witness;
		}
	}

	/**
	 * Xen {@code _set_status_v1}: if the entry permits {@code grantee} access (and writing, when
	 * {@code writable}), sets {@code GTF_reading}, plus {@code GTF_writing} when {@code writable}.
	 * @return a {@code GNTST_*} status
	 */
	int setStatus(int ref, int grantee, boolean writable) {
		ByteBuffer frame = frameOf(ref);
		if (frame == null) {
			return Gntst.GNTST_bad_gntref;
		}
		int at = GrantTableLayout.flagsOffset(GrantTableLayout.entryOffset(ref));
		// acquire: pairs with the release store of the flags in publish()
		int word = (int) WORD.getAcquire(frame, at);
		while (true) {
			int flags = GrantTableLayout.flagsOf(word);
			if (Gtf.type(flags) != Gtf.GTF_permit_access) {
				return Gntst.GNTST_bad_gntref;
			}
			if (GrantTableLayout.domidOf(word) != grantee || (writable && (flags & Gtf.GTF_readonly) != 0)) {
				return Gntst.GNTST_permission_denied;
			}
			int pinned = flags | Gtf.GTF_reading | (writable ? Gtf.GTF_writing : 0);
			// volatile CAS: pairs with the CAS in revoke()
			int witness = (int) WORD.compareAndExchange(frame, at, word,
					GrantTableLayout.flagsDomidWord(pinned, grantee));
			if (witness == word) {
				return Gntst.GNTST_okay;
			}
			word = witness;
		}
	}

	/** Xen {@code gnttab_clear_flags}: atomically clears {@code mask} in the entry's flags. */
	void clearFlags(int ref, int mask) {
		ByteBuffer frame = frameOf(ref);
		int at = GrantTableLayout.flagsOffset(GrantTableLayout.entryOffset(ref));
		int word = (int) WORD.getVolatile(frame, at);
		while (true) {
			int next = GrantTableLayout.flagsDomidWord(GrantTableLayout.flagsOf(word) & ~mask,
					GrantTableLayout.domidOf(word));
			int witness = (int) WORD.compareAndExchange(frame, at, word, next);
			if (witness == word) {
				return;
			}
			word = witness;
		}
	}

	/** Invalidates every entry: flags first, so nobody sees a valid entry with a zeroed frame. */
	void clearAll() {
		for (ByteBuffer frame : this.frames) {
			if (frame == null) {
				continue;
			}
			for (int at = 0; at < GrantTableLayout.FRAME_SIZE; at += GrantTableLayout.ENTRY_SIZE) {
				WORD.setVolatile(frame, GrantTableLayout.flagsOffset(at), 0);
				WORD.set(frame, GrantTableLayout.frameOffset(at), 0);
			}
		}
	}

	/** The frame holding {@code ref}, or null if no ref in it was ever granted. */
	private ByteBuffer frameOf(int ref) {
		return this.frames[GrantTableLayout.frameIndex(ref)];
	}

}
