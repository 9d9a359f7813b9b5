package org.xso.hypervisor.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.xso.hypervisor.BlkbackFeatures;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.HypervisorEvent;
import org.xso.xen.DomId;
import org.xso.xen.Mfn;
import org.xso.xen.evtchn.EventChannels;
import org.xso.xen.grant.GrantTables;
import org.xso.xen.mm.MachineMemory;
import org.xso.xen.store.Xenstore;

/**
 * The simulated Xen host: the machine frames, the xenstore daemon, the grant tables and event
 * channels (the hypervisor's part), the backend domains (dom0 and the driver domains of its
 * {@link SimBackends}) with their block and net backends and bridges, and the guests. Plain Java,
 * no Spring: tests build one directly.
 *
 * <p>
 * <b>Threads.</b> The drivers run on {@link #driverPool}, each on its own {@link SerialExecutor};
 * the timers on {@link #timers}; the toolstack's calls on the callers' threads. The host's parts are
 * thread-safe (the xen package's memory, xenstore, grant tables and event channels lock
 * themselves; the backend domains are fixed once the host is built; the guests and the listeners
 * are in concurrent collections, the deferred frees are guarded by their list's monitor,
 * {@code halted} is volatile).
 */
final class SimHost implements AutoCloseable {

	/**
	 * Grant-table frames per domain: Xen's default {@code max_grant_frames}, 32,768 refs (a table
	 * grows as refs are used, so a small guest costs no more). A vbd with the most the contract
	 * allows in flight (a 4-page ring of 128 requests of 32 segments each, plus an indirect page
	 * each) holds 4,228; a vif 514; a restored guest keeps its old refs out of use as well. Where a
	 * guest with many such devices runs out, blkfront waits for refs, as Linux does.
	 */
	static final int GRANT_FRAMES = 64;

	final MachineMemory memory = new MachineMemory(0x80000, 1 << 20);

	final Xenstore xenstore = new Xenstore();

	final GrantTables grants = new GrantTables(memory);

	final EventChannels evtchn = new EventChannels();

	final ExecutorService driverPool;

	final ScheduledExecutorService timers;

	final DiskStore disks;

	final Toolstack toolstack;

	final SimBackendDomain dom0;

	/** Dom0, then the driver domains in the order configured; never changes after the constructor. */
	private final Map<DomId, SimBackendDomain> backendDomains;

	final SimFaults faults = new SimFaults();

	private final Map<DomId, SimGuest> guests = new ConcurrentHashMap<>();

	/**
	 * The live guests' domids by name, changed with {@link #guests} (each set replaced whole, never
	 * changed in place), so that a name is checked without going through every guest.
	 */
	private final Map<String, SortedSet<DomId>> byName = new ConcurrentHashMap<>();

	private final Map<String, BlkbackFeatures> vbdFeatures = new ConcurrentHashMap<>();

	private final List<Mfn> deferredFrees = new ArrayList<>();

	private final List<Consumer<HypervisorEvent>> listeners = new CopyOnWriteArrayList<>();

	private volatile boolean halted;

	SimHost() {
		this(SimBackends.DEFAULT);
	}

	SimHost(SimBackends backends) {
		this(Math.max(2, Runtime.getRuntime().availableProcessors()), null, backends);
	}

	/**
	 * @param snapshotDir where disk snapshots taken with a save are kept so that a checkpoint
	 * outlives the process, and live disks under {@code live/} so that a guest's disk outlives it;
	 * or null to keep both in memory
	 * @param backends the backend domains to start with the host, and their bridges
	 */
	SimHost(int driverThreads, java.nio.file.@Nullable Path snapshotDir, SimBackends backends) {
		this.disks = new DiskStore(snapshotDir);
		this.driverPool = Executors.newFixedThreadPool(driverThreads, daemon("xen-driver"));
		this.timers = Executors.newScheduledThreadPool(1, daemon("xen-timer"));
		this.dom0 = SimBackendDomain.dom0(this, backends.bridges());
		this.toolstack = new Toolstack(this);
		Map<DomId, SimBackendDomain> domains = new LinkedHashMap<>();
		domains.put(DomId.DOM0, dom0);
		for (int i = 0; i < backends.driverDomains().size(); i++) {
			DomId domid = SimBackends.driverDomid(i);
			domains.put(domid,
					SimBackendDomain.driverDomain(this, domid, backends.driverDomains().get(i), backends.bridges()));
		}
		this.backendDomains = Collections.unmodifiableMap(domains);
		timers.scheduleWithFixedDelay(this::sweepDeferredFrees, 10, 10, TimeUnit.MILLISECONDS);
	}

	/**
	 * Frees a dead domain's frame, or, while a backend still maps it, defers that until the unmap:
	 * Xen keeps a granted frame alive for as long as a mapping holds it.
	 */
	void freeFrame(Mfn mfn) {
		if (grants.isMapped(mfn)) {
			synchronized (deferredFrees) {
				deferredFrees.add(mfn);
			}
		}
		else {
			memory.free(mfn);
		}
	}

	private void sweepDeferredFrees() {
		synchronized (deferredFrees) {
			deferredFrees.removeIf(mfn -> {
				if (grants.isMapped(mfn)) {
					return false;
				}
				memory.free(mfn);
				return true;
			});
		}
	}

	int deferredFrees() {
		synchronized (deferredFrees) {
			return deferredFrees.size();
		}
	}

	/** Runs {@code task} on {@code executor} after {@code delay}; nothing once the host is closing. */
	void later(java.util.concurrent.Executor executor, Runnable task, Duration delay) {
		try {
			timers.schedule(() -> executor.execute(task), delay.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (java.util.concurrent.RejectedExecutionException hostClosing) {
			SimLog.debug("host", "timer refused: host closing");
		}
	}

	SerialExecutor newDriverExecutor(String name) {
		return new SerialExecutor(name, driverPool);
	}

	/** The backend domain of that id (dom0 or a driver domain), or null. */
	@Nullable
	SimBackendDomain backendDomain(DomId domid) {
		return backendDomains.get(domid);
	}

	/** Dom0 first, then the driver domains. */
	Collection<SimBackendDomain> backendDomains() {
		return backendDomains.values();
	}

	/** Every bridge of every backend domain. */
	List<Bridge> bridges() {
		return backendDomains.values().stream().flatMap(d -> d.bridges().stream()).toList();
	}

	/** The driver serving a device, in whichever backend domain it runs, if one runs. */
	Optional<BackendBus.BackendDriver> driver(DomId frontend, DeviceId id) {
		return backendDomains.values().stream().flatMap(d -> d.bus.driver(frontend, id).stream()).findFirst();
	}

	/**
	 * Completes when the device's backend in {@code backend} has disconnected and gone (or none
	 * ran); see {@link BackendBus#removal}.
	 */
	CompletableFuture<Void> removal(DomId backend, DomId frontend, DeviceId id) {
		SimBackendDomain d = backendDomains.get(backend);
		return d == null ? CompletableFuture.completedFuture(null) : d.bus.removal(frontend, id);
	}

	/** What the block backend of a vbd offers (its driver's configuration in its backend domain). */
	BlkbackFeatures vbdFeatures(DomId frontend, DeviceId id) {
		return vbdFeatures.getOrDefault(frontend + "/" + id, BlkbackFeatures.LINUX_DEFAULT);
	}

	void configureVbd(DomId frontend, DeviceId id, BlkbackFeatures features) {
		vbdFeatures.put(frontend + "/" + id, features);
	}

	void register(SimGuest guest) {
		SimGuest before = guests.put(guest.domid(), guest);
		if (before != null && before != guest) {
			unname(before);
		}
		byName.compute(guest.spec().name(), (name, ids) -> {
			TreeSet<DomId> more = ids == null ? new TreeSet<>() : new TreeSet<>(ids);
			more.add(guest.domid());
			return Collections.unmodifiableSortedSet(more);
		});
	}

	void unregister(DomId domid) {
		SimGuest gone = guests.remove(domid);
		if (gone != null) {
			unname(gone);
		}
	}

	private void unname(SimGuest guest) {
		byName.computeIfPresent(guest.spec().name(), (name, ids) -> {
			TreeSet<DomId> fewer = new TreeSet<>(ids);
			fewer.remove(guest.domid());
			return fewer.isEmpty() ? null : Collections.unmodifiableSortedSet(fewer);
		});
	}

	/** The lowest domid of the live guests named {@code name}, if any. */
	Optional<DomId> named(String name) {
		SortedSet<DomId> ids = byName.get(name);
		return ids == null ? Optional.empty() : Optional.of(ids.first());
	}

	SimGuest guest(DomId domid) {
		return guests.get(domid);
	}

	List<SimGuest> guests() {
		return List.copyOf(guests.values());
	}

	void addListener(Consumer<HypervisorEvent> listener) {
		listeners.add(listener);
	}

	void publish(HypervisorEvent event) {
		for (Consumer<HypervisorEvent> l : listeners) {
			try {
				l.accept(event);
			}
			catch (RuntimeException e) {
				SimLog.error("listener", e);
			}
		}
	}

	@Override
	public void close() {
		if (halted) {
			// no driver runs any more to close a device with: what is left is the disks' mappings
			disks.close();
			return;
		}
		for (SimGuest g : guests()) {
			g.kill();
		}
		backendDomains.values().forEach(d -> d.bus.close());
		driverPool.shutdownNow();
		timers.shutdownNow();
		disks.close();
	}

	/** Whether {@link #halt()} stopped this host. */
	boolean halted() {
		return halted;
	}

	/**
	 * Stops every driver where it is, as the death of the process does: no guest is told, no device
	 * closed, no disk flushed or closed (what was written is in the page cache already). For tests
	 * of what a new host on the same directory finds.
	 */
	void halt() {
		halted = true;
		driverPool.shutdownNow();
		timers.shutdownNow();
	}

	static Duration remaining(long deadlineNanos) {
		return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
	}

	private static ThreadFactory daemon(String prefix) {
		AtomicInteger n = new AtomicInteger();
		return r -> {
			Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
			t.setDaemon(true);
			return t;
		};
	}

}
