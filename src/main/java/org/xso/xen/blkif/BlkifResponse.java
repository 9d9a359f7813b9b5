package org.xso.xen.blkif;

import org.xso.xen.ring.RingMemory;
import org.xso.xen.ring.WireFields;

import static org.xso.xen.blkif.BlkifLayout.RSP_ID_OFFSET;
import static org.xso.xen.blkif.BlkifLayout.RSP_OPERATION_OFFSET;
import static org.xso.xen.blkif.BlkifLayout.RSP_PAD_OFFSET;
import static org.xso.xen.blkif.BlkifLayout.RSP_STATUS_OFFSET;
import static org.xso.xen.blkif.BlkifLayout.RSP_TAIL_PAD_OFFSET;

/**
 * {@code struct blkif_response} (16 bytes).
 *
 * @param id the request's id, echoed
 * @param operation the request's operation (u8)
 * @param status a {@link BlkifStatus} code (s16)
 */
public record BlkifResponse(long id, int operation, int status) {

	public BlkifResponse {
		WireFields.u8("operation", operation);
		WireFields.s16("status", status);
	}

	/** Writes all 16 bytes, pads included, at {@code off}. */
	public void encode(RingMemory m, int off) {
		write(m, off, this.id, this.operation, this.status);
	}

	public static BlkifResponse decode(RingMemory m, int off) {
		return new BlkifResponse(m.getLong(off + RSP_ID_OFFSET), m.getByte(off + RSP_OPERATION_OFFSET) & 0xFF,
				m.getShort(off + RSP_STATUS_OFFSET));
	}

	/** Allocation-free write of all 16 bytes (no validation). */
	public static void write(RingMemory m, int off, long id, int operation, int status) {
		m.putLong(off + RSP_ID_OFFSET, id);
		m.putByte(off + RSP_OPERATION_OFFSET, (byte) operation);
		m.putByte(off + RSP_PAD_OFFSET, (byte) 0);
		m.putShort(off + RSP_STATUS_OFFSET, (short) status);
		m.putInt(off + RSP_TAIL_PAD_OFFSET, 0);
	}

	/** Allocation-free read of the id of the response at {@code off}. */
	public static long readId(RingMemory m, int off) {
		return m.getLong(off + RSP_ID_OFFSET);
	}

	/** Allocation-free read of the status of the response at {@code off}. */
	public static int readStatus(RingMemory m, int off) {
		return m.getShort(off + RSP_STATUS_OFFSET);
	}

	public byte[] toBytes() {
		return WireFields.toBytes(BlkifLayout.RESPONSE_SIZE, this::encode);
	}

	public static BlkifResponse fromBytes(byte[] bytes) {
		return WireFields.fromBytes(bytes, BlkifLayout.RESPONSE_SIZE, m -> decode(m, 0));
	}

	@Override
	public String toString() {
		return "BlkifResponse[id=0x" + Long.toHexString(this.id) + ", " + BlkifOp.name(this.operation) + ", "
				+ BlkifStatus.name(this.status) + "]";
	}

}
