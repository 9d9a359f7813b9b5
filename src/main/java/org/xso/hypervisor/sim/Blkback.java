package org.xso.hypervisor.sim;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.xso.hypervisor.BlkbackFeatures;
import org.xso.hypervisor.DeviceId;
import org.xso.xen.DomId;
import org.xso.xen.EvtchnPort;
import org.xso.xen.GrantRef;
import org.xso.xen.XenbusState;
import org.xso.xen.blkif.BlkifIndirectPage;
import org.xso.xen.blkif.BlkifIndirectRequest;
import org.xso.xen.blkif.BlkifLayout;
import org.xso.xen.blkif.BlkifOp;
import org.xso.xen.blkif.BlkifRequest;
import org.xso.xen.blkif.BlkifResponse;
import org.xso.xen.blkif.BlkifSegment;
import org.xso.xen.blkif.BlkifStatus;
import org.xso.xen.grant.GrantHandle;
import org.xso.xen.grant.GrantMapResult;
import org.xso.xen.grant.Gntst;
import org.xso.xen.ring.BackRing;
import org.xso.xen.ring.RingMemory;
import org.xso.xen.store.XsTransaction;

/**
 * The block backend (Linux blkback), in dom0 or a driver domain: publishes its features (with
 * {@code multi-queue-max-queues} when it offers more than one queue) and goes InitWait; when the
 * frontend is Initialised it maps the ring grants and binds the event channel of every queue the
 * frontend chose ({@code multi-queue-num-queues}, each under {@code queue-<i>}, or the legacy
 * top-level keys for one queue), publishes the disk's geometry and goes Connected. On every ring
 * it serves READ, WRITE, FLUSH, DISCARD and INDIRECT requests whose segments name granted guest
 * pages, each after the configured latency, so requests are really in flight, and answers on the
 * ring the request came from; on the frontend's Closing or Closed it waits for its in-flight I/O,
 * unmaps and unbinds. It runs on its own executor and reaches the frontend only through xenstore,
 * grant mappings and the event channels.
 *
 * <p>
 * <b>Threads.</b> Every field is owned by the driver's executor (see {@link Backend}): the event
 * channel's handler and the I/O latency's timer queue their work on it; the disk it serves is
 * thread-safe ({@link LiveDisk}).
 */
final class Blkback extends Backend {

	private LiveDisk disk;

	private BlkbackFeatures features;

	/** One queue as the backend serves it (Linux {@code xen_blkif_ring}): its ring and bound port. */
	private record Ring(BackRing ring, EvtchnPort port) {
	}

	/** The frontend's queues, mapped and bound; empty while disconnected. */
	private final List<Ring> rings = new ArrayList<>();

	private boolean persistent;

	private final Map<Integer, GrantHandle> persistentMaps = new HashMap<>();

	private int inflight;

	private Runnable whenIdle;

	Blkback(SimHost host, SimBackendDomain domain, DomId frontend, DeviceId id, String dir) {
		super(host, domain, frontend, id, dir, "blkback");
	}

	/** Opens the volume {@code params} names, as the block hotplug script does, which refuses one in use. */
	@Override
	boolean probeDevice() {
		long sectors = Long.parseLong(xs.read(dir + "/sim-sectors"));
		String params = xs.read(dir + "/params");
		try {
			disk = host.disks.disk(frontend, id.devid(), DiskStore.Volume.parse(params), sectors);
		}
		catch (IllegalArgumentException | IllegalStateException e) {
			return hotplugFailed(params + ": " + e.getMessage());
		}
		BlkbackFeatures restored = host.faults.takeFeaturesAfterRestore(frontend, id);
		features = restored != null ? restored : host.vbdFeatures(frontend, id);
		return true;
	}

	@Override
	void writeFeatures(XsTransaction t) {
		t.write(dir + "/feature-persistent", features.persistent() ? "1" : "0");
		if (features.maxIndirectSegments() > BlkifOp.BLKIF_MAX_SEGMENTS_PER_REQUEST) {
			t.write(dir + "/feature-max-indirect-segments", Integer.toString(features.maxIndirectSegments()));
		}
		else if (t.tryRead(dir + "/feature-max-indirect-segments").isPresent()) {
			t.rm(dir + "/feature-max-indirect-segments");
		}
		t.write(dir + "/max-ring-page-order", Integer.toString(features.maxRingPageOrder()));
		if (features.maxQueues() > 1) {
			t.write(dir + "/multi-queue-max-queues", Integer.toString(features.maxQueues()));
		}
		else if (t.tryRead(dir + "/multi-queue-max-queues").isPresent()) {
			t.rm(dir + "/multi-queue-max-queues");
		}
		t.write(dir + "/feature-flush-cache", features.flushCache() ? "1" : "0");
		t.write(dir + "/feature-discard", features.discard() ? "1" : "0");
	}

	@Override
	boolean ringConnected() {
		return !rings.isEmpty();
	}

	@Override
	void connect() {
		int order = Integer.parseInt(xs.tryRead(frontendPath + "/ring-page-order").orElse("0"));
		if (order > features.maxRingPageOrder()) {
			fatal("ring-page-order " + order + " exceeds max-ring-page-order " + features.maxRingPageOrder());
			return;
		}
		int nrQueues = Integer.parseInt(xs.tryRead(frontendPath + "/multi-queue-num-queues").orElse("1"));
		if (nrQueues < 1 || nrQueues > features.maxQueues()) {
			fatal("multi-queue-num-queues " + nrQueues + " exceeds multi-queue-max-queues " + features.maxQueues());
			return;
		}
		// read_per_ring_refs: one queue keeps the legacy layout, several have a queue-<i> directory each
		List<List<GrantRef>> refs = new ArrayList<>();
		List<EvtchnPort> remotes = new ArrayList<>();
		for (int q = 0; q < nrQueues; q++) {
			String qdir = nrQueues == 1 ? frontendPath : frontendPath + "/queue-" + q;
			List<GrantRef> qrefs = new ArrayList<>();
			if (order == 0) {
				qrefs.add(GrantRef.of(Integer.parseUnsignedInt(xs.read(qdir + "/ring-ref"))));
			}
			else {
				for (int i = 0; i < 1 << order; i++) {
					qrefs.add(GrantRef.of(Integer.parseUnsignedInt(xs.read(qdir + "/ring-ref" + i))));
				}
			}
			refs.add(qrefs);
			remotes.add(EvtchnPort.of(Integer.parseInt(xs.read(qdir + "/event-channel"))));
		}
		List<BackRing> mapped = new ArrayList<>();
		for (List<GrantRef> qrefs : refs) {
			List<ByteBuffer> pages = new ArrayList<>();
			for (GrantRef ref : qrefs) {
				GrantMapResult r = host.grants.map(domain.domid, frontend, ref, false);
				if (r instanceof GrantMapResult.Mapped m) {
					ringMappings.add(m.handle());
					pages.add(m.page());
				}
				else {
					unmapRings();
					fatal("mapping ring-ref " + ref + ": " + Gntst.name(r.status()));
					return;
				}
			}
			mapped.add(BackRing.init(new RingMemory(pages), BlkifLayout.RING_ENTRY_SIZE));
		}
		for (int q = 0; q < nrQueues; q++) {
			EvtchnPort port = host.evtchn.bindInterdomain(domain.domid, frontend, remotes.get(q));
			Ring ring = new Ring(mapped.get(q), port);
			host.evtchn.bindHandler(domain.domid, port, () -> executor.execute(() -> onEvent(ring)));
			rings.add(ring);
		}
		persistent = features.persistent()
				&& "1".equals(xs.tryRead(frontendPath + "/feature-persistent").orElse("0"));
		xs.transaction((XsTransaction t) -> {
			if (t.tryRead(dir).isEmpty()) {
				return;
			}
			t.write(dir + "/sectors", Long.toString(disk.sectors()));
			t.write(dir + "/info", "0");
			t.write(dir + "/sector-size", xs.tryRead(dir + "/sim-sector-size").orElse("512"));
			t.write(dir + "/physical-sector-size", xs.tryRead(dir + "/sim-sector-size").orElse("512"));
		});
		switchState(XenbusState.Connected);
		List.copyOf(rings).forEach(this::onEvent);
	}

	private void fatal(String message) {
		SimLog.warn(executor.name(), message);
		Xenbus.writeIfPresent(xs, dir, "error", message);
		switchState(XenbusState.Closing);
	}

	private void onEvent(Ring r) {
		if (!rings.contains(r)) {
			return;
		}
		BackRing ring = r.ring();
		host.evtchn.clearPending(domain.domid, r.port());
		do {
			while (ring.hasUnconsumedRequests() && !ring.requestConsOverflow()) {
				int off = ring.requestSlotOffset();
				int op = BlkifOp.peekOperation(ring.memory(), off);
				Object req = switch (op) {
					case BlkifOp.INDIRECT -> BlkifIndirectRequest.decode(ring.memory(), off);
					default -> BlkifRequest.decode(ring.memory(), off);
				};
				ring.requestConsumed();
				dispatch(r, req);
			}
		}
		while (ring.finalCheckForRequests());
	}

	private void dispatch(Ring q, Object request) {
		inflight++;
		if (request instanceof BlkifIndirectRequest ind) {
			if (features.maxIndirectSegments() <= BlkifOp.BLKIF_MAX_SEGMENTS_PER_REQUEST
					|| ind.nrSegments() > features.maxIndirectSegments()) {
				respond(q, ind.id(), BlkifOp.INDIRECT, BlkifStatus.EOPNOTSUPP);
				return;
			}
			List<BlkifSegment> segs = readIndirectSegments(ind);
			if (segs == null) {
				respond(q, ind.id(), BlkifOp.INDIRECT, BlkifStatus.ERROR);
				return;
			}
			readWrite(q, ind.id(), ind.indirectOp(), BlkifOp.INDIRECT, ind.sectorNumber(), segs);
			return;
		}
		BlkifRequest req = (BlkifRequest) request;
		switch (req.operation()) {
			case BlkifOp.READ, BlkifOp.WRITE -> readWrite(q, req.id(), req.operation(), req.operation(),
					req.sectorNumber(), req.segments().subList(0, req.nrSegments()));
			case BlkifOp.FLUSH_DISKCACHE -> later(() -> respond(q, req.id(), req.operation(), flush()));
			default -> respond(q, req.id(), req.operation(), BlkifStatus.EOPNOTSUPP);
		}
	}

	/** What was written before the flush is on stable storage when it is acknowledged. */
	private int flush() {
		if (!features.flushCache()) {
			return BlkifStatus.EOPNOTSUPP;
		}
		disk.flush();
		return BlkifStatus.OKAY;
	}

	private List<BlkifSegment> readIndirectSegments(BlkifIndirectRequest ind) {
		List<BlkifSegment> segs = new ArrayList<>(ind.nrSegments());
		int pages = (ind.nrSegments() + BlkifOp.SEGMENTS_PER_INDIRECT_FRAME - 1) / BlkifOp.SEGMENTS_PER_INDIRECT_FRAME;
		for (int p = 0; p < pages; p++) {
			GrantMapResult r = host.grants.map(domain.domid, frontend, GrantRef.of(ind.indirectGrefs().get(p)), true);
			if (!(r instanceof GrantMapResult.Mapped m)) {
				return null;
			}
			int n = Math.min(BlkifOp.SEGMENTS_PER_INDIRECT_FRAME, ind.nrSegments() - p * BlkifOp.SEGMENTS_PER_INDIRECT_FRAME);
			for (int i = 0; i < n; i++) {
				segs.add(BlkifIndirectPage.readSegment(m.page(), i));
			}
			host.grants.unmap(m.handle());
		}
		return segs;
	}

	private void readWrite(Ring q, long reqId, int op, int responseOp, long sector, List<BlkifSegment> segs) {
		boolean write = op == BlkifOp.WRITE;
		List<GrantHandle> handles = new ArrayList<>(segs.size());
		List<ByteBuffer> pages = new ArrayList<>(segs.size());
		long nsect = 0;
		for (BlkifSegment s : segs) {
			GrantMapResult r = mapSegment(s.gref(), write);
			if (!(r instanceof GrantMapResult.Mapped m)) {
				unmapData(handles);
				respond(q, reqId, responseOp, BlkifStatus.ERROR);
				return;
			}
			handles.add(m.handle());
			pages.add(m.page());
			nsect += s.lastSect() - s.firstSect() + 1;
		}
		if (!disk.inRange(sector, (int) nsect)) {
			unmapData(handles);
			respond(q, reqId, responseOp, BlkifStatus.ERROR);
			return;
		}
		later(() -> {
			long s = sector;
			for (int i = 0; i < segs.size(); i++) {
				BlkifSegment seg = segs.get(i);
				int count = seg.lastSect() - seg.firstSect() + 1;
				if (write) {
					disk.write(s, count, pages.get(i), seg.firstSect() * VirtualDisk.SECTOR_SIZE);
				}
				else {
					disk.read(s, count, pages.get(i), seg.firstSect() * VirtualDisk.SECTOR_SIZE);
				}
				s += count;
			}
			unmapData(handles);
			respond(q, reqId, responseOp, BlkifStatus.OKAY);
		});
	}

	private GrantMapResult mapSegment(int gref, boolean write) {
		if (persistent) {
			GrantHandle h = persistentMaps.get(gref);
			if (h != null) {
				return new GrantMapResult.Mapped(h, host.memory.page(h.frame()));
			}
			GrantMapResult r = host.grants.map(domain.domid, frontend, GrantRef.of(gref), false);
			if (r instanceof GrantMapResult.Mapped m) {
				persistentMaps.put(gref, m.handle());
			}
			return r;
		}
		return host.grants.map(domain.domid, frontend, GrantRef.of(gref), write);
	}

	private void unmapData(List<GrantHandle> handles) {
		for (GrantHandle h : handles) {
			if (!persistentMaps.containsValue(h)) {
				host.grants.unmap(h);
			}
		}
	}

	private void later(Runnable io) {
		Duration latency = host.faults.blockLatency(frontend, id);
		if (latency.isZero()) {
			io.run();
		}
		else {
			host.later(executor, io, latency);
		}
	}

	private void respond(Ring q, long reqId, int op, int status) {
		inflight--;
		if (rings.contains(q)) {
			BackRing ring = q.ring();
			new BlkifResponse(reqId, op, status).encode(ring.memory(), ring.responseSlotOffset());
			ring.responseProduced();
			if (ring.pushResponsesAndCheckNotify()) {
				host.evtchn.send(domain.domid, q.port());
			}
		}
		if (inflight == 0 && whenIdle != null) {
			Runnable r = whenIdle;
			whenIdle = null;
			r.run();
		}
	}

	/** Waits for in-flight I/O (whose responses still go to the ring), then unmaps and unbinds. */
	@Override
	void disconnect(Runnable then) {
		if (inflight > 0) {
			whenIdle = () -> disconnect(then);
			return;
		}
		rings.forEach(r -> host.evtchn.close(domain.domid, r.port()));
		rings.clear();
		unmapRings();
		persistentMaps.values().forEach(host.grants::unmap);
		persistentMaps.clear();
		then.run();
	}

}
