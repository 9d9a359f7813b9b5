package org.xso.hypervisor.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.xso.hypervisor.DeviceId;
import org.xso.xen.DomId;
import org.xso.xen.EvtchnPort;
import org.xso.xen.GrantRef;
import org.xso.xen.Mfn;
import org.xso.xen.XenbusState;
import org.xso.xen.grant.Gntst;
import org.xso.xen.grant.GrantCopySide;
import org.xso.xen.grant.GrantMapResult;
import org.xso.xen.mm.MachineMemory;
import org.xso.xen.netif.NetifFlags;
import org.xso.xen.netif.NetifLayout;
import org.xso.xen.netif.NetifStatus;
import org.xso.xen.netif.NetifTxRequest;
import org.xso.xen.netif.NetifTxResponse;
import org.xso.xen.ring.BackRing;
import org.xso.xen.ring.RingMemory;
import org.xso.xen.store.XsTransaction;

/**
 * The net backend (Linux netback, copying in both directions), in dom0 or a driver domain. Its
 * probe finds the {@link Bridge} its {@code bridge} key names among its domain's (the vif-bridge
 * hotplug script fails without one). It publishes its features and goes InitWait; when the
 * frontend is Connected (netfront skips Initialised) it maps both rings, binds the event channel,
 * attaches its vif to the bridge and goes Connected. Transmit: each tx request's packet is copied
 * ({@code GNTTABOP_copy}) out of the guest's read-only granted page into a frame of the backend
 * domain, answered OKAY (ERROR if the copy fails) and handed to the bridge. Receive is {@link NetbackRx}. On the frontend's Closing or Closed it detaches
 * from the bridge (frames on their way are dropped and recorded), unbinds and unmaps. It runs on
 * its own executor and reaches the frontend only through xenstore, grants and the event channel.
 *
 * <p>
 * <b>Threads.</b> Every field is owned by the driver's executor (see {@link Backend}), which the
 * event channel's handler, the stall timer and the bridge's deliveries queue their work on; the
 * transmit count alone is volatile, written there and read by tests and benchmarks.
 */
final class Netback extends Backend {

	/** How often a stalled backend (fault injection) looks at its tx ring again. */
	private static final Duration STALL_POLL = Duration.ofMillis(2);

	private static final String[] FEATURES = { "feature-sg", "feature-gso-tcpv4", "feature-gso-tcpv6",
			"feature-ipv6-csum-offload", "feature-rx-copy" };

	private final NetbackRx rx;

	private String mac;

	/** The bridge the vif joins, found by the probe. Owned by the executor. */
	private Bridge bridge;

	private BackRing txRing;

	private EvtchnPort port;

	private Bridge.Port vif;

	private boolean retryArmed;

	/**
	 * Output commit (Remus's buffered network output): while {@link #holding}, the frames the guest
	 * transmits wait here in order, with a barrier (a {@code Long}) at each capture between them,
	 * until the capture after them is durable ({@link #releaseOutput}). Owned by the executor.
	 */
	private final java.util.ArrayDeque<Object> held = new java.util.ArrayDeque<>();

	private boolean holding;

	private long barriers;

	/** The newest barrier whose frames have left. Owned by the executor. */
	private long released;

	/** Frames held now; written on the executor, read by tests. */
	private volatile int heldFrames;

	/** Written on the executor only; volatile for readers elsewhere. */
	private volatile long transmitted;

	Netback(SimHost host, SimBackendDomain domain, DomId frontend, DeviceId id, String dir) {
		super(host, domain, frontend, id, dir, "netback");
		this.rx = new NetbackRx(host, domain.domid, frontend, executor);
	}

	@Override
	boolean probeDevice() {
		mac = xs.read(dir + "/mac");
		String name = xs.read(dir + "/bridge");
		bridge = domain.bridge(name);
		if (bridge == null) {
			return hotplugFailed("Could not find bridge device " + name + " in " + domain);
		}
		// what the vif-bridge hotplug script reports once the vif is in the bridge
		Xenbus.writeIfPresent(xs, dir, "hotplug-status", "connected");
		return true;
	}

	@Override
	void writeFeatures(XsTransaction t) {
		for (String f : FEATURES) {
			t.write(dir + "/" + f, "1");
		}
		t.write(dir + "/feature-rx-flip", "0");
	}

	@Override
	boolean ringConnected() {
		return txRing != null;
	}

	@Override
	void connect() {
		if (!"1".equals(xs.tryRead(frontendPath + "/request-rx-copy").orElse("0"))) {
			fatal("frontend does not request rx-copy");
			return;
		}
		BackRing tx = mapRing("tx-ring-ref", NetifLayout.TX_ENTRY_SIZE);
		BackRing rxRing = tx == null ? null : mapRing("rx-ring-ref", NetifLayout.RX_ENTRY_SIZE);
		if (rxRing == null) {
			unmapRings();
			return;
		}
		try {
			EvtchnPort remote = EvtchnPort.of(Integer.parseInt(xs.read(frontendPath + "/event-channel")));
			port = host.evtchn.bindInterdomain(domain.domid, frontend, remote);
		}
		catch (RuntimeException e) {
			unmapRings();
			fatal("binding event-channel: " + e.getMessage());
			return;
		}
		host.evtchn.bindHandler(domain.domid, port, () -> executor.execute(this::onEvent));
		txRing = tx;
		rx.connect(rxRing, port, bridge);
		vif = bridge.attach(new Bridge.VifKey(frontend, id.devid()), mac, executor, rx::receive);
		switchState(XenbusState.Connected);
		onEvent();
	}

	private BackRing mapRing(String key, int entrySize) {
		String ref = xs.tryRead(frontendPath + "/" + key).orElse(null);
		if (ref == null) {
			fatal("reading " + key);
			return null;
		}
		GrantMapResult r = host.grants.map(domain.domid, frontend, GrantRef.of(Integer.parseUnsignedInt(ref)), false);
		if (r instanceof GrantMapResult.Mapped m) {
			ringMappings.add(m.handle());
			return BackRing.init(RingMemory.of(m.page()), entrySize);
		}
		fatal("mapping " + key + " " + ref + ": " + Gntst.name(r.status()));
		return null;
	}

	private void fatal(String message) {
		SimLog.warn(executor.name(), message);
		Xenbus.writeIfPresent(xs, dir, "error", message);
		switchState(XenbusState.Closing);
	}

	private void onEvent() {
		if (txRing == null) {
			return;
		}
		host.evtchn.clearPending(domain.domid, port);
		transmit();
		rx.deliverQueued();
	}

	// ---- transmit: guest to bridge --------------------------------------------------------------

	private void transmit() {
		if (host.faults.stalled(frontend)) {
			retryLater();
			return;
		}
		List<Bridge.Frame> out = new ArrayList<>();
		boolean inChain = false;
		do {
			while (txRing.hasUnconsumedRequests() && !txRing.requestConsOverflow()) {
				NetifTxRequest req = NetifTxRequest.decode(txRing.memory(), txRing.requestSlotOffset());
				txRing.requestConsumed();
				// one slot per packet: a multi-slot chain (or extra info) is refused slot by slot
				boolean chained = req.hasFlag(NetifFlags.NETTXF_MORE_DATA) || req.hasFlag(NetifFlags.NETTXF_EXTRA_INFO);
				Bridge.Frame f = inChain || chained ? null : copyIn(req);
				inChain = chained;
				respond(req.id(), f == null ? NetifStatus.NETIF_RSP_ERROR : NetifStatus.NETIF_RSP_OKAY);
				if (f != null) {
					out.add(f);
				}
			}
		}
		while (txRing.finalCheckForRequests());
		if (txRing.pushResponsesAndCheckNotify()) {
			host.evtchn.send(domain.domid, port);
		}
		for (Bridge.Frame f : out) {
			if (holding) {
				held.addLast(f);
				heldFrames++;
			}
			else {
				forward(f);
			}
		}
	}

	private void forward(Bridge.Frame f) {
		if (vif == null || !bridge.transmit(vif, f)) {
			host.memory.free(f.buffer());
		}
	}

	// ---- output commit --------------------------------------------------------------------------

	/** Starts or stops holding the guest's output; stopping releases everything held. A message. */
	CompletableFuture<Void> holdOutput(boolean hold) {
		return CompletableFuture.supplyAsync(() -> {
			holding = hold;
			if (!hold) {
				release(Long.MAX_VALUE);
			}
			return null;
		}, executor);
	}

	/**
	 * Whether transmit requests wait on the ring unconsumed (what a stalled backend leaves; a fault's
	 * effect, for tests and diagnostics). A message: it answers after whatever this backend was doing.
	 */
	CompletableFuture<Boolean> transmitsWaiting() {
		return CompletableFuture.supplyAsync(() -> txRing != null && txRing.hasUnconsumedRequests(), executor);
	}

	/**
	 * A capture was taken (the guest is paused): what the guest transmitted so far belongs to it.
	 * Returns the barrier that {@link #releaseOutput} names, or 0 when no output is held. A message.
	 */
	CompletableFuture<Long> outputBarrier() {
		return CompletableFuture.supplyAsync(() -> {
			if (!holding) {
				return 0L;
			}
			held.addLast(++barriers);
			return barriers;
		}, executor);
	}

	/**
	 * The capture of {@code barrier} is durable: the frames before it leave, in order; those after it
	 * wait for a later capture. Nothing if that barrier was released already. A message.
	 */
	void releaseOutput(long barrier) {
		executor.execute(() -> {
			if (barrier > released) {
				release(barrier);
			}
		});
	}

	private void release(long barrier) {
		released = Math.min(barrier, barriers);
		while (!held.isEmpty()) {
			Object o = held.pollFirst();
			if (o instanceof Long b) {
				if (b >= barrier) {
					return;
				}
			}
			else {
				heldFrames--;
				forward((Bridge.Frame) o);
			}
		}
	}

	int heldFrames() {
		return heldFrames;
	}

	private Bridge.Frame copyIn(NetifTxRequest req) {
		if (req.size() < NetFrame.ETH_HLEN || req.offset() + req.size() > MachineMemory.PAGE_SIZE) {
			return null;
		}
		Mfn buf = host.memory.allocate();
		int st = host.grants.copy(domain.domid, GrantCopySide.granted(frontend, GrantRef.of(req.gref()), req.offset()),
				GrantCopySide.local(buf, 0), req.size());
		if (st != Gntst.GNTST_okay) {
			SimLog.debug(executor.name(), "tx copy of gref " + req.gref() + ": " + Gntst.name(st));
			host.memory.free(buf);
			return null;
		}
		transmitted++;
		return new Bridge.Frame(buf, host.memory.page(buf), req.size(), vif.key);
	}

	private void respond(int reqId, int status) {
		new NetifTxResponse(reqId, status).encode(txRing.memory(), txRing.responseSlotOffset());
		txRing.responseProduced();
	}

	private void retryLater() {
		if (!retryArmed) {
			retryArmed = true;
			host.later(executor, () -> {
				retryArmed = false;
				onEvent();
			}, STALL_POLL);
		}
	}

	// ---- teardown -------------------------------------------------------------------------------

	/** Detaches from the bridge (dropping what was on its way), unbinds and unmaps. */
	@Override
	void disconnect(Runnable then) {
		// output held for an epoch that was never made durable never leaves (the capture it waited for is gone)
		for (Object o : held) {
			if (o instanceof Bridge.Frame f) {
				bridge.dropped(f, Bridge.DropReason.OUTPUT_NOT_COMMITTED);
				host.memory.free(f.buffer());
			}
		}
		held.clear();
		heldFrames = 0;
		holding = false;
		if (vif != null) {
			vif.close().forEach(f -> rx.drop(f, Bridge.DropReason.VIF_DISCONNECTED));
			vif = null;
		}
		rx.disconnect();
		if (txRing != null) {
			host.evtchn.close(domain.domid, port);
			port = null;
			txRing = null;
		}
		unmapRings();
		then.run();
	}

	@Override
	void switchState(XenbusState next) {
		if (next != state || next == XenbusState.InitWait) {
			super.switchState(next);
		}
	}

	/** Packets copied out of the guest's tx ring. */
	long transmitted() {
		return transmitted;
	}

	/** Frames copied into the guest's rx buffers. */
	long received() {
		return rx.delivered();
	}

}
