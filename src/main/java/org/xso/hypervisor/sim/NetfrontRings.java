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
import org.xso.xen.grant.GrantEntryV1;
import org.xso.xen.grant.GrantTable;
import org.xso.xen.netif.NetifLayout;
import org.xso.xen.netif.NetifRxRequest;
import org.xso.xen.netif.NetifRxResponse;
import org.xso.xen.netif.NetifTxRequest;
import org.xso.xen.netif.NetifTxResponse;
import org.xso.xen.ring.FrontRing;
import org.xso.xen.ring.RingMemory;

/**
 * One connection of netfront to its backend: the granted tx and rx ring pages, the tx shadow
 * (Linux {@code tx_skbs[]}: the ring id indexes it, a free list links it) holding each packet's
 * page and its read-only grant, and the rx buffers posted to the backend, each an empty page
 * granted writable (Linux {@code rx_skbs[]} / {@code grant_rx_ref[]}). Confined to the
 * frontend's executor: every field is owned by it.
 */
final class NetfrontRings {

	/** A packet on the tx ring. */
	record TxSlot(long tag, Pfn page, GrantRef ref, int length) {
	}

	/** A posted rx buffer. */
	record RxSlot(Pfn page, GrantRef ref) {
	}

	/** A tx response matched to its packet. */
	record TxDone(long tag, int status) {
	}

	/** Where received frames go: the page is the guest's, valid only during the call. */
	interface RxSink {

		void received(ByteBuffer page, int offset, int status);

	}

	private final SimGuest guest;

	private final GrantTable gnttab;

	private final DomId backend;

	final Pfn txPfn;

	final Pfn rxPfn;

	final GrantRef txRef;

	final GrantRef rxRef;

	private final FrontRing tx;

	private final FrontRing rx;

	private final TxSlot[] txShadow;

	private final Deque<Integer> txFree = new ArrayDeque<>();

	private final RxSlot[] rxSlots;

	private final Deque<Integer> rxFree = new ArrayDeque<>();

	private int txInUse;

	private int rxPosted;

	NetfrontRings(SimGuest guest, DomId backend) {
		this.guest = guest;
		this.gnttab = guest.gnttab();
		this.backend = backend;
		this.txPfn = guest.memory().allocate();
		this.rxPfn = guest.memory().allocate();
		this.txRef = gnttab.grantForeignAccess(backend, guest.memory().mfn(txPfn), false);
		this.rxRef = gnttab.grantForeignAccess(backend, guest.memory().mfn(rxPfn), false);
		this.tx = FrontRing.init(RingMemory.of(guest.memory().page(txPfn)), NetifLayout.TX_ENTRY_SIZE);
		this.rx = FrontRing.init(RingMemory.of(guest.memory().page(rxPfn)), NetifLayout.RX_ENTRY_SIZE);
		this.txShadow = new TxSlot[tx.size()];
		this.rxSlots = new RxSlot[rx.size()];
		for (int i = 0; i < txShadow.length; i++) {
			txFree.addLast(i);
		}
		for (int i = 0; i < rxSlots.length; i++) {
			rxFree.addLast(i);
		}
	}

	int txInFlight() {
		return txInUse;
	}

	int rxPosted() {
		return rxPosted;
	}

	boolean txRoom() {
		return !tx.isFull() && !txFree.isEmpty();
	}

	/** Grants the packet's page read-only and puts one tx request on the ring (not yet pushed). */
	void transmit(NetPacket p) {
		int id = txFree.pollFirst();
		GrantRef ref = gnttab.grantForeignAccess(backend, guest.memory().mfn(p.page()), true);
		new NetifTxRequest(ref.value(), 0, 0, id, p.length()).encode(tx.memory(), tx.requestSlotOffset());
		tx.requestProduced();
		txShadow[id] = new TxSlot(p.tag(), p.page(), ref, p.length());
		txInUse++;
	}

	boolean pushTx() {
		return tx.pushRequestsAndCheckNotify();
	}

	/** Posts fresh empty pages until {@code target} buffers are out or the ring is full. */
	int postRx(int target) {
		int n = 0;
		while (rxPosted < target && !rx.isFull() && !rxFree.isEmpty()) {
			int id = rxFree.pollFirst();
			Pfn page = guest.memory().allocate();
			GrantRef ref = gnttab.grantForeignAccess(backend, guest.memory().mfn(page), false);
			new NetifRxRequest(id, ref.value()).encode(rx.memory(), rx.requestSlotOffset());
			rx.requestProduced();
			rxSlots[id] = new RxSlot(page, ref);
			rxPosted++;
			n++;
		}
		return n;
	}

	boolean pushRx() {
		return rx.pushRequestsAndCheckNotify();
	}

	/** Consumes every tx response; ends the packets' grants and frees their pages. */
	List<TxDone> reapTx(Runnable onBad) {
		List<TxDone> done = new ArrayList<>();
		do {
			while (tx.hasUnconsumedResponses()) {
				NetifTxResponse rsp = NetifTxResponse.decode(tx.memory(), tx.responseSlotOffset());
				tx.responseConsumed();
				TxSlot s = rsp.id() < txShadow.length ? txShadow[rsp.id()] : null;
				if (s == null) {
					onBad.run();
					continue;
				}
				txShadow[rsp.id()] = null;
				txFree.addLast(rsp.id());
				txInUse--;
				endAccess(s.ref());
				guest.memory().free(s.page());
				done.add(new TxDone(s.tag(), rsp.status()));
			}
		}
		while (tx.finalCheckForResponses());
		return done;
	}

	/** Consumes every rx response, hands each frame to {@code sink}, then frees its buffer. */
	void reapRx(RxSink sink, Runnable onBad) {
		do {
			while (rx.hasUnconsumedResponses()) {
				NetifRxResponse rsp = NetifRxResponse.decode(rx.memory(), rx.responseSlotOffset());
				rx.responseConsumed();
				RxSlot s = rsp.id() < rxSlots.length ? rxSlots[rsp.id()] : null;
				if (s == null) {
					onBad.run();
					continue;
				}
				rxSlots[rsp.id()] = null;
				rxFree.addLast(rsp.id());
				rxPosted--;
				endAccess(s.ref());
				sink.received(guest.memory().page(s.page()), rsp.offset(), rsp.status());
				guest.memory().free(s.page());
			}
		}
		while (rx.finalCheckForResponses());
	}

	private void endAccess(GrantRef ref) {
		if (!gnttab.endForeignAccess(ref)) {
			guest.deferEndAccess(ref);
		}
	}

	List<TxSlot> txInFlightSlots() {
		List<TxSlot> out = new ArrayList<>();
		for (TxSlot s : txShadow) {
			if (s != null) {
				out.add(s);
			}
		}
		return out;
	}

	/** The tx shadow as saved state: length in bytes, one page and one grant per packet. */
	List<ShadowEntry> shadowEntries() {
		List<ShadowEntry> out = new ArrayList<>();
		for (int id = 0; id < txShadow.length; id++) {
			TxSlot s = txShadow[id];
			if (s != null) {
				out.add(new ShadowEntry(id, s.tag(), 0, 0, s.length(), List.of(s.page().value()),
						List.of(s.ref().value())));
			}
		}
		return out;
	}

	/** Every grant ref this connection holds: both rings, tx packets, rx buffers. */
	List<GrantRef> refs() {
		List<GrantRef> refs = new ArrayList<>(List.of(txRef, rxRef));
		for (TxSlot s : txShadow) {
			if (s != null) {
				refs.add(s.ref());
			}
		}
		for (RxSlot s : rxSlots) {
			if (s != null) {
				refs.add(s.ref());
			}
		}
		return refs;
	}

	List<GrantSnapshot> grants() {
		List<GrantSnapshot> out = new ArrayList<>();
		for (GrantRef r : refs()) {
			GrantEntryV1 e = gnttab.entry(r);
			out.add(new GrantSnapshot(r.value(), e.flags(), e.domid(), e.frame()));
		}
		return out;
	}

	List<RingSnapshot> snapshots() {
		return List.of(snapshot("tx", tx, txRef), snapshot("rx", rx, rxRef));
	}

	private static RingSnapshot snapshot(String name, FrontRing ring, GrantRef ref) {
		byte[] bytes = new byte[ring.memory().length()];
		ring.memory().getBytes(0, bytes, 0, bytes.length);
		return new RingSnapshot(name, 0, List.of(ref), bytes, ring.reqProd(), ring.reqEvent(), ring.rspProd(),
				ring.rspEvent(), ring.reqProdPvt(), ring.rspCons());
	}

	/** Guest pages this connection owns besides the packets on the tx ring: rings and rx buffers. */
	List<Pfn> privatePages() {
		List<Pfn> out = new ArrayList<>(List.of(txPfn, rxPfn));
		for (RxSlot s : rxSlots) {
			if (s != null) {
				out.add(s.page());
			}
		}
		return out;
	}

	/**
	 * xennet_disconnect_backend: ends access to every grant and frees the rings, the rx buffers and
	 * the pages of packets still on the tx ring. The backend must have unmapped the rings (it is
	 * Closing or Closed); a grant still mapped is deferred.
	 * @return the tags of the packets that were still on the tx ring (now dropped)
	 */
	List<Long> release() {
		List<Long> dropped = new ArrayList<>();
		for (int id = 0; id < txShadow.length; id++) {
			TxSlot s = txShadow[id];
			if (s != null) {
				endAccess(s.ref());
				guest.memory().free(s.page());
				dropped.add(s.tag());
				txShadow[id] = null;
			}
		}
		for (int id = 0; id < rxSlots.length; id++) {
			RxSlot s = rxSlots[id];
			if (s != null) {
				endAccess(s.ref());
				guest.memory().free(s.page());
				rxSlots[id] = null;
			}
		}
		endAccess(txRef);
		endAccess(rxRef);
		guest.memory().free(txPfn);
		guest.memory().free(rxPfn);
		txInUse = 0;
		rxPosted = 0;
		return dropped;
	}

}
