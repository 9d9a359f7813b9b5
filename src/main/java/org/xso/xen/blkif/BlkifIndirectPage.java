package org.xso.xen.blkif;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.xso.xen.ring.SringLayout;

/**
 * An indirect page: a granted 4 KiB frame holding up to 512 {@code blkif_request_segment}
 * descriptors back to back, referenced from {@link BlkifIndirectRequest#indirectGrefs()}.
 * It is not ring memory, so it is accessed as a plain page buffer; only the frontend
 * writes it, before it pushes the request that names it.
 */
public final class BlkifIndirectPage {

	private BlkifIndirectPage() {
	}

	/**
	 * Writes descriptor {@code i} (0..511), little-endian whatever the buffer's byte
	 * order.
	 */
	public static void writeSegment(ByteBuffer page, int i, BlkifSegment s) {
		s.encode(littleEndian(page), BlkifLayout.indirectSegmentOffset(checkIndex(i)));
	}

	/** Reads descriptor {@code i} (0..511). */
	public static BlkifSegment readSegment(ByteBuffer page, int i) {
		return BlkifSegment.decode(littleEndian(page), BlkifLayout.indirectSegmentOffset(checkIndex(i)));
	}

	/** Which indirect page holds segment {@code n} of an indirect request. */
	public static int pageOfSegment(int n) {
		return n / BlkifLayout.SEGMENTS_PER_INDIRECT_FRAME;
	}

	/**
	 * The descriptor index, within its page, of segment {@code n} of an indirect request.
	 */
	public static int indexInPage(int n) {
		return n % BlkifLayout.SEGMENTS_PER_INDIRECT_FRAME;
	}

	private static int checkIndex(int i) {
		if (i < 0 || i >= BlkifLayout.SEGMENTS_PER_INDIRECT_FRAME) {
			throw new IndexOutOfBoundsException(
					"indirect segment index must be 0.." + (BlkifLayout.SEGMENTS_PER_INDIRECT_FRAME - 1) + ": " + i);
		}
		return i;
	}

	private static ByteBuffer littleEndian(ByteBuffer page) {
		if (page.capacity() < SringLayout.PAGE_SIZE) {
			throw new IllegalArgumentException("indirect page must be " + SringLayout.PAGE_SIZE + " bytes: " + page);
		}
		return (page.order() == ByteOrder.LITTLE_ENDIAN) ? page : page.duplicate().order(ByteOrder.LITTLE_ENDIAN);
	}

}
