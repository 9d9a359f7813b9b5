package org.xso.xen.blkif;

import org.xso.xen.ring.SringLayout;

/**
 * Byte layout of the blkif ring entries on x86_64 ({@code struct blkif_request},
 * {@code blkif_response}, {@code blkif_request_discard}, {@code blkif_request_indirect},
 * {@code blkif_request_segment}). All offsets are relative to the start of the entry;
 * every field is naturally aligned. Bytes marked pad are written as zero.
 *
 * <pre>
 * blkif_request (112 bytes)                 blkif_response (16 bytes)
 *  0 operation u8 | 1 nr_segments u8         0 id u64
 *  2 handle u16   | 4 pad u32                8 operation u8 | 9 pad u8 | 10 status s16
 *  8 id u64                                 12 pad u32
 * 16 sector_number u64
 * 24 seg[0..10], 8 bytes each:              blkif_request_segment (8 bytes)
 *    +0 gref u32                              0 gref u32 | 4 first_sect u8 | 5 last_sect u8
 *    +4 first_sect u8 | +5 last_sect u8       6 pad u16
 *    +6 pad u16
 *
 * blkif_request_discard (32 bytes)          blkif_request_indirect (64 bytes)
 *  0 operation u8 (5) | 1 flag u8            0 operation u8 (6) | 1 indirect_op u8
 *  2 handle u16       | 4 pad u32            2 nr_segments u16  | 4 pad u32
 *  8 id u64                                  8 id u64
 * 16 sector_number u64                      16 sector_number u64
 * 24 nr_sectors u64                         24 handle u16 | 26 pad u16
 *                                           28 indirect_grefs[8] u32 | 60 pad u32
 * </pre>
 *
 * A ring entry is the union of request and response: {@value #RING_ENTRY_SIZE} bytes, 32
 * slots per page.
 */
public final class BlkifLayout {

	public static final int REQUEST_SIZE = 112;

	public static final int RESPONSE_SIZE = 16;

	public static final int RING_ENTRY_SIZE = Math.max(REQUEST_SIZE, RESPONSE_SIZE);

	public static final int SEGMENT_SIZE = 8;

	public static final int DISCARD_SIZE = 32;

	public static final int INDIRECT_SIZE = 64;

	public static final int BLKIF_MAX_SEGMENTS_PER_REQUEST = BlkifOp.BLKIF_MAX_SEGMENTS_PER_REQUEST;

	public static final int BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST = BlkifOp.BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST;

	public static final int SEGMENTS_PER_INDIRECT_FRAME = BlkifOp.SEGMENTS_PER_INDIRECT_FRAME;

	// blkif_request
	public static final int REQ_OPERATION_OFFSET = 0;

	public static final int REQ_NR_SEGMENTS_OFFSET = 1;

	public static final int REQ_HANDLE_OFFSET = 2;

	public static final int REQ_PAD_OFFSET = 4;

	public static final int REQ_ID_OFFSET = 8;

	public static final int REQ_SECTOR_NUMBER_OFFSET = 16;

	public static final int REQ_SEG_OFFSET = 24;

	// blkif_request_segment
	public static final int SEG_GREF_OFFSET = 0;

	public static final int SEG_FIRST_SECT_OFFSET = 4;

	public static final int SEG_LAST_SECT_OFFSET = 5;

	public static final int SEG_PAD_OFFSET = 6;

	// blkif_response
	public static final int RSP_ID_OFFSET = 0;

	public static final int RSP_OPERATION_OFFSET = 8;

	public static final int RSP_PAD_OFFSET = 9;

	public static final int RSP_STATUS_OFFSET = 10;

	public static final int RSP_TAIL_PAD_OFFSET = 12;

	// blkif_request_discard
	public static final int DISCARD_OPERATION_OFFSET = 0;

	public static final int DISCARD_FLAG_OFFSET = 1;

	public static final int DISCARD_HANDLE_OFFSET = 2;

	public static final int DISCARD_PAD_OFFSET = 4;

	public static final int DISCARD_ID_OFFSET = 8;

	public static final int DISCARD_SECTOR_NUMBER_OFFSET = 16;

	public static final int DISCARD_NR_SECTORS_OFFSET = 24;

	/**
	 * {@code BLKIF_DISCARD_SECURE}: the discard must also erase (needs
	 * {@code discard-secure}).
	 */
	public static final int BLKIF_DISCARD_SECURE = 0x1;

	// blkif_request_indirect
	public static final int INDIRECT_OPERATION_OFFSET = 0;

	public static final int INDIRECT_INDIRECT_OP_OFFSET = 1;

	public static final int INDIRECT_NR_SEGMENTS_OFFSET = 2;

	public static final int INDIRECT_PAD1_OFFSET = 4;

	public static final int INDIRECT_ID_OFFSET = 8;

	public static final int INDIRECT_SECTOR_NUMBER_OFFSET = 16;

	public static final int INDIRECT_HANDLE_OFFSET = 24;

	public static final int INDIRECT_PAD2_OFFSET = 26;

	public static final int INDIRECT_GREFS_OFFSET = 28;

	public static final int INDIRECT_PAD3_OFFSET = 60;

	/**
	 * Sectors per 4 KiB frame; {@code first_sect}/{@code last_sect} are 0..7 inclusive.
	 */
	public static final int SECTORS_PER_FRAME = SringLayout.PAGE_SIZE / 512;

	private BlkifLayout() {
	}

	/** Offset of {@code seg[i]} within a request. */
	public static int segmentOffset(int i) {
		return REQ_SEG_OFFSET + i * SEGMENT_SIZE;
	}

	/** Offset of {@code indirect_grefs[i]} within an indirect request. */
	public static int indirectGrefOffset(int i) {
		return INDIRECT_GREFS_OFFSET + i * Integer.BYTES;
	}

	/** Offset of segment descriptor {@code i} within an indirect page. */
	public static int indirectSegmentOffset(int i) {
		return i * SEGMENT_SIZE;
	}

	/**
	 * {@code INDIRECT_PAGES(nr_segments)}: indirect pages that hold {@code nrSegments}.
	 */
	public static int indirectPages(int nrSegments) {
		return (nrSegments + SEGMENTS_PER_INDIRECT_FRAME - 1) / SEGMENTS_PER_INDIRECT_FRAME;
	}

	/** Slots of a blkif ring of {@code pages} pages (32 per page). */
	public static int ringSize(int pages) {
		SringLayout.checkRingPages(pages);
		return SringLayout.ringSize(pages * SringLayout.PAGE_SIZE, RING_ENTRY_SIZE);
	}

	/** Checks {@code nr_segments} of a direct request: 0 to 11. */
	public static void checkNrSegments(int nrSegments) {
		if (nrSegments < 0 || nrSegments > BLKIF_MAX_SEGMENTS_PER_REQUEST) {
			throw new IllegalArgumentException(
					"nr_segments must be 0.." + BLKIF_MAX_SEGMENTS_PER_REQUEST + ": " + nrSegments);
		}
	}

}
