package org.xso.hypervisor.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceType;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.PowerState;
import org.xso.xen.DomId;
import org.xso.xen.GrantRef;
import org.xso.xen.grant.GrantTable;
import org.xso.xen.store.XsConnection;
import org.xso.xen.store.XsWatch;
import org.xso.xen.store.XsWatchEvent;

/**
 * A guest's kernel as far as the split drivers go: its memory (P2M), its xenstore connection, its
 * grant table, the xenbus frontend bus that probes {@code device/} (seed step 2), its frontends and
 * the workloads running on them.
 *
 * <p>
 * <b>Threads.</b> The bus's probes run on the guest's bus executor; the toolstack's calls on the
 * callers' threads. The maps of frontends and workloads are concurrent (the bus adds and removes,
 * a restore adds, everyone reads), the power state, the pause and the bus watch are volatile; each frontend
 * owns its own state on its own executor.
 */
final class SimGuest {

	private final SimHost host;

	private final DomId domid;

	private final GuestSpec spec;

	private final GuestMemory memory;

	private final XsConnection xs;

	private final SerialExecutor busExecutor;

	private final Map<DeviceId, Frontend> frontends = new ConcurrentHashMap<>();

	private final Map<DeviceId, BlockWorkload> blockWorkloads = new ConcurrentHashMap<>();

	private final Map<DeviceId, NetWorkload> netWorkloads = new ConcurrentHashMap<>();

	private final AtomicLong deferredEndAccess = new AtomicLong();

	private volatile PowerState state = PowerState.RUNNING;

	/** PAUSED by the toolstack ({@code xl pause}), not frozen by a quiesce: unpaused, never thawed. */
	private volatile boolean paused;

	/** Set by the boot or the restore's resume, cancelled by the kill, on the toolstack's threads. */
	private volatile XsWatch busWatch;

	private SimGuest(SimHost host, DomId domid, GuestSpec spec, GuestMemory memory) {
		this.host = host;
		this.domid = domid;
		this.spec = spec;
		this.memory = memory;
		host.grants.create(domid, SimHost.GRANT_FRAMES);
		host.evtchn.createDomain(domid);
		host.toolstack.createDomain(domid, spec.name());
		this.xs = host.xenstore.connect(domid);
		this.busExecutor = host.newDriverExecutor("xenbus-frontend-" + domid);
		xs.write("control/feature-suspend", "1");
	}

	/** Boots a new guest with empty memory; its frontends attach as the toolstack adds devices. */
	static SimGuest boot(SimHost host, DomId domid, GuestSpec spec) {
		SimGuest g = new SimGuest(host, domid, spec, new GuestMemory(host.memory, spec.memoryMiB()));
		host.register(g);
		g.busWatch = g.xs.watch("device", "xenbus-frontend", g.busExecutor, g::probe);
		return g;
	}

	/** A guest rebuilt from a saved image on new frames; its frontends wait for {@link #resumeDevices()}. */
	static SimGuest restored(SimHost host, DomId domid, GuestSpec spec, GuestMemory memory) {
		SimGuest g = new SimGuest(host, domid, spec, memory);
		host.register(g);
		return g;
	}

	/** xenbus_probe_frontend: a device node appeared under {@code device/}. */
	private void probe(XsWatchEvent event) {
		try {
			probeDevices();
		}
		catch (org.xso.xen.store.XenstoreException e) {
			if (xs.isOpen()) {
				throw e;
			}
			// the domain is gone: a late event has nothing to probe
		}
	}

	private void probeDevices() {
		for (DeviceType type : DeviceType.values()) {
			for (String devid : xs.tryRead("device/" + type).isPresent() ? xs.directory("device/" + type)
					: List.<String>of()) {
				DeviceId id = new DeviceId(type, Integer.parseInt(devid));
				String dir = "device/" + type + "/" + devid;
				if (!frontends.containsKey(id) && xs.tryRead(dir + "/state").isPresent()
						&& xs.tryRead(dir + "/backend").isPresent()) {
					// the toolstack writes backend-id with backend, in one transaction
					xs.tryRead(dir + "/backend-id")
						.ifPresent(be -> attachFrontend(id, DomId.of(Integer.parseInt(be))).start());
				}
			}
		}
		for (DeviceId id : List.copyOf(frontends.keySet())) {
			if (xs.tryRead("device/" + id.type() + "/" + id.devid()).isEmpty()) {
				Frontend f = frontends.remove(id);
				f.kill();
				blockWorkloads.remove(id);
				netWorkloads.remove(id);
			}
		}
	}

	private Frontend attachFrontend(DeviceId id, DomId backendId) {
		Frontend f;
		if (id.type() == DeviceType.vbd) {
			BlockWorkload w = new BlockWorkload(this, id);
			Blkfront bf = new Blkfront(this, id, backendId, List.of(), w);
			w.attach(bf);
			blockWorkloads.put(id, w);
			f = bf;
		}
		else {
			NetWorkload w = new NetWorkload(this, id);
			Netfront nf = new Netfront(this, id, backendId, List.of(), w);
			w.attach(nf);
			netWorkloads.put(id, w);
			f = nf;
		}
		frontends.put(id, f);
		return f;
	}

	void addRestored(Frontend f, BlockWorkload w) {
		frontends.put(f.id, f);
		blockWorkloads.put(f.id, w);
	}

	void addRestored(Frontend f, NetWorkload w) {
		frontends.put(f.id, f);
		netWorkloads.put(f.id, w);
	}

	/**
	 * Keeps the grant refs of the previous incarnation out of use: a restored guest never hands a
	 * ref number it had before the suspend to its backends, so a stale ref can never alias a new
	 * grant. The refs stay claimed (unused) for the life of this incarnation.
	 */
	void quarantineRefs(java.util.Set<Integer> oldRefs) {
		if (oldRefs.isEmpty()) {
			return;
		}
		int max = java.util.Collections.max(oldRefs);
		List<GrantRef> taken = new ArrayList<>();
		GrantRef r;
		do {
			r = gnttab().claimRef();
			taken.add(r);
		}
		while (r.value() < max);
		for (GrantRef t : taken) {
			if (!oldRefs.contains(t.value())) {
				gnttab().releaseRef(t);
			}
		}
	}

	/** After a restore: every frontend runs xenbus_dev_resume; the bus starts probing again. */
	void resumeDevices() {
		frontends.values().forEach(Frontend::resume);
		busWatch = xs.watch("device", "xenbus-frontend", busExecutor, this::probe);
	}

	/** The domain is destroyed: drivers and workloads stop where they are. */
	void kill() {
		if (busWatch != null) {
			busWatch.cancel();
		}
		busExecutor.close();
		workloads().forEach(Workload::stop);
		frontends.values().forEach(Frontend::kill);
		xs.close();
	}

	void deferEndAccess(GrantRef ref) {
		deferredEndAccess.incrementAndGet();
		SimLog.warn("guest-" + domid, "grant " + ref + " still mapped by the backend at end of access");
	}

	long deferredEndAccess() {
		return deferredEndAccess.get();
	}

	SimHost host() {
		return host;
	}

	DomId domid() {
		return domid;
	}

	GuestSpec spec() {
		return spec;
	}

	GuestMemory memory() {
		return memory;
	}

	XsConnection xs() {
		return xs;
	}

	GrantTable gnttab() {
		return host.grants.table(domid).orElseThrow();
	}

	PowerState state() {
		return state;
	}

	void setState(PowerState s) {
		state = s;
	}

	/** Whether the guest is PAUSED by {@code xl pause} (and not quiesced). */
	boolean paused() {
		return paused;
	}

	void setPaused(boolean p) {
		paused = p;
	}

	Map<DeviceId, Frontend> frontends() {
		return new TreeMap<>(frontends);
	}

	Frontend frontend(DeviceId id) {
		return frontends.get(id);
	}

	BlockWorkload blockWorkload(DeviceId id) {
		return blockWorkloads.get(id);
	}

	NetWorkload netWorkload(DeviceId id) {
		return netWorkloads.get(id);
	}

	List<BlockWorkload> blockWorkloads() {
		return new ArrayList<>(new TreeMap<>(blockWorkloads).values());
	}

	/** Every workload of the guest, block and net, in device order. */
	List<Workload> workloads() {
		List<Workload> all = new ArrayList<>(blockWorkloads());
		all.addAll(netWorkloads());
		return all;
	}

	/** The workload of a device, if it has one. */
	Workload workload(DeviceId id) {
		Workload w = blockWorkloads.get(id);
		return w != null ? w : netWorkloads.get(id);
	}

	List<NetWorkload> netWorkloads() {
		return new ArrayList<>(new TreeMap<>(netWorkloads).values());
	}

}
