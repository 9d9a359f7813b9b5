package org.xso.xen.blkif;

import java.util.List;

import org.xso.xen.ring.RingMemory;
import org.xso.xen.ring.WireFields;

import static org.xso.xen.blkif.BlkifLayout.REQ_HANDLE_OFFSET;
import static org.xso.xen.blkif.BlkifLayout.REQ_ID_OFFSET;
import static org.xso.xen.blkif.BlkifLayout.REQ_NR_SEGMENTS_OFFSET;
import static org.xso.xen.blkif.BlkifLayout.REQ_OPERATION_OFFSET;
import static org.xso.xen.blkif.BlkifLayout.REQ_PAD_OFFSET;
import static org.xso.xen.blkif.BlkifLayout.REQ_SECTOR_NUMBER_OFFSET;

/**
 * {@code struct blkif_request} (112 bytes): a read, write, barrier or flush with up to 11
 * direct segments. Discard and indirect requests share the ring slot but have their own
 * shapes, {@link BlkifDiscardRequest} and {@link BlkifIndirectRequest}; use
 * {@link BlkifOp#peekOperation} to choose.
 *
 * @param operation a {@link BlkifOp} code other than DISCARD and INDIRECT (u8; unknown
 * codes are representable so that a backend can answer them with EOPNOTSUPP)
 * @param nrSegments number of segments, 0..11, equal to {@code segments.size()}
 * @param handle the virtual device ({@code blkif_vdev_t}, u16)
 * @param id opaque frontend value echoed in the response
 * @param sectorNumber start sector in 512-byte units (u64)
 * @param segments the data frames
 */
public record BlkifRequest(int operation, int nrSegments, int handle, long id, long sectorNumber,
		List<BlkifSegment> segments) {

	public BlkifRequest {
		WireFields.u8("operation", operation);
		if (operation == BlkifOp.DISCARD || operation == BlkifOp.INDIRECT) {
			throw new IllegalArgumentException(
					BlkifOp.name(operation) + " has its own request layout: operation=" + operation);
		}
		BlkifLayout.checkNrSegments(nrSegments);
		WireFields.u16("handle", handle);
		segments = List.copyOf(segments);
		if (segments.size() != nrSegments) {
			throw new IllegalArgumentException("nr_segments must equal the number of segments: nr_segments="
					+ nrSegments + " segments=" + segments.size());
		}
	}

	/** A request whose {@code nrSegments} is the number of segments given. */
	public static BlkifRequest of(int operation, int handle, long id, long sectorNumber, List<BlkifSegment> segments) {
		return new BlkifRequest(operation, segments.size(), handle, id, sectorNumber, segments);
	}

	/**
	 * Writes all 112 bytes at {@code off}: the header, the segments, and zeros for the
	 * pad and the unused segment slots, so the entry never carries stale bytes from an
	 * earlier occupant.
	 */
	public void encode(RingMemory m, int off) {
		writeHeader(m, off, this.operation, this.nrSegments, this.handle, this.id, this.sectorNumber);
		for (int i = 0; i < this.nrSegments; i++) {
			this.segments.get(i).encode(m, off + BlkifLayout.segmentOffset(i));
		}
		for (int i = this.nrSegments; i < BlkifLayout.BLKIF_MAX_SEGMENTS_PER_REQUEST; i++) {
			m.putLong(off + BlkifLayout.segmentOffset(i), 0L);
		}
	}

	/**
	 * Reads a request. Call it on a private copy (RING_COPY_REQUEST) or accept that a
	 * frontend may change the slot while it is read.
	 * @throws IllegalArgumentException if the bytes are not a valid request (for example
	 * {@code nr_segments} above 11); {@link BlkifOp#peekId} still gives the id to answer
	 */
	public static BlkifRequest decode(RingMemory m, int off) {
		int nr = m.getByte(off + REQ_NR_SEGMENTS_OFFSET) & 0xFF;
		BlkifLayout.checkNrSegments(nr);
		BlkifSegment[] segments = new BlkifSegment[nr];
		for (int i = 0; i < nr; i++) {
			segments[i] = BlkifSegment.decode(m, off + BlkifLayout.segmentOffset(i));
		}
		return new BlkifRequest(BlkifOp.peekOperation(m, off), nr, m.getShort(off + REQ_HANDLE_OFFSET) & 0xFFFF,
				m.getLong(off + REQ_ID_OFFSET), m.getLong(off + REQ_SECTOR_NUMBER_OFFSET), List.of(segments));
	}

	/**
	 * Allocation-free write of the 24-byte header (no validation); segments follow with
	 * {@link BlkifSegment#write} at {@link BlkifLayout#segmentOffset}.
	 */
	public static void writeHeader(RingMemory m, int off, int operation, int nrSegments, int handle, long id,
			long sectorNumber) {
		m.putByte(off + REQ_OPERATION_OFFSET, (byte) operation);
		m.putByte(off + REQ_NR_SEGMENTS_OFFSET, (byte) nrSegments);
		m.putShort(off + REQ_HANDLE_OFFSET, (short) handle);
		m.putInt(off + REQ_PAD_OFFSET, 0);
		m.putLong(off + REQ_ID_OFFSET, id);
		m.putLong(off + REQ_SECTOR_NUMBER_OFFSET, sectorNumber);
	}

	public byte[] toBytes() {
		return WireFields.toBytes(BlkifLayout.REQUEST_SIZE, this::encode);
	}

	public static BlkifRequest fromBytes(byte[] bytes) {
		return WireFields.fromBytes(bytes, BlkifLayout.REQUEST_SIZE, m -> decode(m, 0));
	}

	/** Sectors transferred: the sum over the segments. */
	public long sectors() {
		long total = 0;
		for (BlkifSegment s : this.segments) {
			total += s.sectors();
		}
		return total;
	}

	@Override
	public String toString() {
		return "BlkifRequest[" + BlkifOp.name(this.operation) + ", handle=" + this.handle + ", id=0x"
				+ Long.toHexString(this.id) + ", sector=" + Long.toUnsignedString(this.sectorNumber) + ", segments="
				+ this.segments + "]";
	}

}
