package org.xso.hypervisor.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import org.xso.hypervisor.CanonicalInput;
import org.xso.hypervisor.CanonicalOutput;
import org.xso.hypervisor.DeviceCounters;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceSavedState;
import org.xso.hypervisor.QuiesceReport;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.xen.DomId;
import org.xso.xen.EvtchnPort;
import org.xso.xen.GrantRef;
import org.xso.xen.Pfn;
import org.xso.xen.XenbusState;
import org.xso.xen.blkif.BlkifOp;
import org.xso.xen.blkif.BlkifStatus;
import org.xso.xen.store.XsTransaction;

/**
 * The guest's block frontend (Linux blkfront, NetBSD xbd, illumos xdf), running the xenbus
 * handshake on its own executor and reaching its backend only through xenstore, grants and the
 * event channel. Both suspend strategies live here: {@link SuspendStrategy#SHADOW_REPLAY} freezes
 * with requests in flight and, after a restore, requeues what its shadow held (as current Linux
 * does, so a backend with other limits gets re-split requests); {@link
 * SuspendStrategy#SUSPEND_RESUME} drains, tears the ring down and re-runs the attach path.
 */
final class Blkfront extends Frontend {

	/** blkfront's own limit on ring-page-order (Linux module parameter max_ring_page_order). */
	static final int MAX_RING_PAGE_ORDER = 2;

	/** Linux blkfront uses at most 32 indirect segments by default. */
	static final int MAX_INDIRECT_SEGMENTS = 32;

	private final BioSink sink;

	private BlkfrontRing ring;

	private final Deque<Bio> queue = new ArrayDeque<>();

	/** A bio on the ring: how many of its ring requests are still out, and whether one failed. */
	private static final class OnRing {

		int left;

		boolean failed;

		OnRing(int left) {
			this.left = left;
		}

	}

	/** Bios on the ring, by tag. */
	private final Map<Long, OnRing> onRing = new LinkedHashMap<>();

	private final Map<Long, Bio> bios = new LinkedHashMap<>();

	/** Tags that must complete before a resume is verified (in flight or queued at the suspend). */
	private final Set<Long> preSuspend = new HashSet<>();

	private final Set<Long> replayTags = new HashSet<>();

	private SortedMap<String, String> savedFeatures = new TreeMap<>();

	/** Refs of rings torn down by a suspend routine: never handed out again after a restore. */
	private final List<GrantRef> retiredRefs = new ArrayList<>();

	private long issued;

	private long completed;

	private long replayed;

	private long reissued;

	private long duplicated;

	Blkfront(SimGuest guest, DeviceId id, BioSink sink) {
		super(guest, id, "blkfront");
		this.sink = sink;
	}

	/** Submits a bio; it is issued when the device is connected and the ring has room. */
	void submit(Bio bio) {
		executor.execute(() -> {
			issued++;
			bios.put(bio.tag(), bio);
			queue.addLast(bio);
			kick();
		});
	}

	// ---- xenbus ------------------------------------------------------------------------------

	@Override
	void talkToBackend() {
		int beOrder = Integer.parseInt(xs.tryRead(backendPath + "/max-ring-page-order").orElse("0"));
		int order = Math.min(beOrder, MAX_RING_PAGE_ORDER);
		boolean persistent = "1".equals(xs.tryRead(backendPath + "/feature-persistent").orElse("0"));
		int beIndirect = Integer.parseInt(xs.tryRead(backendPath + "/feature-max-indirect-segments").orElse("0"));
		int indirect = beIndirect > BlkifOp.BLKIF_MAX_SEGMENTS_PER_REQUEST ? Math.min(beIndirect, MAX_INDIRECT_SEGMENTS)
				: 0;
		ring = new BlkfrontRing(guest, id.devid() & 0xFFFF, backendId, order, persistent, indirect);
		EvtchnPort p = allocEvtchn();
		regranted.complete(null);
		xs.transaction((XsTransaction t) -> {
			if (order == 0) {
				t.write(nodePath + "/ring-ref", ring.ringRefs.get(0).toString());
			}
			else {
				t.write(nodePath + "/ring-page-order", Integer.toString(order));
				for (int i = 0; i < ring.ringRefs.size(); i++) {
					t.write(nodePath + "/ring-ref" + i, ring.ringRefs.get(i).toString());
				}
			}
			t.write(nodePath + "/event-channel", p.toString());
			t.write(nodePath + "/protocol", "x86_64-abi");
			t.write(nodePath + "/feature-persistent", "1");
		});
		switchState(XenbusState.Initialised);
	}

	@Override
	void backendConnected() {
		SortedMap<String, String> f = features();
		List<String> lost = new ArrayList<>();
		for (String k : List.of("feature-persistent", "feature-max-indirect-segments", "ring-page-order")) {
			String before = savedFeatures.getOrDefault(k, "0");
			String after = f.getOrDefault(k, "0");
			if (Integer.parseInt(after) < Integer.parseInt(before)) {
				lost.add(k + " " + before + "->" + after);
			}
		}
		featuresLost = lost;
		switchState(XenbusState.Connected);
		mode = Mode.RUNNING;
		connected.complete(null);
		kick();
		replayedPhase.complete(null);
		checkVerified();
	}

	@Override
	boolean inFlight() {
		return ring != null && ring.inFlight() > 0;
	}

	@Override
	void releaseRing() {
		if (ring != null) {
			retiredRefs.addAll(ring.ringRefs);
			ring.release();
			ring = null;
		}
		closeEvtchn();
	}

	@Override
	void failQueued() {
		while (!queue.isEmpty()) {
			Bio b = queue.pollFirst();
			bios.remove(b.tag());
			sink.completed(b.tag(), BlkifStatus.ERROR);
		}
	}

	// ---- I/O -----------------------------------------------------------------------------------

	@Override
	void kick() {
		if (mode != Mode.RUNNING || ring == null || state != XenbusState.Connected) {
			return;
		}
		boolean pushed = false;
		while (!queue.isEmpty() && ring.hasRoomFor(queue.peekFirst())) {
			Bio b = queue.pollFirst();
			if (replayTags.remove(b.tag())) {
				replayed++;
			}
			else if (preSuspend.contains(b.tag())) {
				reissued++;
			}
			onRing.put(b.tag(), new OnRing(ring.issue(b)));
			pushed = true;
		}
		if (pushed && ring.push()) {
			notifyBackend();
		}
	}

	@Override
	void onEvent() {
		if (ring == null || mode == Mode.FROZEN) {
			// a frozen guest runs no code: the event stays pending until the thaw
			return;
		}
		clearPending();
		for (BlkfrontRing.Completion c : ring.reap(() -> duplicated++)) {
			OnRing b = onRing.get(c.tag());
			if (b == null) {
				duplicated++;
				continue;
			}
			b.failed |= c.status() != BlkifStatus.OKAY;
			if (--b.left > 0) {
				continue;
			}
			onRing.remove(c.tag());
			bios.remove(c.tag());
			completed++;
			preSuspend.remove(c.tag());
			sink.completed(c.tag(), b.failed ? BlkifStatus.ERROR : BlkifStatus.OKAY);
		}
		kick();
		checkDrained();
		checkVerified();
	}

	private void checkVerified() {
		if (mode == Mode.RUNNING && preSuspend.isEmpty()) {
			verified.complete(null);
		}
	}

	@Override
	boolean idle() {
		return onRing.isEmpty();
	}

	// ---- suspend / save / restore ------------------------------------------------------------

	@Override
	QuiesceReport.Device report(SuspendStrategy strategy, long drained) {
		long shadowed = strategy == SuspendStrategy.SHADOW_REPLAY && ring != null ? ring.inFlight() : 0;
		return new QuiesceReport.Device(id, drained, shadowed, queue.size(), 0, ring == null);
	}

	@Override
	long outstanding() {
		return onRing.size();
	}

	@Override
	DeviceSavedState save(SortedMap<String, String> backendInfo) {
		CanonicalOutput out = new CanonicalOutput();
		out.writeInt(onRing.size());
		onRing.keySet().forEach(tag -> bios.get(tag).writeTo(out));
		out.writeInt(queue.size());
		queue.forEach(b -> b.writeTo(out));
		List<Pfn> priv = ring == null ? List.of() : ring.privatePages();
		out.writeInt(priv.size());
		priv.forEach(p -> out.writeLong(p.value()));
		out.writeLong(issued).writeLong(completed).writeLong(replayed).writeLong(reissued).writeLong(duplicated);
		out.writeInt(retiredRefs.size());
		retiredRefs.forEach(r -> out.writeInt(r.value()));
		return new DeviceSavedState(id, backendId, state, backendState(),
				ring == null ? List.of() : List.of(ring.snapshot()), ring == null ? List.of() : ring.grants(),
				evtchnPorts(), features(), backendInfo, ring == null ? List.of() : ring.shadowEntries(),
				out.toByteArray());
	}

	/**
	 * Rebuilds the frontend of a restored guest from its saved state: the old ring, pool and
	 * indirect pages are freed (their grants died with the old domain); what was on the ring is
	 * requeued ahead of what was queued.
	 */
	static Blkfront restore(SimGuest guest, DeviceSavedState saved, BioSink sink) {
		Blkfront f = new Blkfront(guest, saved.id(), sink);
		CanonicalInput in = new CanonicalInput(saved.driverState());
		int n = in.readCount(1 << 16);
		for (int i = 0; i < n; i++) {
			Bio b = Bio.readFrom(in);
			f.queue.addLast(b);
			f.bios.put(b.tag(), b);
			f.replayTags.add(b.tag());
			f.preSuspend.add(b.tag());
		}
		int q = in.readCount(1 << 20);
		for (int i = 0; i < q; i++) {
			Bio b = Bio.readFrom(in);
			f.queue.addLast(b);
			f.bios.put(b.tag(), b);
			f.preSuspend.add(b.tag());
		}
		int np = in.readCount(1 << 16);
		for (int i = 0; i < np; i++) {
			guest.memory().free(Pfn.of(in.readLong()));
		}
		f.issued = in.readLong();
		f.completed = in.readLong();
		f.replayed = in.readLong();
		f.reissued = in.readLong();
		f.duplicated = in.readLong();
		int nr = in.readCount(1 << 16);
		List<GrantRef> retired = new ArrayList<>();
		for (int i = 0; i < nr; i++) {
			retired.add(GrantRef.of(in.readInt()));
		}
		in.expectEnd();
		f.savedFeatures = new TreeMap<>(saved.features());
		f.refsBefore = new ArrayList<>(retired);
		saved.grants().forEach(g -> f.refsBefore.add(GrantRef.of(g.ref())));
		saved.rings().forEach(r -> f.refsBefore.addAll(r.refs()));
		saved.shadow().forEach(s -> s.grefs().forEach(g -> f.refsBefore.add(GrantRef.of(g))));
		return f;
	}

	@Override
	SortedMap<String, String> features() {
		SortedMap<String, String> f = new TreeMap<>();
		if (ring != null) {
			f.put("feature-persistent", ring.persistent ? "1" : "0");
			f.put("feature-max-indirect-segments", Integer.toString(ring.maxIndirect));
			f.put("ring-page-order", Integer.toString(ring.order));
			f.put("feature-flush-cache", xs.tryRead(backendPath + "/feature-flush-cache").orElse("0"));
			f.put("feature-discard", xs.tryRead(backendPath + "/feature-discard").orElse("0"));
		}
		return f;
	}

	@Override
	List<GrantRef> ringRefs() {
		return ring == null ? List.of() : List.copyOf(ring.ringRefs);
	}

	/** Every grant ref the device references now (ring, data, pool, indirect). */
	List<Integer> referencedRefs() {
		return ring == null ? List.of() : ring.grants().stream().map(g -> g.ref()).toList();
	}

	@Override
	DeviceCounters counters() {
		long[] w = sink instanceof BlockWorkload b ? b.counters() : new long[6];
		// lost: requests that ended in an error instead of completing; the workload's duplicates
		// (a tag completed twice) count with the frontend's (a response for a free shadow slot)
		return new DeviceCounters(issued, completed, onRing.size() + queue.size(), replayed, reissued,
				duplicated + w[2], w[3], w[4], w[5], 0, 0, 0);
	}

	@Override
	DomId backendDomid() {
		return backendId;
	}

}
