package org.xso.xen.blkif;

import java.util.List;

import org.xso.xen.ring.RingMemory;
import org.xso.xen.ring.WireFields;

import static org.xso.xen.blkif.BlkifLayout.INDIRECT_HANDLE_OFFSET;
import static org.xso.xen.blkif.BlkifLayout.INDIRECT_ID_OFFSET;
import static org.xso.xen.blkif.BlkifLayout.INDIRECT_INDIRECT_OP_OFFSET;
import static org.xso.xen.blkif.BlkifLayout.INDIRECT_NR_SEGMENTS_OFFSET;
import static org.xso.xen.blkif.BlkifLayout.INDIRECT_OPERATION_OFFSET;
import static org.xso.xen.blkif.BlkifLayout.INDIRECT_PAD1_OFFSET;
import static org.xso.xen.blkif.BlkifLayout.INDIRECT_PAD2_OFFSET;
import static org.xso.xen.blkif.BlkifLayout.INDIRECT_PAD3_OFFSET;
import static org.xso.xen.blkif.BlkifLayout.INDIRECT_SECTOR_NUMBER_OFFSET;

/**
 * {@code struct blkif_request_indirect} (64 bytes), operation {@link BlkifOp#INDIRECT}:
 * the segment descriptors live in up to 8 granted indirect pages of 512 descriptors each
 * (see {@link BlkifIndirectPage}).
 *
 * @param indirectOp the real operation, {@link BlkifOp#READ} or {@link BlkifOp#WRITE} in
 * practice (u8; not restricted here so a backend can refuse it with an error response)
 * @param nrSegments segments across all indirect pages, 0..4096 (u16 on the wire)
 * @param id opaque frontend value echoed in the response
 * @param sectorNumber start sector (u64)
 * @param handle the virtual device (u16)
 * @param indirectGrefs grants of the indirect pages, exactly
 * {@link BlkifLayout#indirectPages(int) INDIRECT_PAGES(nrSegments)} of them
 */
public record BlkifIndirectRequest(int indirectOp, int nrSegments, long id, long sectorNumber, int handle,
		List<Integer> indirectGrefs) {

	/** Most segments an indirect request can describe: 8 pages of 512. */
	public static final int MAX_SEGMENTS = BlkifLayout.BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST
			* BlkifLayout.SEGMENTS_PER_INDIRECT_FRAME;

	public BlkifIndirectRequest {
		WireFields.u8("indirect_op", indirectOp);
		if (nrSegments < 0 || nrSegments > MAX_SEGMENTS) {
			throw new IllegalArgumentException("nr_segments must be 0.." + MAX_SEGMENTS + ": " + nrSegments);
		}
		WireFields.u16("handle", handle);
		indirectGrefs = List.copyOf(indirectGrefs);
		if (indirectGrefs.size() != BlkifLayout.indirectPages(nrSegments)) {
			throw new IllegalArgumentException("nr_segments=" + nrSegments + " needs "
					+ BlkifLayout.indirectPages(nrSegments) + " indirect grefs: " + indirectGrefs.size());
		}
	}

	/**
	 * Writes the 64 bytes at {@code off}: header, the used grefs, zeros for pads and
	 * unused grefs.
	 */
	public void encode(RingMemory m, int off) {
		m.putByte(off + INDIRECT_OPERATION_OFFSET, (byte) BlkifOp.INDIRECT);
		m.putByte(off + INDIRECT_INDIRECT_OP_OFFSET, (byte) this.indirectOp);
		m.putShort(off + INDIRECT_NR_SEGMENTS_OFFSET, (short) this.nrSegments);
		m.putInt(off + INDIRECT_PAD1_OFFSET, 0);
		m.putLong(off + INDIRECT_ID_OFFSET, this.id);
		m.putLong(off + INDIRECT_SECTOR_NUMBER_OFFSET, this.sectorNumber);
		m.putShort(off + INDIRECT_HANDLE_OFFSET, (short) this.handle);
		m.putShort(off + INDIRECT_PAD2_OFFSET, (short) 0);
		for (int i = 0; i < BlkifLayout.BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST; i++) {
			int gref = (i < this.indirectGrefs.size()) ? this.indirectGrefs.get(i) : 0;
			m.putInt(off + BlkifLayout.indirectGrefOffset(i), gref);
		}
		m.putInt(off + INDIRECT_PAD3_OFFSET, 0);
	}

	/**
	 * @throws IllegalArgumentException if the operation byte is not INDIRECT or
	 * nr_segments &gt; 4096
	 */
	public static BlkifIndirectRequest decode(RingMemory m, int off) {
		int op = BlkifOp.peekOperation(m, off);
		if (op != BlkifOp.INDIRECT) {
			throw new IllegalArgumentException("not an indirect request: operation=" + op);
		}
		int nr = m.getShort(off + INDIRECT_NR_SEGMENTS_OFFSET) & 0xFFFF;
		if (nr > MAX_SEGMENTS) {
			throw new IllegalArgumentException("nr_segments must be 0.." + MAX_SEGMENTS + ": " + nr);
		}
		Integer[] grefs = new Integer[BlkifLayout.indirectPages(nr)];
		for (int i = 0; i < grefs.length; i++) {
			grefs[i] = m.getInt(off + BlkifLayout.indirectGrefOffset(i));
		}
		return new BlkifIndirectRequest(m.getByte(off + INDIRECT_INDIRECT_OP_OFFSET) & 0xFF, nr,
				m.getLong(off + INDIRECT_ID_OFFSET), m.getLong(off + INDIRECT_SECTOR_NUMBER_OFFSET),
				m.getShort(off + INDIRECT_HANDLE_OFFSET) & 0xFFFF, List.of(grefs));
	}

	public byte[] toBytes() {
		return WireFields.toBytes(BlkifLayout.INDIRECT_SIZE, this::encode);
	}

	public static BlkifIndirectRequest fromBytes(byte[] bytes) {
		return WireFields.fromBytes(bytes, BlkifLayout.INDIRECT_SIZE, m -> decode(m, 0));
	}

}
