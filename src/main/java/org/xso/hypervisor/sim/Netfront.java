package org.xso.hypervisor.sim;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.xso.hypervisor.DeviceCounters;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceSavedState;
import org.xso.hypervisor.QuiesceReport;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.xen.DomId;
import org.xso.xen.EvtchnPort;
import org.xso.xen.GrantRef;
import org.xso.xen.XenbusState;
import org.xso.xen.netif.NetifStatus;
import org.xso.xen.store.XsTransaction;

/**
 * The guest's net frontend (Linux netfront, NetBSD xennet), on its own executor, reaching its
 * backend only through xenstore, grants and the event channel. It requires {@code feature-rx-copy},
 * publishes both rings and one shared event channel in one transaction and goes straight to
 * Connected (skipping Initialised); when the backend is Connected it turns the carrier on, posts
 * rx buffers and sends what was queued. Under {@link SuspendStrategy#SHADOW_REPLAY} (Linux) a
 * quiesce freezes with packets on the tx ring, and a restore drops them, counted: netfront never
 * replays a transmit. Under {@link SuspendStrategy#SUSPEND_RESUME} (NetBSD) a quiesce drains the
 * tx ring, keeps the rx buffers until the ring is torn down, then closes.
 *
 * <p>
 * <b>Threads.</b> As every {@link Frontend}: the queue, the rings, the carrier and the counters are
 * owned by the driver's executor; {@link #transmit(NetPacket)}, which the workload calls on its own
 * thread, is a message. {@link #restore} fills them in on the caller's thread before the executor
 * runs anything.
 */
final class Netfront extends Frontend {

	/** Rx buffers kept posted (Linux keeps the whole ring; a quarter keeps guests small). */
	static final int RX_TARGET = 64;

	private static final List<String> BACKEND_FEATURES = List.of("feature-rx-copy", "feature-sg",
			"feature-gso-tcpv4", "feature-gso-tcpv6", "feature-ipv6-csum-offload");

	private final NetWorkload workload;

	private final Deque<NetPacket> queue = new ArrayDeque<>();

	private NetfrontRings rings;

	/** The handshake finished: the backend is Connected and the link is up. */
	private boolean carrier;

	private SortedMap<String, String> savedFeatures = new TreeMap<>();

	/** After a restore: the tags that were on the tx ring, dropped when the device resumes. */
	private List<Long> lostInRestore;

	private long issued;

	private long completed;

	private long badResponses;

	private long reissued;

	Netfront(SimGuest guest, DeviceId id, DomId backendId, List<GrantRef> refsBefore, NetWorkload workload) {
		super(guest, id, backendId, refsBefore, "netfront");
		this.workload = workload;
	}

	/** Queues a packet; it goes on the ring when the link is up and the ring has room. A message. */
	void transmit(NetPacket p) {
		executor.execute(() -> {
			queue.addLast(p);
			kick();
		});
	}

	// ---- xenbus --------------------------------------------------------------------------------

	@Override
	void talkToBackend() {
		if (!"1".equals(xs.tryRead(backendPath + "/feature-rx-copy").orElse("0"))) {
			SimLog.warn(executor.name(), "backend does not support feature-rx-copy");
			Xenbus.writeIfPresent(xs, nodePath, "error", "backend does not support feature-rx-copy");
			switchState(XenbusState.Closing);
			return;
		}
		rings = new NetfrontRings(guest, backendId);
		EvtchnPort p = allocEvtchn();
		reached(Phase.REGRANTED);
		xs.transaction((XsTransaction t) -> {
			t.write(nodePath + "/tx-ring-ref", rings.txRef.toString());
			t.write(nodePath + "/rx-ring-ref", rings.rxRef.toString());
			t.write(nodePath + "/event-channel", p.toString());
			t.write(nodePath + "/request-rx-copy", "1");
			t.write(nodePath + "/feature-rx-notify", "1");
		});
		carrier = false;
		switchState(XenbusState.Connected);
	}

	/** Our state is already Connected: the backend's Connected finishes the handshake. */
	@Override
	boolean waitingForConnect() {
		return state == XenbusState.Connected && !carrier && rings != null
				&& (mode == Mode.NEW || mode == Mode.RESUMING);
	}

	@Override
	void backendConnected() {
		SortedMap<String, String> f = features();
		List<String> lost = new ArrayList<>();
		savedFeatures.forEach((k, before) -> {
			if ("1".equals(before) && !"1".equals(f.get(k))) {
				lost.add(k + " 1->" + f.getOrDefault(k, "0"));
			}
		});
		featuresLost = lost;
		carrier = true;
		mode = Mode.RUNNING;
		reached(Phase.CONNECTED);
		refillRx();
		kick();
		reached(Phase.REPLAYED);
		reached(Phase.VERIFIED);
	}

	@Override
	void resume() {
		executor.execute(this::dropLostInRestore);
		super.resume();
	}

	// ---- I/O -----------------------------------------------------------------------------------

	@Override
	void kick() {
		if (mode != Mode.RUNNING || !carrier || rings == null || state != XenbusState.Connected) {
			return;
		}
		boolean pushed = false;
		while (!queue.isEmpty() && rings.txRoom()) {
			rings.transmit(queue.pollFirst());
			issued++;
			pushed = true;
		}
		if (pushed && rings.pushTx()) {
			notifyBackend();
		}
	}

	@Override
	void onEvent() {
		if (rings == null || mode == Mode.FROZEN) {
			// a frozen guest runs no code: the event stays pending until the thaw
			return;
		}
		clearPending();
		reap();
		refillRx();
		kick();
		checkDrained();
	}

	private void reap() {
		for (NetfrontRings.TxDone d : rings.reapTx(() -> badResponses++)) {
			completed++;
			if (d.status() != NetifStatus.NETIF_RSP_OKAY) {
				workload.dropped(d.tag());
			}
		}
		rings.reapRx(this::received, () -> badResponses++);
	}

	/** A negative status carries no frame: netback recorded its loss with the bridge. */
	private void received(ByteBuffer page, int offset, int status) {
		if (status > 0) {
			workload.received(page, offset, status);
		}
	}

	/** Keeps rx buffers posted while the link is up (also while frozen or draining). */
	private void refillRx() {
		boolean up = carrier && (mode == Mode.RUNNING || mode == Mode.FROZEN || mode == Mode.DRAINING);
		if (!up || rings == null) {
			return;
		}
		int target = guest.host().faults.rxBuffersWithheld(guest.domid(), id) ? 0 : RX_TARGET;
		if (rings.postRx(target) > 0 && rings.pushRx()) {
			notifyBackend();
		}
	}

	/** Tx idle: what is on the tx ring has been answered (rx buffers stay posted). */
	@Override
	boolean idle() {
		return rings == null || rings.txInFlight() == 0;
	}

	@Override
	boolean inFlight() {
		return !idle();
	}

	@Override
	void releaseRing() {
		if (rings != null) {
			reap();
			rings.release().forEach(workload::dropped);
			rings = null;
		}
		carrier = false;
		closeEvtchn();
	}

	@Override
	void failQueued() {
		while (!queue.isEmpty()) {
			NetPacket p = queue.pollFirst();
			guest.memory().free(p.page());
			workload.dropped(p.tag());
		}
	}

	// ---- suspend / save / restore ------------------------------------------------------------

	@Override
	QuiesceReport.Device report(SuspendStrategy strategy, long drained) {
		if (strategy == SuspendStrategy.SHADOW_REPLAY) {
			// netfront keeps no shadow to replay: what is on the tx ring is dropped at the restore
			return new QuiesceReport.Device(id, 0, 0, queue.size(), outstanding(), false);
		}
		return new QuiesceReport.Device(id, drained, 0, queue.size(), 0, rings == null);
	}

	@Override
	long outstanding() {
		return rings == null ? 0 : rings.txInFlight();
	}

	@Override
	DeviceSavedState saveState(SortedMap<String, String> backendInfo) {
		List<NetPacket> onRing = rings == null ? List.of()
				: rings.txInFlightSlots().stream().map(s -> new NetPacket(s.tag(), s.page(), s.length())).toList();
		NetfrontImage image = new NetfrontImage(onRing, List.copyOf(queue),
				rings == null ? List.of() : rings.privatePages(), new NetfrontImage.Stats(issued, completed,
						badResponses, reissued));
		return new DeviceSavedState(id, backendId, state, backendState(),
				rings == null ? List.of() : rings.snapshots(), rings == null ? List.of() : rings.grants(),
				evtchnPorts(), features(), backendInfo, rings == null ? List.of() : rings.shadowEntries(),
				image.toBytes());
	}

	/**
	 * Rebuilds the frontend of a restored guest from its saved state (netfront_resume): the old
	 * rings and rx buffers are freed without ending their grants (they died with the old domain);
	 * the packets that were on the tx ring are freed too and, when the device resumes, reported to
	 * the workload as dropped, together with everything else that was on the wire; what was queued
	 * and never reached the ring is sent after the reconnect.
	 */
	static Netfront restore(SimGuest guest, DeviceSavedState saved, NetWorkload workload) {
		List<GrantRef> refsBefore = new ArrayList<>();
		saved.rings().forEach(r -> refsBefore.addAll(r.refs()));
		saved.grants().forEach(g -> refsBefore.add(GrantRef.of(g.ref())));
		Netfront f = new Netfront(guest, saved.id(), saved.backendDomid(), refsBefore, workload);
		NetfrontImage image = NetfrontImage.fromBytes(saved.driverState());
		image.onRing().forEach(p -> guest.memory().free(p.page()));
		image.privatePages().forEach(guest.memory()::free);
		f.queue.addAll(image.queued());
		NetfrontImage.Stats st = image.stats();
		f.issued = st.issued();
		f.completed = st.completed();
		f.badResponses = st.badResponses();
		f.reissued = st.reissued() + image.queued().size();
		f.lostInRestore = image.onRing().stream().map(NetPacket::tag).toList();
		f.savedFeatures = new TreeMap<>(saved.features());
		return f;
	}

	/** On the executor, before the reconnect: the restore's losses reach the workload. */
	private void dropLostInRestore() {
		if (lostInRestore == null) {
			return;
		}
		lostInRestore.forEach(workload::dropped);
		lostInRestore = null;
		workload.lostOnTheWire(queue.stream().map(NetPacket::tag).collect(Collectors.toSet()));
	}

	@Override
	SortedMap<String, String> features() {
		SortedMap<String, String> f = new TreeMap<>();
		if (rings != null) {
			for (String k : BACKEND_FEATURES) {
				f.put(k, xs.tryRead(backendPath + "/" + k).orElse("0"));
			}
			f.put("request-rx-copy", "1");
			f.put("feature-rx-notify", "1");
		}
		return f;
	}

	@Override
	List<GrantRef> ringRefs() {
		return rings == null ? List.of() : List.of(rings.txRef, rings.rxRef);
	}

	/** Every grant ref the device references now (rings, packets on the tx ring, rx buffers). */
	List<Integer> referencedRefs() {
		return rings == null ? List.of() : rings.refs().stream().map(GrantRef::value).toList();
	}

	/** Rx buffers posted to the backend now. */
	int rxPosted() {
		return rings == null ? 0 : rings.rxPosted();
	}

	/** Whether the handshake finished and the link is up. */
	boolean carrier() {
		return carrier;
	}

	@Override
	DeviceCounters counters() {
		NetWorkload.Counters w = workload.counters();
		return new DeviceCounters(issued, completed, w.inFlight(), 0, reissued, w.duplicated() + badResponses,
				w.lost(), w.corrupt(), 0, w.sent(), w.received(), w.dropped());
	}

}
