package org.xso.xen.ring;

import org.xso.xen.mm.MachineMemory;

/**
 * Layout of a Xen shared ring ({@code struct *_sring} from {@code DEFINE_RING_TYPES} in
 * {@code io/ring.h}): a 64-byte header of four free-running {@code RING_IDX} (u32)
 * counters and padding, followed by {@link #ringSize(int, int) a power of two} entries,
 * each the union of one request and one response.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                     req_prod (frontend)                       |  0
 *  +---------------------------------------------------------------+
 *  |                     req_event (backend)                       |  4
 *  +---------------------------------------------------------------+
 *  |                     rsp_prod (backend)                        |  8
 *  +---------------------------------------------------------------+
 *  |                     rsp_event (frontend)                      | 12
 *  +---------------------------------------------------------------+
 *  |          pvt (4 bytes) + __pad (44 bytes), zeroed             | 16
 *  |                             ...                               |
 *  +---------------------------------------------------------------+
 *  |                ring[0]: union { request; response }           | 64
 *  +---------------------------------------------------------------+
 *  |                ring[1] at 64 + entrySize ...                  |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * A ring spans 1 to {@value #MAX_RING_PAGES} contiguous 4 KiB pages (blkif
 * {@code max-ring-page-order} up to {@value #MAX_RING_PAGE_ORDER}). Every field of every
 * ring structure is naturally aligned, and page boundaries are multiples of 4096, so no
 * field straddles two pages.
 */
public final class SringLayout {

	/** {@code req_prod}: written by the frontend, published with release semantics. */
	public static final int REQ_PROD_OFFSET = 0;

	/**
	 * {@code req_event}: written by the backend ("notify me when req_prod passes this").
	 */
	public static final int REQ_EVENT_OFFSET = 4;

	/** {@code rsp_prod}: written by the backend, published with release semantics. */
	public static final int RSP_PROD_OFFSET = 8;

	/** {@code rsp_event}: written by the frontend. */
	public static final int RSP_EVENT_OFFSET = 12;

	/**
	 * Start of the 48 bytes of {@code pvt} and {@code __pad}, zeroed by SHARED_RING_INIT.
	 */
	public static final int PAD_OFFSET = 16;

	public static final int PAD_LENGTH = 48;

	/** Size of the header; {@code ring[0]} starts here. */
	public static final int HEADER_LENGTH = 64;

	public static final int PAGE_SIZE = MachineMemory.PAGE_SIZE;

	public static final int PAGE_SHIFT = MachineMemory.PAGE_SHIFT;

	public static final int MAX_RING_PAGE_ORDER = 4;

	public static final int MAX_RING_PAGES = 1 << MAX_RING_PAGE_ORDER;

	private SringLayout() {
	}

	/**
	 * {@code __RING_SIZE}: how many entries fit after the header, rounded down to a power
	 * of two.
	 * @param ringBytes bytes of the whole ring, header included
	 * @param entrySize bytes of one entry (the request/response union)
	 * @return the number of slots, a power of two
	 */
	public static int ringSize(int ringBytes, int entrySize) {
		if (entrySize <= 0) {
			throw new IllegalArgumentException("entrySize must be positive: " + entrySize);
		}
		int fit = (ringBytes - HEADER_LENGTH) / entrySize;
		if (ringBytes < HEADER_LENGTH || fit < 1) {
			throw new IllegalArgumentException(
					"ring of " + ringBytes + " bytes holds no entry of " + entrySize + " bytes");
		}
		return Integer.highestOneBit(fit);
	}

	/** Byte offset of {@code ring[slot]}; {@code slot} is already masked. */
	public static int entryOffset(int slot, int entrySize) {
		return HEADER_LENGTH + slot * entrySize;
	}

	/** Checks a ring page count: 1 to {@value #MAX_RING_PAGES}, a power of two. */
	public static void checkRingPages(int pages) {
		if (pages < 1 || pages > MAX_RING_PAGES || Integer.bitCount(pages) != 1) {
			throw new IllegalArgumentException(
					"ring pages must be a power of 2 in 1.." + MAX_RING_PAGES + ": pages=" + pages);
		}
	}

}
