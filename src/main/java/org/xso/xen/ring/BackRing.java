package org.xso.xen.ring;

import static org.xso.xen.ring.SringLayout.REQ_EVENT_OFFSET;
import static org.xso.xen.ring.SringLayout.REQ_PROD_OFFSET;
import static org.xso.xen.ring.SringLayout.RSP_EVENT_OFFSET;
import static org.xso.xen.ring.SringLayout.RSP_PROD_OFFSET;

/**
 * The backend's view of a shared ring ({@code BACK_RING} from {@code io/ring.h}): it
 * consumes requests and produces responses, one response per consumed request and in the
 * same slots.
 *
 * <p>
 * {@code rspProdPvt} and {@code reqCons} are private, free-running u32 indices held in an
 * {@code int} and compared only through differences. Everything the frontend writes is
 * untrusted: {@link #unconsumedRequests()} is bounded by the ring size whatever
 * {@code req_prod} says, and {@link #requestProdOverflow()} detects a frontend that
 * claims more than a ring of requests.
 */
public final class BackRing {

	private final RingMemory memory;

	private final int entrySize;

	private final int size;

	private final int mask;

	private int rspProdPvt;

	private int reqCons;

	private BackRing(RingMemory memory, int entrySize, int index) {
		this.memory = memory;
		this.entrySize = entrySize;
		this.size = SringLayout.ringSize(memory.length(), entrySize);
		this.mask = this.size - 1;
		this.rspProdPvt = index;
		this.reqCons = index;
	}

	/**
	 * {@code BACK_RING_INIT}: both private indices 0; the shared header is the
	 * frontend's.
	 */
	public static BackRing init(RingMemory memory, int entrySize) {
		return new BackRing(memory, entrySize, 0);
	}

	/**
	 * Attaches to a live ring, for a backend that reconnects: {@code BACK_RING_ATTACH}
	 * with index {@code rsp_prod}, as Linux blkback does. Both {@code rspProdPvt} and
	 * {@code reqCons} start at the shared {@code rsp_prod}, so requests pushed but not
	 * yet answered are consumed (again) rather than lost. (The older two-argument macro
	 * set {@code reqCons = req_prod}, silently dropping those requests.) Check
	 * {@link #requestProdOverflow()} before trusting the ring.
	 */
	public static BackRing attach(RingMemory memory, int entrySize) {
		// Pairs with setIntRelease(rsp_prod) of an earlier backend incarnation.
		return new BackRing(memory, entrySize, memory.getIntAcquire(RSP_PROD_OFFSET));
	}

	/**
	 * {@code BACK_RING_ATTACH(r, s, index, size)}: both private indices set to
	 * {@code index}.
	 */
	public static BackRing attach(RingMemory memory, int entrySize, int index) {
		return new BackRing(memory, entrySize, index);
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

	public int reqCons() {
		return this.reqCons;
	}

	public int rspProdPvt() {
		return this.rspProdPvt;
	}

	// ---- requests

	/** {@code RING_HAS_UNCONSUMED_REQUESTS}. */
	public boolean hasUnconsumedRequests() {
		return unconsumedRequests() != 0;
	}

	/**
	 * {@code XEN_RING_NR_UNCONSUMED_REQUESTS}: the unsigned minimum of
	 * {@code req_prod − reqCons} (what the frontend says) and
	 * {@code size − (reqCons − rspProdPvt)} (slots not still holding unanswered
	 * requests), so a lying frontend cannot make the backend read past its own responses.
	 */
	public int unconsumedRequests() {
		// Acquire: request reads that follow see what the frontend wrote before
		// publishing.
		// Pairs with setIntRelease(req_prod) in FrontRing.pushRequestsAndCheckNotify().
		int req = this.memory.getIntAcquire(REQ_PROD_OFFSET) - this.reqCons;
		int rsp = this.size - (this.reqCons - this.rspProdPvt);
		return Integer.compareUnsigned(req, rsp) < 0 ? req : rsp;
	}

	/** Byte offset of {@code RING_GET_REQUEST(reqCons)}, the next request to read. */
	public int requestSlotOffset() {
		return SringLayout.entryOffset(this.reqCons & this.mask, this.entrySize);
	}

	/**
	 * {@code reqCons++}: the request at {@link #requestSlotOffset()} has been copied out.
	 * @throws IllegalStateException if every slot already holds an unanswered request
	 */
	public void requestConsumed() {
		if (requestConsOverflow()) {
			throw new IllegalStateException("request consumer overflow: " + this);
		}
		this.reqCons++;
	}

	/** {@code RING_REQUEST_CONS_OVERFLOW(r, reqCons)}: reqCons − rspProdPvt ≥ size. */
	public boolean requestConsOverflow() {
		return requestConsOverflow(this.reqCons);
	}

	/** {@code RING_REQUEST_CONS_OVERFLOW(r, cons)}. */
	public boolean requestConsOverflow(int cons) {
		return Integer.compareUnsigned(cons - this.rspProdPvt, this.size) >= 0;
	}

	/**
	 * {@code RING_REQUEST_PROD_OVERFLOW(r, req_prod)}: req_prod − rspProdPvt &gt; size.
	 */
	public boolean requestProdOverflow() {
		// Pairs with setIntRelease(req_prod) in FrontRing.pushRequestsAndCheckNotify().
		return requestProdOverflow(this.memory.getIntAcquire(REQ_PROD_OFFSET));
	}

	/** {@code RING_REQUEST_PROD_OVERFLOW(r, prod)}. */
	public boolean requestProdOverflow(int prod) {
		return Integer.compareUnsigned(prod - this.rspProdPvt, this.size) > 0;
	}

	/**
	 * {@code RING_FINAL_CHECK_FOR_REQUESTS}: if no request is pending, sets
	 * {@code req_event = reqCons + 1} and checks once more, closing the race with a
	 * frontend that pushed just before the event index moved.
	 * @return {@code more_to_do}: {@code false} means the backend may sleep until
	 * notified
	 */
	public boolean finalCheckForRequests() {
		if (hasUnconsumedRequests()) {
			return true;
		}
		// Pairs with the frontend's getIntAcquire(req_event) in
		// pushRequestsAndCheckNotify().
		this.memory.setIntRelease(REQ_EVENT_OFFSET, this.reqCons + 1);
		// xen_mb(): the req_event store must be visible before req_prod is re-read. Pairs
		// with
		// the fullFence in FrontRing.pushRequestsAndCheckNotify() between its req_prod
		// store and
		// its req_event read: at least one of the two sides sees the other's store.
		RingMemory.fullFence();
		return hasUnconsumedRequests();
	}

	// ---- responses

	/**
	 * Byte offset of {@code RING_GET_RESPONSE(rspProdPvt)}, where the next response is
	 * written.
	 */
	public int responseSlotOffset() {
		return SringLayout.entryOffset(this.rspProdPvt & this.mask, this.entrySize);
	}

	/**
	 * {@code rspProdPvt++}: the response written at {@link #responseSlotOffset()} is
	 * complete.
	 * @throws IllegalStateException if no consumed request is waiting for a response
	 */
	public void responseProduced() {
		if (this.rspProdPvt == this.reqCons) {
			throw new IllegalStateException("no consumed request awaits a response: " + this);
		}
		this.rspProdPvt++;
	}

	/**
	 * {@code RING_PUSH_RESPONSES_AND_CHECK_NOTIFY}: publishes
	 * {@code rsp_prod = rspProdPvt} and answers whether the frontend asked to be
	 * notified, that is whether {@code rsp_event} lies in (old, new] modulo 2^32.
	 * @return {@code true} if the caller must kick the event channel
	 */
	public boolean pushResponsesAndCheckNotify() {
		int old = this.memory.getInt(RSP_PROD_OFFSET); // only this side writes rsp_prod
		int newProd = this.rspProdPvt;
		// xen_wmb(); rsp_prod = new: release orders the response writes before the index.
		// Pairs with the frontend's getIntAcquire(rsp_prod) in unconsumedResponses().
		this.memory.setIntRelease(RSP_PROD_OFFSET, newProd);
		// xen_mb(): the rsp_prod store above must be visible before rsp_event is read
		// below.
		// Pairs with the fullFence in FrontRing.finalCheckForResponses() between its
		// rsp_event
		// store and its rsp_prod re-read.
		RingMemory.fullFence();
		// Pairs with the frontend's setIntRelease(rsp_event) in finalCheckForResponses().
		int event = this.memory.getIntAcquire(RSP_EVENT_OFFSET);
		return Integer.compareUnsigned(newProd - event, newProd - old) < 0;
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
		return "BackRing[size=" + this.size + ", reqCons=" + Integer.toUnsignedString(this.reqCons) + ", rspProdPvt="
				+ Integer.toUnsignedString(this.rspProdPvt) + "]";
	}

}
