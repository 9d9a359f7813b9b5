package org.xso.xen.blkif;

import org.xso.xen.ring.RingMemory;
import org.xso.xen.ring.WireFields;

import static org.xso.xen.blkif.BlkifLayout.DISCARD_FLAG_OFFSET;
import static org.xso.xen.blkif.BlkifLayout.DISCARD_HANDLE_OFFSET;
import static org.xso.xen.blkif.BlkifLayout.DISCARD_ID_OFFSET;
import static org.xso.xen.blkif.BlkifLayout.DISCARD_NR_SECTORS_OFFSET;
import static org.xso.xen.blkif.BlkifLayout.DISCARD_OPERATION_OFFSET;
import static org.xso.xen.blkif.BlkifLayout.DISCARD_PAD_OFFSET;
import static org.xso.xen.blkif.BlkifLayout.DISCARD_SECTOR_NUMBER_OFFSET;

/**
 * {@code struct blkif_request_discard} (32 bytes), operation {@link BlkifOp#DISCARD}.
 *
 * @param flag 0 or {@link BlkifLayout#BLKIF_DISCARD_SECURE} (u8)
 * @param handle the virtual device (u16)
 * @param id opaque frontend value echoed in the response
 * @param sectorNumber first sector to discard (u64)
 * @param nrSectors number of contiguous sectors (u64)
 */
public record BlkifDiscardRequest(int flag, int handle, long id, long sectorNumber, long nrSectors) {

	public BlkifDiscardRequest {
		WireFields.u8("flag", flag);
		WireFields.u16("handle", handle);
	}

	public boolean secure() {
		return (this.flag & BlkifLayout.BLKIF_DISCARD_SECURE) != 0;
	}

	/**
	 * Writes the 32 bytes, pad included, at {@code off}; the rest of the slot is
	 * untouched.
	 */
	public void encode(RingMemory m, int off) {
		m.putByte(off + DISCARD_OPERATION_OFFSET, (byte) BlkifOp.DISCARD);
		m.putByte(off + DISCARD_FLAG_OFFSET, (byte) this.flag);
		m.putShort(off + DISCARD_HANDLE_OFFSET, (short) this.handle);
		m.putInt(off + DISCARD_PAD_OFFSET, 0);
		m.putLong(off + DISCARD_ID_OFFSET, this.id);
		m.putLong(off + DISCARD_SECTOR_NUMBER_OFFSET, this.sectorNumber);
		m.putLong(off + DISCARD_NR_SECTORS_OFFSET, this.nrSectors);
	}

	/**
	 * @throws IllegalArgumentException if the operation byte is not DISCARD */
	public static BlkifDiscardRequest decode(RingMemory m, int off) {
		int op = BlkifOp.peekOperation(m, off);
		if (op != BlkifOp.DISCARD) {
			throw new IllegalArgumentException("not a discard request: operation=" + op);
		}
		return new BlkifDiscardRequest(m.getByte(off + DISCARD_FLAG_OFFSET) & 0xFF,
				m.getShort(off + DISCARD_HANDLE_OFFSET) & 0xFFFF, m.getLong(off + DISCARD_ID_OFFSET),
				m.getLong(off + DISCARD_SECTOR_NUMBER_OFFSET), m.getLong(off + DISCARD_NR_SECTORS_OFFSET));
	}

	public byte[] toBytes() {
		return WireFields.toBytes(BlkifLayout.DISCARD_SIZE, this::encode);
	}

	public static BlkifDiscardRequest fromBytes(byte[] bytes) {
		return WireFields.fromBytes(bytes, BlkifLayout.DISCARD_SIZE, m -> decode(m, 0));
	}

}
