package org.xso.hypervisor.sim;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.xso.hypervisor.GrantSnapshot;
import org.xso.hypervisor.RingSnapshot;
import org.xso.hypervisor.ShadowEntry;
import org.xso.xen.DomId;
import org.xso.xen.GrantRef;
import org.xso.xen.Pfn;
import org.xso.xen.blkif.BlkifIndirectPage;
import org.xso.xen.blkif.BlkifIndirectRequest;
import org.xso.xen.blkif.BlkifLayout;
import org.xso.xen.blkif.BlkifOp;
import org.xso.xen.blkif.BlkifRequest;
import org.xso.xen.blkif.BlkifResponse;
import org.xso.xen.blkif.BlkifSegment;
import org.xso.xen.grant.GrantEntryV1;
import org.xso.xen.grant.GrantTable;
import org.xso.xen.mm.MachineMemory;
import org.xso.xen.ring.FrontRing;
import org.xso.xen.ring.RingMemory;

/**
 * One queue of blkfront's connection to its backend (Linux {@code blkfront_ring_info}): the granted ring pages, the shadow of requests on the
 * ring (Linux {@code blkfront_ring_info.shadow[]}: the ring id indexes it, a free list links it),
 * and the grants of data, persistent and indirect pages. Confined to the frontend's executor: every
 * field is owned by it.
 */
final class BlkfrontRing {

	/** What one ring slot in flight holds. */
	record Slot(long tag, int op, long sector, int nrSectors, List<Pfn> pfns, List<GrantRef> grefs,
			List<PoolPage> poolPages, List<Pfn> indirectPfns, List<GrantRef> indirectRefs) {
	}

	/** A persistently granted page (feature-persistent): granted once, reused, copied through. */
	record PoolPage(Pfn pfn, GrantRef ref) {
	}

	/** A completed ring request. */
	record Completion(long tag, int status) {
	}

	private final SimGuest guest;

	private final GrantTable gnttab;

	private final DomId backend;

	private final int handle;

	final int order;

	final List<Pfn> ringPfns = new ArrayList<>();

	final List<GrantRef> ringRefs = new ArrayList<>();

	final FrontRing front;

	final boolean persistent;

	final int maxIndirect;

	private final Slot[] shadow;

	private final Deque<Integer> freeIds = new ArrayDeque<>();

	private final Deque<PoolPage> poolFree = new ArrayDeque<>();

	private final List<PoolPage> pool = new ArrayList<>();

	private int inUse;

	BlkfrontRing(SimGuest guest, int handle, DomId backend, int order, boolean persistent, int maxIndirect) {
		this.handle = handle;
		this.guest = guest;
		this.gnttab = guest.gnttab();
		this.backend = backend;
		this.order = order;
		this.persistent = persistent;
		this.maxIndirect = maxIndirect;
		List<ByteBuffer> pages = new ArrayList<>();
		for (int i = 0; i < 1 << order; i++) {
			Pfn pfn = guest.memory().allocate();
			ringPfns.add(pfn);
			pages.add(guest.memory().page(pfn));
			ringRefs.add(gnttab.grantForeignAccess(backend, guest.memory().mfn(pfn), false));
		}
		this.front = FrontRing.init(new RingMemory(pages), BlkifLayout.RING_ENTRY_SIZE);
		this.shadow = new Slot[front.size()];
		for (int i = 0; i < shadow.length; i++) {
			freeIds.addLast(i);
		}
	}

	int inFlight() {
		return inUse;
	}

	/** How many ring slots a bio needs with the negotiated features. */
	int slotsFor(Bio bio) {
		int segs = bio.pages().size();
		if (segs <= BlkifOp.BLKIF_MAX_SEGMENTS_PER_REQUEST) {
			return 1;
		}
		int perRequest = maxIndirect > BlkifOp.BLKIF_MAX_SEGMENTS_PER_REQUEST ? maxIndirect
				: BlkifOp.BLKIF_MAX_SEGMENTS_PER_REQUEST;
		return (segs + perRequest - 1) / perRequest;
	}

	boolean hasRoomFor(Bio bio) {
		return front.freeRequests() >= slotsFor(bio);
	}

	/**
	 * Grant refs putting {@code bio} on the ring takes: its data pages (with persistent grants only
	 * those the pool has no free page for) and the indirect pages of its requests.
	 */
	int grantsFor(Bio bio) {
		int segs = bio.pages().size();
		return (persistent ? newPoolPages(bio) : segs) + indirectPages(bio);
	}

	/** Guest pages putting {@code bio} on the ring populates: new pool pages and indirect pages. */
	int pagesFor(Bio bio) {
		return newPoolPages(bio) + indirectPages(bio);
	}

	private int newPoolPages(Bio bio) {
		return persistent ? Math.max(0, bio.pages().size() - poolFree.size()) : 0;
	}

	private int indirectPages(Bio bio) {
		int segs = bio.pages().size();
		if (segs <= BlkifOp.BLKIF_MAX_SEGMENTS_PER_REQUEST || maxIndirect <= BlkifOp.BLKIF_MAX_SEGMENTS_PER_REQUEST) {
			return 0;
		}
		int indirect = 0;
		for (int first = 0; first < segs; first += maxIndirect) {
			int n = Math.min(maxIndirect, segs - first);
			if (n > BlkifOp.BLKIF_MAX_SEGMENTS_PER_REQUEST) {
				indirect += (n + BlkifOp.SEGMENTS_PER_INDIRECT_FRAME - 1) / BlkifOp.SEGMENTS_PER_INDIRECT_FRAME;
			}
		}
		return indirect;
	}

	/** Puts a bio on the ring as one or more requests (split as the backend's limits require). */
	int issue(Bio bio) {
		int segs = bio.pages().size();
		if (segs == 0) {
			put(bio, 0, 0);
			return 1;
		}
		boolean indirect = segs > BlkifOp.BLKIF_MAX_SEGMENTS_PER_REQUEST
				&& maxIndirect > BlkifOp.BLKIF_MAX_SEGMENTS_PER_REQUEST;
		int perRequest = indirect ? maxIndirect : BlkifOp.BLKIF_MAX_SEGMENTS_PER_REQUEST;
		int n = 0;
		for (int first = 0; first < segs; first += perRequest) {
			put(bio, first, Math.min(perRequest, segs - first));
			n++;
		}
		return n;
	}

	private void put(Bio bio, int firstPage, int pageCount) {
		int id = freeIds.pollFirst();
		long sector = bio.sector() + (long) firstPage * Bio.SECTORS_PER_PAGE;
		List<Pfn> pfns = bio.pages().subList(firstPage, firstPage + pageCount);
		List<GrantRef> grefs = new ArrayList<>(pageCount);
		List<PoolPage> used = new ArrayList<>();
		List<BlkifSegment> segs = new ArrayList<>(pageCount);
		int nsect = 0;
		for (int i = 0; i < pageCount; i++) {
			int count = bio.sectorsInPage(firstPage + i);
			nsect += count;
			GrantRef ref = grantData(bio.op(), pfns.get(i), used);
			grefs.add(ref);
			segs.add(new BlkifSegment(ref.value(), 0, count - 1));
		}
		List<Pfn> indirectPfns = new ArrayList<>();
		List<GrantRef> indirectRefs = new ArrayList<>();
		int off = front.requestSlotOffset();
		if (pageCount > BlkifOp.BLKIF_MAX_SEGMENTS_PER_REQUEST) {
			for (int p = 0; p * BlkifOp.SEGMENTS_PER_INDIRECT_FRAME < pageCount; p++) {
				Pfn ipfn = guest.memory().allocate();
				ByteBuffer page = guest.memory().page(ipfn);
				int end = Math.min(pageCount, (p + 1) * BlkifOp.SEGMENTS_PER_INDIRECT_FRAME);
				for (int s = p * BlkifOp.SEGMENTS_PER_INDIRECT_FRAME; s < end; s++) {
					BlkifIndirectPage.writeSegment(page, s - p * BlkifOp.SEGMENTS_PER_INDIRECT_FRAME, segs.get(s));
				}
				indirectPfns.add(ipfn);
				indirectRefs.add(gnttab.grantForeignAccess(backend, guest.memory().mfn(ipfn), true));
			}
			new BlkifIndirectRequest(bio.op(), pageCount, id, sector, handle,
					indirectRefs.stream().map(GrantRef::value).toList()).encode(front.memory(), off);
		}
		else {
			new BlkifRequest(bio.op(), pageCount, handle, id, sector, segs).encode(front.memory(), off);
		}
		front.requestProduced();
		shadow[id] = new Slot(bio.tag(), bio.op(), sector, nsect, List.copyOf(pfns), grefs, used, indirectPfns,
				indirectRefs);
		inUse++;
	}

	private GrantRef grantData(int op, Pfn pfn, List<PoolPage> used) {
		if (!persistent) {
			return gnttab.grantForeignAccess(backend, guest.memory().mfn(pfn), op == BlkifOp.WRITE);
		}
		PoolPage pp = poolFree.pollFirst();
		if (pp == null) {
			Pfn p = guest.memory().allocate();
			pp = new PoolPage(p, gnttab.grantForeignAccess(backend, guest.memory().mfn(p), false));
			pool.add(pp);
		}
		if (op == BlkifOp.WRITE) {
			copyPage(pfn, pp.pfn());
		}
		used.add(pp);
		return pp.ref();
	}

	private void copyPage(Pfn from, Pfn to) {
		byte[] buf = new byte[MachineMemory.PAGE_SIZE];
		guest.memory().page(from).get(0, buf);
		guest.memory().page(to).put(0, buf);
	}

	/** RING_PUSH_REQUESTS_AND_CHECK_NOTIFY. */
	boolean push() {
		return front.pushRequestsAndCheckNotify();
	}

	/** Consumes every response (with RING_FINAL_CHECK_FOR_RESPONSES) and frees their slots. */
	List<Completion> reap(Runnable onDuplicate) {
		List<Completion> done = new ArrayList<>();
		do {
			while (front.hasUnconsumedResponses()) {
				BlkifResponse rsp = BlkifResponse.decode(front.memory(), front.responseSlotOffset());
				front.responseConsumed();
				Completion c = complete(rsp);
				if (c == null) {
					onDuplicate.run();
				}
				else {
					done.add(c);
				}
			}
		}
		while (front.finalCheckForResponses());
		return done;
	}

	private Completion complete(BlkifResponse rsp) {
		long id = rsp.id();
		if (id < 0 || id >= shadow.length || shadow[(int) id] == null) {
			return null;
		}
		Slot slot = shadow[(int) id];
		shadow[(int) id] = null;
		freeIds.addLast((int) id);
		inUse--;
		if (persistent) {
			for (int i = 0; i < slot.poolPages().size(); i++) {
				if (slot.op() == BlkifOp.READ) {
					copyPage(slot.poolPages().get(i).pfn(), slot.pfns().get(i));
				}
				poolFree.addFirst(slot.poolPages().get(i));
			}
		}
		else {
			slot.grefs().forEach(this::endAccess);
		}
		slot.indirectRefs().forEach(this::endAccess);
		slot.indirectPfns().forEach(guest.memory()::free);
		return new Completion(slot.tag(), rsp.status());
	}

	private void endAccess(GrantRef ref) {
		if (!gnttab.endForeignAccess(ref)) {
			// the backend responded before unmapping: a protocol violation we must survive
			guest.deferEndAccess(ref);
		}
	}

	/** The shadow as saved state. */
	List<ShadowEntry> shadowEntries() {
		List<ShadowEntry> out = new ArrayList<>();
		for (int id = 0; id < shadow.length; id++) {
			Slot s = shadow[id];
			if (s != null) {
				List<GrantRef> refs = new ArrayList<>(s.grefs());
				refs.addAll(s.indirectRefs());
				out.add(new ShadowEntry(id, s.tag(), s.op(), s.sector(), s.nrSectors(),
						s.pfns().stream().map(Pfn::value).toList(), refs.stream().map(GrantRef::value).toList()));
			}
		}
		return out;
	}

	/** Every grant this connection holds, as v1 entries. */
	List<GrantSnapshot> grants() {
		List<GrantRef> refs = new ArrayList<>(ringRefs);
		pool.forEach(p -> refs.add(p.ref()));
		for (Slot s : shadow) {
			if (s != null) {
				if (!persistent) {
					refs.addAll(s.grefs());
				}
				refs.addAll(s.indirectRefs());
			}
		}
		List<GrantSnapshot> out = new ArrayList<>();
		for (GrantRef r : refs) {
			GrantEntryV1 e = gnttab.entry(r);
			out.add(new GrantSnapshot(r.value(), e.flags(), e.domid(), e.frame()));
		}
		return out;
	}

	/** The ring as saved state, named {@code ring} (one queue) or {@code queue-<i>}. */
	RingSnapshot snapshot(String name) {
		byte[] bytes = new byte[front.memory().length()];
		front.memory().getBytes(0, bytes, 0, bytes.length);
		return new RingSnapshot(name, order, ringRefs, bytes, front.reqProd(), front.reqEvent(), front.rspProd(),
				front.rspEvent(), front.reqProdPvt(), front.rspCons());
	}

	/** Guest pages this connection owns besides the bios' (freed when it is released). */
	List<Pfn> privatePages() {
		List<Pfn> out = new ArrayList<>(ringPfns);
		pool.forEach(p -> out.add(p.pfn()));
		for (Slot s : shadow) {
			if (s != null) {
				out.addAll(s.indirectPfns());
			}
		}
		return out;
	}

	/**
	 * Ends access to every grant and frees the ring, pool and indirect pages: blkif_free. The
	 * backend must have unmapped (it is Closing or Closed); a grant still mapped is deferred.
	 */
	void release() {
		ringRefs.forEach(this::endAccess);
		pool.forEach(p -> endAccess(p.ref()));
		for (int id = 0; id < shadow.length; id++) {
			Slot s = shadow[id];
			if (s != null && !persistent) {
				s.grefs().forEach(this::endAccess);
			}
			if (s != null) {
				s.indirectRefs().forEach(this::endAccess);
			}
		}
		privatePages().forEach(guest.memory()::free);
		ringRefs.clear();
		pool.clear();
		poolFree.clear();
	}

}
