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

import org.xso.hypervisor.CanonicalInput;
import org.xso.hypervisor.CanonicalOutput;
import org.xso.hypervisor.DeviceCounters;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceSavedState;
import org.xso.hypervisor.GrantSnapshot;
import org.xso.hypervisor.QuiesceReport;
import org.xso.hypervisor.RingSnapshot;
import org.xso.hypervisor.ShadowEntry;
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
 *
 * <p>
 * Multi-queue: it uses {@code min(multi-queue-max-queues, MAX_QUEUES, vCPUs)} queues, each a ring with its
 * own grants and event channel, and spreads bios over them round-robin. After a restore the queue
 * count is negotiated again, so the shadows of N queues are requeued on the M queues the new backend
 * allows (a lower count is reported in {@code featuresLost}).
 *
 * <p>
 * <b>Threads.</b> As every {@link Frontend}: the queues, the bios on the ring, the tags to replay
 * and the counters are owned by the driver's executor; {@link #submit(Bio)}, which the workload
 * calls on its own thread, is a message. {@link #restore} fills them in on the caller's thread
 * before the executor runs anything.
 */
final class Blkfront extends Frontend {

	/** blkfront's own limit on ring-page-order (Linux module parameter max_ring_page_order). */
	static final int MAX_RING_PAGE_ORDER = 2;

	/** Linux blkfront uses at most 32 indirect segments by default. */
	static final int MAX_INDIRECT_SEGMENTS = 32;

	private final BioSink sink;

	/** blkfront's own limit on queues (Linux module parameter max_queues). */
	static final int MAX_QUEUES = 4;

	/** One hardware queue: its ring and the event channel the backend binds for it. */
	private record Queue(BlkfrontRing ring, EvtchnPort port) {
	}

	/** The negotiated queues (multi-queue-num-queues of them); empty while there is no ring. */
	private final List<Queue> queues = new ArrayList<>();

	/** The queue the next bio tries first: bios are spread round-robin. */
	private int nextQueue;

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

	private boolean grantRetryPending;

	Blkfront(SimGuest guest, DeviceId id, DomId backendId, List<GrantRef> refsBefore, BioSink sink) {
		super(guest, id, backendId, refsBefore, "blkfront");
		this.sink = sink;
	}

	/** Submits a bio; it is issued when the device is connected and the ring has room. A message. */
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
		int beQueues = Integer.parseInt(xs.tryRead(backendPath + "/multi-queue-max-queues").orElse("1"));
		// xlblk_init caps max_queues at the guest's CPUs: a ring per vCPU at most
		int nrQueues = Math.max(1, Math.min(beQueues, Math.min(MAX_QUEUES, guest.spec().vcpus())));
		for (int q = 0; q < nrQueues; q++) {
			BlkfrontRing r = new BlkfrontRing(guest, id.devid() & 0xFFFF, backendId, order, persistent, indirect);
			queues.add(new Queue(r, allocEvtchn()));
		}
		nextQueue = 0;
		reached(Phase.REGRANTED);
		xs.transaction((XsTransaction t) -> {
			// a reconnect may have a different queue count: drop the other layout's keys first
			for (String k : t.tryRead(nodePath).isPresent() ? t.directory(nodePath) : List.<String>of()) {
				if (k.startsWith("queue-") || k.startsWith("ring-ref") || k.equals("event-channel")
						|| k.equals("multi-queue-num-queues") || k.equals("ring-page-order")) {
					t.rm(nodePath + "/" + k);
				}
			}
			if (order > 0) {
				t.write(nodePath + "/ring-page-order", Integer.toString(order));
			}
			if (nrQueues == 1) {
				writeRing(t, nodePath, queues.get(0));
			}
			else {
				t.write(nodePath + "/multi-queue-num-queues", Integer.toString(nrQueues));
				for (int q = 0; q < nrQueues; q++) {
					writeRing(t, nodePath + "/queue-" + q, queues.get(q));
				}
			}
			t.write(nodePath + "/protocol", "x86_64-abi");
			t.write(nodePath + "/feature-persistent", "1");
		});
		switchState(XenbusState.Initialised);
	}

	/** write_per_ring_nodes: the queue's ring-ref (or ring-ref0..N) and event-channel under {@code dir}. */
	private static void writeRing(XsTransaction t, String dir, Queue q) {
		List<GrantRef> refs = q.ring().ringRefs;
		if (q.ring().order == 0) {
			t.write(dir + "/ring-ref", refs.get(0).toString());
		}
		else {
			for (int i = 0; i < refs.size(); i++) {
				t.write(dir + "/ring-ref" + i, refs.get(i).toString());
			}
		}
		t.write(dir + "/event-channel", q.port().toString());
	}

	@Override
	void backendConnected() {
		SortedMap<String, String> f = features();
		List<String> lost = new ArrayList<>();
		for (String k : List.of("feature-persistent", "feature-max-indirect-segments", "ring-page-order",
				"multi-queue-num-queues")) {
			String dflt = k.equals("multi-queue-num-queues") ? "1" : "0";
			String before = savedFeatures.getOrDefault(k, dflt);
			String after = f.getOrDefault(k, dflt);
			if (Integer.parseInt(after) < Integer.parseInt(before)) {
				lost.add(k + " " + before + "->" + after);
			}
		}
		featuresLost = lost;
		switchState(XenbusState.Connected);
		mode = Mode.RUNNING;
		reached(Phase.CONNECTED);
		kick();
		reached(Phase.REPLAYED);
		checkVerified();
	}

	@Override
	boolean inFlight() {
		return queues.stream().anyMatch(q -> q.ring().inFlight() > 0);
	}

	@Override
	void releaseRing() {
		for (Queue q : queues) {
			retiredRefs.addAll(q.ring().ringRefs);
			q.ring().release();
		}
		queues.clear();
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
		if (mode != Mode.RUNNING || queues.isEmpty() || state != XenbusState.Connected) {
			return;
		}
		boolean[] pushed = new boolean[queues.size()];
		while (!queue.isEmpty()) {
			Queue q = queueWithRoomFor(queue.peekFirst());
			if (q == null) {
				break;
			}
			if (q.ring().grantsFor(queue.peekFirst()) > guest.gnttab().freeCount()
					|| q.ring().pagesFor(queue.peekFirst()) > guest.memory().freePages()) {
				// Linux blkfront: no grant references (or pages) free, the request waits
				// (gnttab_request_free_callback)
				waitForResources();
				break;
			}
			Bio b = queue.pollFirst();
			if (replayTags.remove(b.tag())) {
				replayed++;
			}
			else if (preSuspend.contains(b.tag())) {
				reissued++;
			}
			onRing.put(b.tag(), new OnRing(q.ring().issue(b)));
			pushed[queues.indexOf(q)] = true;
		}
		for (int i = 0; i < pushed.length; i++) {
			Queue q = queues.get(i);
			if (pushed[i] && q.ring().push()) {
				notifyBackend(q.port());
			}
		}
	}

	/**
	 * Kicks again once grant refs or pages may be free: at the next completion of this device, or,
	 * with nothing of it in flight (other devices hold them), after a millisecond.
	 */
	private void waitForResources() {
		if (onRing.isEmpty() && !grantRetryPending) {
			grantRetryPending = true;
			guest.host().later(executor, () -> {
				grantRetryPending = false;
				kick();
			}, java.time.Duration.ofMillis(1));
		}
	}

	/** The next queue, round-robin, whose ring has room for {@code b}; null if none has. */
	private Queue queueWithRoomFor(Bio b) {
		for (int i = 0; i < queues.size(); i++) {
			Queue q = queues.get((nextQueue + i) % queues.size());
			if (q.ring().hasRoomFor(b)) {
				nextQueue = (nextQueue + i + 1) % queues.size();
				return q;
			}
		}
		return null;
	}

	@Override
	void onEvent() {
		if (queues.isEmpty() || mode == Mode.FROZEN) {
			// a frozen guest runs no code: the event stays pending until the thaw
			return;
		}
		clearPending();
		for (Queue q : queues) {
			for (BlkfrontRing.Completion c : q.ring().reap(() -> duplicated++)) {
				complete(c);
			}
		}
		kick();
		checkDrained();
		checkVerified();
	}

	private void complete(BlkfrontRing.Completion c) {
		OnRing b = onRing.get(c.tag());
		if (b == null) {
			duplicated++;
			return;
		}
		b.failed |= c.status() != BlkifStatus.OKAY;
		if (--b.left > 0) {
			return;
		}
		onRing.remove(c.tag());
		bios.remove(c.tag());
		completed++;
		preSuspend.remove(c.tag());
		sink.completed(c.tag(), b.failed ? BlkifStatus.ERROR : BlkifStatus.OKAY);
	}

	private void checkVerified() {
		if (mode == Mode.RUNNING && preSuspend.isEmpty()) {
			reached(Phase.VERIFIED);
		}
	}

	@Override
	boolean idle() {
		return onRing.isEmpty();
	}

	// ---- suspend / save / restore ------------------------------------------------------------

	@Override
	QuiesceReport.Device report(SuspendStrategy strategy, long drained) {
		long shadowed = strategy == SuspendStrategy.SHADOW_REPLAY
				? queues.stream().mapToLong(q -> q.ring().inFlight()).sum() : 0;
		return new QuiesceReport.Device(id, drained, shadowed, queue.size(), 0, queues.isEmpty());
	}

	@Override
	long outstanding() {
		return onRing.size();
	}

	@Override
	DeviceSavedState saveState(SortedMap<String, String> backendInfo) {
		CanonicalOutput out = new CanonicalOutput();
		out.writeInt(onRing.size());
		onRing.keySet().forEach(tag -> bios.get(tag).writeTo(out));
		out.writeInt(queue.size());
		queue.forEach(b -> b.writeTo(out));
		List<Pfn> priv = new ArrayList<>();
		queues.forEach(q -> priv.addAll(q.ring().privatePages()));
		out.writeInt(priv.size());
		priv.forEach(p -> out.writeLong(p.value()));
		out.writeLong(issued).writeLong(completed).writeLong(replayed).writeLong(reissued).writeLong(duplicated);
		out.writeInt(retiredRefs.size());
		retiredRefs.forEach(r -> out.writeInt(r.value()));
		List<RingSnapshot> rings = new ArrayList<>();
		List<GrantSnapshot> grants = new ArrayList<>();
		List<ShadowEntry> shadow = new ArrayList<>();
		for (int i = 0; i < queues.size(); i++) {
			BlkfrontRing r = queues.get(i).ring();
			rings.add(r.snapshot(queues.size() == 1 ? "ring" : "queue-" + i));
			grants.addAll(r.grants());
			shadow.addAll(r.shadowEntries());
		}
		return new DeviceSavedState(id, backendId, state, backendState(), rings, grants, evtchnPorts(), features(),
				backendInfo, shadow, out.toByteArray());
	}

	/**
	 * Rebuilds the frontend of a restored guest from its saved state: the old ring, pool and
	 * indirect pages are freed (their grants died with the old domain); what was on the ring is
	 * requeued ahead of what was queued.
	 */
	static Blkfront restore(SimGuest guest, DeviceSavedState saved, BioSink sink) {
		CanonicalInput in = new CanonicalInput(saved.driverState());
		List<Bio> onRing = new ArrayList<>();
		List<Bio> queued = new ArrayList<>();
		int n = in.readCount(1 << 16);
		for (int i = 0; i < n; i++) {
			onRing.add(Bio.readFrom(in));
		}
		int q = in.readCount(1 << 20);
		for (int i = 0; i < q; i++) {
			queued.add(Bio.readFrom(in));
		}
		int np = in.readCount(1 << 16);
		for (int i = 0; i < np; i++) {
			guest.memory().free(Pfn.of(in.readLong()));
		}
		long[] stats = { in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong() };
		int nr = in.readCount(1 << 16);
		List<GrantRef> refsBefore = new ArrayList<>();
		for (int i = 0; i < nr; i++) {
			refsBefore.add(GrantRef.of(in.readInt()));
		}
		in.expectEnd();
		saved.grants().forEach(g -> refsBefore.add(GrantRef.of(g.ref())));
		saved.rings().forEach(r -> refsBefore.addAll(r.refs()));
		saved.shadow().forEach(s -> s.grefs().forEach(g -> refsBefore.add(GrantRef.of(g))));
		Blkfront f = new Blkfront(guest, saved.id(), saved.backendDomid(), refsBefore, sink);
		for (Bio b : onRing) {
			f.queue.addLast(b);
			f.bios.put(b.tag(), b);
			f.replayTags.add(b.tag());
			f.preSuspend.add(b.tag());
		}
		for (Bio b : queued) {
			f.queue.addLast(b);
			f.bios.put(b.tag(), b);
			f.preSuspend.add(b.tag());
		}
		f.issued = stats[0];
		f.completed = stats[1];
		f.replayed = stats[2];
		f.reissued = stats[3];
		f.duplicated = stats[4];
		f.savedFeatures = new TreeMap<>(saved.features());
		return f;
	}

	@Override
	SortedMap<String, String> features() {
		SortedMap<String, String> f = new TreeMap<>();
		if (!queues.isEmpty()) {
			BlkfrontRing ring = queues.get(0).ring();
			f.put("multi-queue-num-queues", Integer.toString(queues.size()));
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
		List<GrantRef> refs = new ArrayList<>();
		queues.forEach(q -> refs.addAll(q.ring().ringRefs));
		return refs;
	}

	/** Every grant ref the device references now (ring, data, pool, indirect). */
	List<Integer> referencedRefs() {
		return queues.stream().flatMap(q -> q.ring().grants().stream()).map(g -> g.ref()).toList();
	}

	@Override
	DeviceCounters counters() {
		long[] w = sink instanceof BlockWorkload b ? b.counters() : new long[6];
		// lost: requests that ended in an error instead of completing; the workload's duplicates
		// (a tag completed twice) count with the frontend's (a response for a free shadow slot)
		return new DeviceCounters(issued, completed, onRing.size() + queue.size(), replayed, reissued,
				duplicated + w[2], w[3], w[4], w[5], 0, 0, 0);
	}

}
