package org.xso.xen.ring;

import static org.xso.xen.ring.SringLayout.REQ_EVENT_OFFSET;
import static org.xso.xen.ring.SringLayout.REQ_PROD_OFFSET;
import static org.xso.xen.ring.SringLayout.RSP_EVENT_OFFSET;
import static org.xso.xen.ring.SringLayout.RSP_PROD_OFFSET;

/**
 * The frontend's view of a shared ring ({@code FRONT_RING} from {@code io/ring.h}): it
 * produces requests and consumes responses. Method names follow the ring macros so the
 * two can be compared line by line.
 *
 * <p>
 * {@code reqProdPvt} and {@code rspCons} are private, free-running u32 indices held in an
 * {@code int}; Java overflow wraps them exactly as C's {@code RING_IDX} does. They are
 * only ever compared through differences. One thread drives one {@code FrontRing}; the
 * backend's thread drives the {@link BackRing} over the same {@link RingMemory}.
 *
 * <p>
 * Producing a request: write it at {@link #requestSlotOffset()}, call
 * {@link #requestProduced()}, and after a batch call
 * {@link #pushRequestsAndCheckNotify()}. Consuming responses: while
 * {@link #hasUnconsumedResponses()}, read at {@link #responseSlotOffset()} and call
 * {@link #responseConsumed()}; before sleeping, {@link #finalCheckForResponses()}.
 */
public final class FrontRing {

	private final RingMemory memory;

	private final int entrySize;

	private final int size;

	private final int mask;

	private int reqProdPvt;

	private int rspCons;

	private FrontRing(RingMemory memory, int entrySize, int index) {
		this.memory = memory;
		this.entrySize = entrySize;
		this.size = SringLayout.ringSize(memory.length(), entrySize);
		this.mask = this.size - 1;
		this.reqProdPvt = index;
		this.rspCons = index;
	}

	/**
	 * {@code XEN_FRONT_RING_INIT}: {@code SHARED_RING_INIT} (both producers 0, both event
	 * indices 1, padding zeroed) then {@code FRONT_RING_INIT} (private indices 0). Only
	 * the frontend initialises the shared header, before it grants the pages.
	 */
	public static FrontRing init(RingMemory memory, int entrySize) {
		for (int off = SringLayout.PAD_OFFSET; off < SringLayout.HEADER_LENGTH; off += Long.BYTES) {
			memory.putLong(off, 0L);
		}
		// Not yet shared; release stores so a peer attaching later through an acquire
		// sees them.
		memory.setIntRelease(REQ_EVENT_OFFSET, 1);
		memory.setIntRelease(RSP_EVENT_OFFSET, 1);
		memory.setIntRelease(RSP_PROD_OFFSET, 0);
		memory.setIntRelease(REQ_PROD_OFFSET, 0);
		return new FrontRing(memory, entrySize, 0);
	}

	/**
	 * Attaches to a ring that is already live, for recovery: {@code reqProdPvt} = shared
	 * {@code req_prod}, {@code rspCons} = shared {@code rsp_prod} (the classic
	 * two-argument {@code FRONT_RING_ATTACH}). Requests already pushed stay pushed;
	 * responses already produced count as consumed. The shared header is not touched.
	 */
	public static FrontRing attach(RingMemory memory, int entrySize) {
		// Pairs with the releases of req_prod (our own earlier incarnation) and rsp_prod
		// (backend).
		FrontRing ring = new FrontRing(memory, entrySize, memory.getIntAcquire(REQ_PROD_OFFSET));
		ring.rspCons = memory.getIntAcquire(RSP_PROD_OFFSET);
		return ring;
	}

	/**
	 * {@code FRONT_RING_ATTACH(r, s, index, size)} as in the Xen 4.17 headers: both
	 * private indices set to {@code index}.
	 */
	public static FrontRing attach(RingMemory memory, int entrySize, int index) {
		return new FrontRing(memory, entrySize, index);
	}

	public RingMemory memory() {
		return this.memory;
	}

	/** {@code RING_SIZE}: slots in the ring, a power of two. */
	public int size() {
		return this.size;
	}

	public int entrySize() {
		return this.entrySize;
	}

	public int reqProdPvt() {
		return this.reqProdPvt;
	}

	public int rspCons() {
		return this.rspCons;
	}

	// ---- requests

	/** {@code RING_FREE_REQUESTS}: size − (reqProdPvt − rspCons). */
	public int freeRequests() {
		return this.size - (this.reqProdPvt - this.rspCons);
	}

	/** {@code RING_FULL}. */
	public boolean isFull() {
		return freeRequests() == 0;
	}

	/**
	 * Byte offset of {@code RING_GET_REQUEST(reqProdPvt)}, where the next request is
	 * written.
	 * @throws IllegalStateException if the ring is full (the slot still belongs to the
	 * backend)
	 */
	public int requestSlotOffset() {
		checkNotFull();
		return requestSlotOffset(this.reqProdPvt);
	}

	/** Byte offset of the slot of any free-running index. */
	public int requestSlotOffset(int idx) {
		return SringLayout.entryOffset(idx & this.mask, this.entrySize);
	}

	/**
	 * {@code reqProdPvt++}: the request written at {@link #requestSlotOffset()} is
	 * complete. It stays invisible to the backend until
	 * {@link #pushRequestsAndCheckNotify()}.
	 */
	public void requestProduced() {
		checkNotFull();
		this.reqProdPvt++;
	}

	private void checkNotFull() {
		if (isFull()) {
			throw new IllegalStateException("ring full: reqProdPvt=" + Integer.toUnsignedString(this.reqProdPvt)
					+ " rspCons=" + Integer.toUnsignedString(this.rspCons) + " size=" + this.size);
		}
	}

	/**
	 * {@code RING_PUSH_REQUESTS_AND_CHECK_NOTIFY}: publishes
	 * {@code req_prod = reqProdPvt} and answers whether the backend asked to be notified,
	 * that is whether {@code req_event} lies in (old, new] modulo 2^32.
	 * @return {@code true} if the caller must kick the event channel
	 */
	public boolean pushRequestsAndCheckNotify() {
		int old = this.memory.getInt(REQ_PROD_OFFSET); // only this side writes req_prod
		int newProd = this.reqProdPvt;
		// xen_wmb(); req_prod = new: release orders the request writes before the index.
		// Pairs with the backend's getIntAcquire(req_prod) in unconsumedRequests().
		this.memory.setIntRelease(REQ_PROD_OFFSET, newProd);
		// xen_mb(): the req_prod store above must be visible before req_event is read
		// below.
		// Pairs with the fullFence in BackRing.finalCheckForRequests() between its
		// req_event
		// store and its req_prod re-read.
		RingMemory.fullFence();
		// Pairs with the backend's setIntRelease(req_event) in finalCheckForRequests().
		int event = this.memory.getIntAcquire(REQ_EVENT_OFFSET);
		return Integer.compareUnsigned(newProd - event, newProd - old) < 0;
	}

	// ---- responses

	/** {@code RING_HAS_UNCONSUMED_RESPONSES}. */
	public boolean hasUnconsumedResponses() {
		return unconsumedResponses() != 0;
	}

	/** {@code XEN_RING_NR_UNCONSUMED_RESPONSES}: shared rsp_prod − rspCons. */
	public int unconsumedResponses() {
		// Acquire: response reads that follow see what the backend wrote before
		// publishing.
		// Pairs with setIntRelease(rsp_prod) in BackRing.pushResponsesAndCheckNotify().
		return this.memory.getIntAcquire(RSP_PROD_OFFSET) - this.rspCons;
	}

	/** Byte offset of {@code RING_GET_RESPONSE(rspCons)}, the next response to read. */
	public int responseSlotOffset() {
		return SringLayout.entryOffset(this.rspCons & this.mask, this.entrySize);
	}

	/** {@code rspCons++}: the response at {@link #responseSlotOffset()} has been read. */
	public void responseConsumed() {
		this.rspCons++;
	}

	/**
	 * {@code RING_FINAL_CHECK_FOR_RESPONSES}: if no response is pending, sets
	 * {@code rsp_event = rspCons + 1} and checks once more, closing the race with a
	 * backend that pushed just before the event index moved.
	 * @return {@code more_to_do}: {@code false} means the frontend may sleep until
	 * notified
	 */
	public boolean finalCheckForResponses() {
		if (hasUnconsumedResponses()) {
			return true;
		}
		// Pairs with the backend's getIntAcquire(rsp_event) in
		// pushResponsesAndCheckNotify().
		this.memory.setIntRelease(RSP_EVENT_OFFSET, this.rspCons + 1);
		// xen_mb(): the rsp_event store must be visible before rsp_prod is re-read. Pairs
		// with
		// the fullFence in BackRing.pushResponsesAndCheckNotify() between its rsp_prod
		// store and
		// its rsp_event read: at least one of the two sides sees the other's store.
		RingMemory.fullFence();
		return hasUnconsumedResponses();
	}

	// ---- shared header, for diagnostics and tests

	public int reqProd() {
		return this.memory.getIntAcquire(REQ_PROD_OFFSET);
	}

	public int reqEvent() {
		return this.memory.getIntAcquire(REQ_EVENT_OFFSET);
	}

	public int rspProd() {
		return this.memory.getIntAcquire(RSP_PROD_OFFSET);
	}

	public int rspEvent() {
		return this.memory.getIntAcquire(RSP_EVENT_OFFSET);
	}

	@Override
	public String toString() {
		return "FrontRing[size=" + this.size + ", reqProdPvt=" + Integer.toUnsignedString(this.reqProdPvt)
				+ ", rspCons=" + Integer.toUnsignedString(this.rspCons) + "]";
	}

}
