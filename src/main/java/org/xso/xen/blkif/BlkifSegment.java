package org.xso.xen.blkif;

import java.nio.ByteBuffer;

import org.xso.xen.ring.RingMemory;
import org.xso.xen.ring.WireFields;

import static org.xso.xen.blkif.BlkifLayout.SEG_FIRST_SECT_OFFSET;
import static org.xso.xen.blkif.BlkifLayout.SEG_GREF_OFFSET;
import static org.xso.xen.blkif.BlkifLayout.SEG_LAST_SECT_OFFSET;
import static org.xso.xen.blkif.BlkifLayout.SEG_PAD_OFFSET;

/**
 * {@code struct blkif_request_segment} (8 bytes): one granted 4 KiB frame and the
 * inclusive range of 512-byte sectors within it that the request transfers.
 *
 * @param gref grant reference of the data frame (u32)
 * @param firstSect first sector within the frame, 0..7
 * @param lastSect last sector within the frame, {@code firstSect}..7
 */
public record BlkifSegment(int gref, int firstSect, int lastSect) {

	public BlkifSegment {
		if (firstSect < 0 || firstSect > lastSect || lastSect >= BlkifLayout.SECTORS_PER_FRAME) {
			throw new IllegalArgumentException("segment needs 0 <= first_sect <= last_sect <= 7: first_sect="
					+ firstSect + " last_sect=" + lastSect);
		}
	}

	/** Sectors this segment transfers. */
	public int sectors() {
		return this.lastSect - this.firstSect + 1;
	}

	/** Writes all 8 bytes, pad included, at {@code off}. */
	public void encode(RingMemory m, int off) {
		write(m, off, this.gref, this.firstSect, this.lastSect);
	}

	public static BlkifSegment decode(RingMemory m, int off) {
		return new BlkifSegment(m.getInt(off + SEG_GREF_OFFSET), m.getByte(off + SEG_FIRST_SECT_OFFSET) & 0xFF,
				m.getByte(off + SEG_LAST_SECT_OFFSET) & 0xFF);
	}

	/** Allocation-free write of a segment's fields (no validation). */
	public static void write(RingMemory m, int off, int gref, int firstSect, int lastSect) {
		m.putInt(off + SEG_GREF_OFFSET, gref);
		m.putByte(off + SEG_FIRST_SECT_OFFSET, (byte) firstSect);
		m.putByte(off + SEG_LAST_SECT_OFFSET, (byte) lastSect);
		m.putShort(off + SEG_PAD_OFFSET, (short) 0);
	}

	/**
	 * Writes the segment into a little-endian page buffer (an indirect page) at
	 * {@code off}.
	 */
	void encode(ByteBuffer page, int off) {
		page.putInt(off + SEG_GREF_OFFSET, this.gref);
		page.put(off + SEG_FIRST_SECT_OFFSET, (byte) this.firstSect);
		page.put(off + SEG_LAST_SECT_OFFSET, (byte) this.lastSect);
		page.putShort(off + SEG_PAD_OFFSET, (short) 0);
	}

	static BlkifSegment decode(ByteBuffer page, int off) {
		return new BlkifSegment(page.getInt(off + SEG_GREF_OFFSET), page.get(off + SEG_FIRST_SECT_OFFSET) & 0xFF,
				page.get(off + SEG_LAST_SECT_OFFSET) & 0xFF);
	}

	public byte[] toBytes() {
		return WireFields.toBytes(BlkifLayout.SEGMENT_SIZE, this::encode);
	}

	public static BlkifSegment fromBytes(byte[] bytes) {
		return WireFields.fromBytes(bytes, BlkifLayout.SEGMENT_SIZE, m -> decode(m, 0));
	}

	@Override
	public String toString() {
		return "BlkifSegment[gref=" + Integer.toUnsignedString(this.gref) + ", sectors=" + this.firstSect + ".."
				+ this.lastSect + "]";
	}

}
