package org.xso.xen.grant;

import java.nio.ByteBuffer;

/**
 * Layout of a v1 grant table ({@code grant_entry_v1_t} in {@code public/grant_table.h}): an array
 * of 8-byte entries, 512 to a 4 KiB frame, little-endian.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------------------------------+-------------------------------+
 *  |         flags (u16)           |         domid (u16)           |  0
 *  +-------------------------------+-------------------------------+
 *  |                          frame (u32)                          |  4
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <ul>
 * <li>{@code flags}: the type in bits 0..1 ({@link Gtf}), {@code GTF_readonly} written by the
 * granting guest, {@code GTF_reading}/{@code GTF_writing} set by Xen while the page is mapped.</li>
 * <li>{@code domid}: the grantee, the only domain allowed to map the frame.</li>
 * <li>{@code frame}: the granted frame (an MFN for a PV guest).</li>
 * </ul>
 *
 * The first 32-bit word holds {@code flags} in its low half and {@code domid} in its high half
 * (little-endian), so one atomic compare-and-set on that word checks the grantee and updates the
 * flags together, as Xen does for v1 entries.
 */
public final class GrantTableLayout {

	/** {@code sizeof(grant_entry_v1_t)}. */
	public static final int ENTRY_SIZE = 8;

	public static final int FLAGS_OFFSET = 0;

	public static final int DOMID_OFFSET = 2;

	public static final int FRAME_OFFSET = 4;

	/** Offset of the 32-bit word {@code flags | domid << 16}. */
	public static final int FLAGS_DOMID_WORD_OFFSET = FLAGS_OFFSET;

	public static final int FRAME_SIZE = 4096;

	public static final int ENTRIES_PER_FRAME = FRAME_SIZE / ENTRY_SIZE;

	/** The largest table a domain may ask for here ({@code max_grant_frames} default). */
	public static final int MAX_FRAMES = 64;

	private GrantTableLayout() {
	}

	/** The frame that holds entry {@code ref}. */
	public static int frameIndex(int ref) {
		return ref / ENTRIES_PER_FRAME;
	}

	/** Byte offset of entry {@code ref} inside its frame. */
	public static int entryOffset(int ref) {
		return (ref % ENTRIES_PER_FRAME) * ENTRY_SIZE;
	}

	public static int flagsOffset(int entryOffset) {
		return entryOffset + FLAGS_OFFSET;
	}

	public static int domidOffset(int entryOffset) {
		return entryOffset + DOMID_OFFSET;
	}

	public static int frameOffset(int entryOffset) {
		return entryOffset + FRAME_OFFSET;
	}

	/** Packs {@code flags} and {@code domid} into the first word of an entry. */
	public static int flagsDomidWord(int flags, int domid) {
		return (flags & 0xFFFF) | (domid << 16);
	}

	public static int flagsOf(int word) {
		return word & 0xFFFF;
	}

	public static int domidOf(int word) {
		return word >>> 16;
	}

	/** Entries in a table of {@code nrFrames} frames. */
	public static int entries(int nrFrames) {
		return nrFrames * ENTRIES_PER_FRAME;
	}

	public static void checkNrFrames(int nrFrames) {
		if (nrFrames < 1 || nrFrames > MAX_FRAMES) {
			throw new IllegalArgumentException("nrFrames must be 1.." + MAX_FRAMES + ": " + nrFrames);
		}
	}

	/** Checks that {@code off} leaves room for an entry in {@code b}. */
	public static void checkEntryBounds(ByteBuffer b, int off) {
		if (off < 0 || off > b.capacity() - ENTRY_SIZE) {
			throw new IndexOutOfBoundsException(
					"grant entry at " + off + " does not fit a buffer of " + b.capacity() + " bytes");
		}
	}

}
