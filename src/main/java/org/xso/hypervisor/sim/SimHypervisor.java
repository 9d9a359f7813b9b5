package org.xso.hypervisor.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.xso.hypervisor.BackendDomain;
import org.xso.hypervisor.Capture;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceInfo;
import org.xso.hypervisor.DeviceSavedState;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.DeviceType;
import org.xso.hypervisor.GuestInfo;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.Hypervisor;
import org.xso.hypervisor.HypervisorEvent;
import org.xso.hypervisor.HypervisorException.Reason;
import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.PowerState;
import org.xso.hypervisor.QuiesceReport;
import org.xso.hypervisor.ResumeBlocker;
import org.xso.hypervisor.ResumePhase;
import org.xso.hypervisor.ResumeReport;
import org.xso.hypervisor.SavedDomain;
import org.xso.hypervisor.SimulatorControls;
import org.xso.hypervisor.SuspendBlocker;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.hypervisor.XenstoreEntry;
import org.xso.xen.DomId;
import org.xso.xen.mm.MachineMemory;
import org.xso.xen.store.XenstoreException;
import org.xso.xen.store.XsNodeView;

/**
 * The simulator adapter: the {@link Hypervisor} port over a {@link SimHost}. A suspend is the
 * PV control protocol ({@code control/shutdown = suspend}), the frontends' suspend routines, a
 * save of every device and of the guest's pages, and the domain's destruction; a resume builds the
 * guest again on new machine frames and lets its frontends reconnect through xenstore.
 *
 * <p>
 * <b>Threads.</b> The port's calls run on the callers' threads and keep no state here; what they
 * need of a driver they ask the driver for, on its executor ({@link Frontend}).
 */
public final class SimHypervisor implements Hypervisor, AutoCloseable {

	public static final String ADAPTER = "sim";


	final SimHost host;

	private final SimDomains domains;

	private final SimControls controls;

	private final XenbusEventRelay relay;

	/**
	 * The output barriers of captures taken while their guest's output was held, by capture (its
	 * saved guest, by identity), until the capture is released or discarded. Captures are taken,
	 * released and discarded on the callers' threads: a synchronized map.
	 */
	private final Map<SavedDomain, Map<DeviceId, Long>> heldOutput = java.util.Collections
		.synchronizedMap(new java.util.IdentityHashMap<>());

	public SimHypervisor() {
		this(new SimHost());
	}

	/**
	 * A simulator whose disks are files under {@code snapshotDir}: the snapshots of checkpoints, and
	 * under {@code live/} the guests' live disks, which a new simulator on the same directory finds
	 * again when it creates the same domain (with the same devices).
	 */
	public SimHypervisor(java.nio.file.Path snapshotDir) {
		this(snapshotDir, SimBackends.DEFAULT);
	}

	/**
	 * A simulator whose host runs {@code backends}' backend domains and bridges, with its disks as
	 * files under {@code snapshotDir} (see {@link #SimHypervisor(java.nio.file.Path)}), or in memory
	 * when that is null.
	 */
	public SimHypervisor(java.nio.file.@Nullable Path snapshotDir, SimBackends backends) {
		this(new SimHost(Math.max(2, Runtime.getRuntime().availableProcessors()), snapshotDir, backends));
	}

	SimHypervisor(SimHost host) {
		this.host = host;
		this.domains = new SimDomains(host);
		this.controls = new SimControls(host);
		this.relay = new XenbusEventRelay(host);
	}

	@Override
	public String kind() {
		return ADAPTER;
	}

	/** The simulated host models Xen 4.17's interfaces (its ring and grant ABI, xenstore, the split drivers). */
	@Override
	public String version() {
		return "simulated Xen 4.17";
	}

	/** The simulated host's disk directory's id: hosts given one {@code xso.sim.snapshot-dir} share it. */
	@Override
	public java.util.Optional<String> storageId() {
		return java.util.Optional.of(host.disks.storageId());
	}

	/** Dom0 and the driver domains the host started with, each with its bridges. */
	@Override
	public List<BackendDomain> backendDomains() {
		return host.backendDomains().stream().map(SimBackendDomain::describe).toList();
	}

	@Override
	public List<GuestInfo> guests() {
		if (host.halted()) {
			return List.of(); // a host stopped where it is runs nothing
		}
		return host.guests().stream().map(this::info).sorted((a, b) -> a.domid().compareTo(b.domid())).toList();
	}

	@Override
	public Optional<GuestInfo> guest(DomId domid) {
		if (host.halted()) {
			return Optional.empty();
		}
		return Optional.ofNullable(host.guest(domid)).map(this::info);
	}

	private GuestInfo info(SimGuest g) {
		List<DeviceInfo> devices = new ArrayList<>();
		for (Frontend f : g.frontends().values()) {
			devices.add(deviceInfo(g, f));
		}
		return new GuestInfo(g.domid(), g.spec(), g.state(), devices);
	}

	/**
	 * What the driver reports of its device, asked on its executor. A query has no caller's deadline:
	 * it waits up to {@link Frontend#DRIVER_ANSWER}.
	 */
	static DeviceInfo deviceInfo(SimGuest g, Frontend f) {
		return Frontend.await(f.info(), System.nanoTime() + Frontend.DRIVER_ANSWER.toNanos(), Reason.INTERNAL,
				f.id + " driver did not answer");
	}

	@Override
	public GuestInfo create(Optional<DomId> domid, GuestSpec spec, Duration connectTimeout) {
		return info(domains.create(domid, spec, connectTimeout));
	}

	@Override
	public void destroy(DomId domid, Duration timeout) {
		domains.destroy(existing(domid), timeout);
	}

	@Override
	public DeviceInfo attach(DomId domid, DeviceSpec device, Duration timeout) {
		SimGuest g = existing(domid);
		requireState(g, PowerState.RUNNING);
		return deviceInfo(g, domains.attach(g, device, timeout));
	}

	@Override
	public void detach(DomId domid, DeviceId device, Duration timeout) {
		SimGuest g = existing(domid);
		requireState(g, PowerState.RUNNING);
		domains.detach(g, device, timeout);
	}

	@Override
	public QuiesceReport quiesce(DomId domid, SuspendStrategy strategy, Duration deadline) {
		SimGuest g = existing(domid);
		requireState(g, PowerState.RUNNING);
		QuiesceReport r = domains.quiesce(g, strategy, deadline);
		host.publish(new HypervisorEvent.GuestStateChanged(domid, PowerState.PAUSED));
		return r;
	}

	@Override
	public void thaw(DomId domid, Duration timeout) {
		SimGuest g = existing(domid);
		requireQuiesced(g, Reason.BAD_POWER_STATE);
		domains.thaw(g, timeout);
		host.publish(new HypervisorEvent.GuestStateChanged(domid, PowerState.RUNNING));
	}

	@Override
	public void pause(DomId domid, Duration timeout) {
		SimGuest g = existing(domid);
		requireState(g, PowerState.RUNNING);
		domains.pause(g, timeout);
		host.publish(new HypervisorEvent.GuestStateChanged(domid, PowerState.PAUSED));
	}

	@Override
	public void unpause(DomId domid, Duration timeout) {
		SimGuest g = existing(domid);
		if (!g.paused()) {
			throw new HypervisorException(Reason.BAD_POWER_STATE, "dom" + domid + " is " + g.state()
					+ (g.state() == PowerState.PAUSED ? " by a suspend, not by a pause: thaw it" : ", not paused"));
		}
		domains.unpause(g, timeout);
		host.publish(new HypervisorEvent.GuestStateChanged(domid, PowerState.RUNNING));
	}

	/** Every device saved, its disk snapshotted (see {@link #saveDevices}), and the guest's whole memory image. */
	@Override
	public SavedDomain save(DomId domid, Duration deadline) {
		SimGuest g = quiesced(domid, deadline);
		List<DeviceSavedState> devices = saveDevices(g, deadline, f -> host.disks.snapshot(g.domid(), f.id.devid()));
		try {
			return new SavedDomain(SavedDomain.FORMAT_VERSION, ADAPTER, domid, g.spec(), devices, GuestImage.write(g));
		}
		catch (RuntimeException e) {
			dropSnapshots(devices);
			throw e;
		}
	}

	/**
	 * A save whose disk chunks are copied into memory, written by {@link #persistCapture}; with
	 * {@code incremental}, only the pages and chunks changed since the guest's last capture, if every
	 * part of it has one to build on (a guest restored or created since has not: its capture is full).
	 * Memory pages are found changed by comparing each with its copy from the last capture, disk
	 * chunks by the disk's own record of what it wrote since.
	 */
	@Override
	public Capture capture(DomId domid, Duration deadline, boolean incremental) {
		SimGuest g = quiesced(domid, deadline);
		boolean delta = incremental && g.memory().captured()
				&& SimDomains.vbds(g).stream().allMatch(devid -> host.disks.capturedBefore(g.domid(), devid));
		long[] diskBytes = new long[1];
		List<DeviceSavedState> devices = saveDevices(g, deadline, f -> {
			DiskStore.Captured c = host.disks.capture(g.domid(), f.id.devid(), delta);
			diskBytes[0] += c.bytes();
			return c.id();
		});
		GuestImage.Capture image;
		Map<DeviceId, Long> barriers;
		try {
			image = GuestImage.capture(g, delta);
			barriers = outputBarriers(g, System.nanoTime() + deadline.toNanos());
		}
		catch (RuntimeException e) {
			dropSnapshots(devices);
			throw e;
		}
		SavedDomain saved = new SavedDomain(SavedDomain.FORMAT_VERSION, ADAPTER, domid, g.spec(), devices, image.image());
		if (!barriers.isEmpty()) {
			heldOutput.put(saved, barriers);
		}
		return new Capture(saved, delta, (long) image.pages() * MachineMemory.PAGE_SIZE + diskBytes[0]);
	}

	/** Each vif's barrier between the output before this capture and the output after it (vifs holding output only). */
	private Map<DeviceId, Long> outputBarriers(SimGuest g, long deadlineNanos) {
		Map<DeviceId, java.util.concurrent.CompletableFuture<Long>> asked = new java.util.HashMap<>();
		netbacks(g.domid(), g.frontends().keySet()).forEach((id, n) -> asked.put(id, n.outputBarrier()));
		Map<DeviceId, Long> barriers = new java.util.HashMap<>();
		asked.forEach((id, f) -> {
			long b = Frontend.await(f, deadlineNanos, Reason.BACKEND_TIMEOUT, id + " backend did not mark its output");
			if (b > 0) {
				barriers.put(id, b);
			}
		});
		return barriers;
	}

	@Override
	public boolean holdsOutput() {
		return true;
	}

	/** Every vif's netback holds (or stops holding and releases) what the guest transmits. */
	@Override
	public void holdOutput(DomId domid, boolean hold, Duration timeout) {
		SimGuest g = existing(domid);
		long end = System.nanoTime() + timeout.toNanos();
		netbacks(domid, g.frontends().keySet()).forEach((id, n) -> Frontend.await(n.holdOutput(hold), end,
				Reason.BACKEND_TIMEOUT, id + " backend did not " + (hold ? "hold" : "release") + " its output"));
	}

	@Override
	public void releaseOutput(Capture capture) {
		Map<DeviceId, Long> barriers = heldOutput.remove(capture.saved());
		if (barriers == null) {
			return;
		}
		netbacks(capture.saved().domid(), barriers.keySet()).forEach((id, n) -> n.releaseOutput(barriers.get(id)));
	}

	/** The netbacks running for those of {@code devices} that are vifs of {@code domid}. */
	private Map<DeviceId, Netback> netbacks(DomId domid, java.util.Collection<DeviceId> devices) {
		Map<DeviceId, Netback> netbacks = new java.util.HashMap<>();
		for (DeviceId id : devices) {
			if (id.type() == DeviceType.vif && host.driver(domid, id).orElse(null) instanceof Netback n) {
				netbacks.put(id, n);
			}
		}
		return netbacks;
	}

	@Override
	public void persistCapture(Capture capture) {
		for (DeviceSavedState d : capture.saved().devices()) {
			String snapshot = d.backendInfo().get(SimDomains.DISK_SNAPSHOT);
			if (snapshot != null) {
				host.disks.persist(snapshot);
			}
		}
	}

	@Override
	public void discardCapture(Capture capture) {
		// its output waits for the next durable capture
		heldOutput.remove(capture.saved());
		dropSnapshots(capture.saved().devices());
		SimGuest g = host.guest(capture.saved().domid());
		if (g != null) {
			g.memory().forgetCapture();
		}
	}

	/** Resolves the memory images of the chain into the newest's; its disks resolve their own chain when restored. */
	@Override
	public SavedDomain resolve(List<SavedDomain> chain) {
		if (chain.size() == 1) {
			return chain.get(0);
		}
		List<java.nio.ByteBuffer> images = chain.stream().map(SavedDomain::memoryImageView).toList();
		byte[] image;
		try {
			image = GuestImage.resolve(images);
		}
		catch (RuntimeException e) {
			throw new HypervisorException(Reason.INVALID_IMAGE, "the chain of " + chain.size()
					+ " captures does not resolve: " + e.getMessage(), e);
		}
		SavedDomain newest = chain.get(chain.size() - 1);
		return new SavedDomain(newest.formatVersion(), newest.adapter(), newest.domid(), newest.config(),
				newest.devices(), image);
	}

	/** Each disk capture of the newest link becomes a full snapshot under its own id (memory is in {@code resolved}). */
	@Override
	public void compact(SavedDomain resolved) {
		for (DeviceSavedState d : resolved.devices()) {
			String snapshot = d.backendInfo().get(SimDomains.DISK_SNAPSHOT);
			if (snapshot == null) {
				continue;
			}
			try {
				host.disks.compact(snapshot);
			}
			catch (IllegalArgumentException | java.io.UncheckedIOException e) {
				throw new HypervisorException(Reason.INVALID_IMAGE, d.id(),
						"disk capture " + snapshot + " cannot be compacted: " + e.getMessage());
			}
		}
	}

	private SimGuest quiesced(DomId domid, Duration deadline) {
		SimGuest g = existing(domid);
		requireQuiesced(g, Reason.DEVICE_NOT_QUIESCED);
		if (deadline.isNegative() || deadline.isZero()) {
			// every device's driver has to answer: with no time for that, fail before any snapshot
			throw new HypervisorException(Reason.BACKEND_TIMEOUT, "dom" + domid + ": no time left to save it");
		}
		return g;
	}

	/**
	 * Every frontend saves its device on its own executor while the disks are snapshotted here, on
	 * the caller's thread (by {@code snapshot}); the snapshots of a save that fails (a driver that
	 * misses the deadline) are dropped again, as no checkpoint will ever name them.
	 */
	private List<DeviceSavedState> saveDevices(SimGuest g, Duration deadline,
			java.util.function.Function<Frontend, String> snapshot) {
		long end = System.nanoTime() + deadline.toNanos();
		List<String> snapshots = new ArrayList<>();
		try {
			return Frontend.onEvery(g.frontends().values(), f -> {
				SortedMap<String, String> info = backendInfo(g, f);
				if (f.id.type() == DeviceType.vbd) {
					String id = snapshot.apply(f);
					snapshots.add(id);
					info.put(SimDomains.DISK_SNAPSHOT, id);
				}
				return f.save(info);
			}, end, Reason.BACKEND_TIMEOUT, "save its device within " + deadline);
		}
		catch (RuntimeException e) {
			snapshots.forEach(host.disks::dropSnapshot);
			throw e;
		}
	}

	private void dropSnapshots(List<DeviceSavedState> devices) {
		for (DeviceSavedState d : devices) {
			host.disks.dropSnapshot(d.backendInfo().get(SimDomains.DISK_SNAPSHOT));
		}
	}

	private SortedMap<String, String> backendInfo(SimGuest g, Frontend f) {
		SortedMap<String, String> info = new TreeMap<>();
		String be = Toolstack.backendPath(f.backendId, g.domid(), f.id);
		List<String> keys = f.id.type() == DeviceType.vbd ? List.of("sectors", "sector-size", "info", "mode")
				: List.of("mac", "bridge");
		for (String k : keys) {
			host.toolstack.connection().tryRead(be + "/" + k).ifPresent(v -> info.put(k, v));
		}
		return info;
	}

	@Override
	public void suspend(DomId domid, Duration timeout) {
		SimGuest g = existing(domid);
		requireQuiesced(g, Reason.BAD_POWER_STATE);
		slow(host.faults.teardownLatency(domid), "while tearing down " + domid);
		domains.suspend(g, timeout);
		host.publish(new HypervisorEvent.GuestStateChanged(domid, PowerState.SUSPENDED));
	}

	@Override
	public ResumeReport resume(SavedDomain image, DomId target, Duration deadline, Consumer<ResumePhase> phases) {
		// the target's id first, then the image: libxl__domain_make creates the domain before it names it
		domains.requireFree(target);
		List<ResumeBlocker> blockers = resumeBlockers(image);
		if (!blockers.isEmpty()) {
			throw new HypervisorException(Reason.INVALID_IMAGE, "cannot resume: "
					+ String.join("; ", blockers.stream().map(ResumeBlocker::toString).toList()));
		}
		ResumeReport report = domains.resume(image, target, deadline, phases);
		host.publish(new HypervisorEvent.GuestStateChanged(target, PowerState.RUNNING));
		return report;
	}

	@Override
	public List<ResumeBlocker> resumeBlockers(SavedDomain image) {
		slowStorage(image.domid());
		List<ResumeBlocker> blockers = new ArrayList<>();
		if (!SavedDomain.readable(image.formatVersion())) {
			blockers.add(ResumeBlocker.of(ResumeBlocker.Kind.FORMAT_VERSION_UNSUPPORTED, "format version "
					+ image.formatVersion() + " is not " + SavedDomain.OLDEST_FORMAT_VERSION + ".." + SavedDomain.FORMAT_VERSION));
		}
		if (!ADAPTER.equals(image.adapter())) {
			blockers.add(ResumeBlocker.of(ResumeBlocker.Kind.ADAPTER_MISMATCH,
					"image was saved by the " + image.adapter() + " adapter"));
		}
		blockers.addAll(domains.backendBlockers(image.config().devices()));
		for (DeviceSavedState d : image.devices()) {
			String snap = d.backendInfo().get(SimDomains.DISK_SNAPSHOT);
			if (d.id().type() == DeviceType.vbd && (snap == null || !host.disks.hasSnapshot(snap))) {
				blockers.add(ResumeBlocker.of(ResumeBlocker.Kind.STORAGE_MISSING, d.id(),
						"disk snapshot " + snap + " is not held by this host"));
			}
		}
		// the saved guest's own domain is gone (a suspend destroyed it; a resume needs its id free):
		// a live domain with the name is another one, and libxl refuses a second domain of one name
		domains.named(image.config().name())
			.ifPresent(other -> blockers.add(ResumeBlocker.of(ResumeBlocker.Kind.DOMAIN_NAME_IN_USE,
					"dom" + other + " is already named \"" + image.config().name() + "\"")));
		return blockers;
	}

	/** Slow storage (fault injection): looking for a guest's snapshots takes that long, on the caller's thread. */
	/**
	 * Takes the storage-check latency injected for {@code guest}, as it stands while it waits: a
	 * test that lowers it (to zero) lets a check already waiting go on.
	 */
	private void slowStorage(DomId guest) {
		long start = System.nanoTime();
		while (true) {
			long left = host.faults.storageCheckLatency(guest).toNanos() - (System.nanoTime() - start);
			if (left <= 0) {
				return;
			}
			slow(Duration.ofNanos(Math.min(left, 20_000_000)), "while looking for the disk snapshots of " + guest);
		}
	}

	/** Takes {@code latency} (a fault injected by a test), on the caller's thread. */
	private static void slow(Duration latency, String what) {
		if (latency.isZero()) {
			return;
		}
		try {
			Thread.sleep(latency.toMillis());
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new HypervisorException(Reason.INTERNAL, "interrupted " + what);
		}
	}

	@Override
	public void releaseStorage(Map<String, String> backendInfo) {
		String snapshot = backendInfo.get(SimDomains.DISK_SNAPSHOT);
		if (snapshot != null) {
			host.disks.dropSnapshot(snapshot);
		}
	}

	@Override
	public boolean exportStorage(Map<String, String> backendInfo, java.io.OutputStream out) {
		String snapshot = backendInfo.get(SimDomains.DISK_SNAPSHOT);
		if (snapshot == null) {
			return false;
		}
		try {
			host.disks.exportSnapshot(snapshot, out);
			return true;
		}
		catch (IllegalArgumentException | IllegalStateException e) {
			throw new HypervisorException(Reason.INTERNAL, String.valueOf(e.getMessage()));
		}
	}

	/**
	 * The port's checks, and for SUSPEND_RESUME a backend stalled by a fault: its quiesce drains
	 * through the backend and tears the device down, and neither would finish. (SHADOW_REPLAY freezes
	 * with the requests in its shadow and needs no backend to suspend; the resume finds the stall.)
	 */
	@Override
	public List<SuspendBlocker> suspendBlockers(DomId domid, SuspendStrategy strategy) {
		List<SuspendBlocker> out = new ArrayList<>(Hypervisor.super.suspendBlockers(domid, strategy));
		if (strategy == SuspendStrategy.SUSPEND_RESUME && host.faults.stalled(domid)) {
			SimGuest g = host.guest(domid);
			for (DeviceId d : g == null ? List.<DeviceId>of() : List.copyOf(g.frontends().keySet())) {
				out.add(new SuspendBlocker(SuspendBlocker.Kind.BACKEND_NOT_RESPONDING, d,
						"its backend does not answer (stalled)"));
			}
		}
		return out;
	}

	@Override
	public boolean keepsStorage(Map<String, String> backendInfo) {
		return backendInfo.containsKey(SimDomains.DISK_SNAPSHOT);
	}

	@Override
	public void importStorage(Map<String, String> backendInfo, java.io.InputStream in) {
		String snapshot = backendInfo.get(SimDomains.DISK_SNAPSHOT);
		if (snapshot == null) {
			throw new HypervisorException(Reason.NOT_SUPPORTED, "the saved device names no disk snapshot");
		}
		try {
			host.disks.importSnapshot(snapshot, in);
		}
		catch (IllegalArgumentException | IllegalStateException e) {
			throw new HypervisorException(Reason.INVALID_CONFIG, String.valueOf(e.getMessage()));
		}
	}

	/** Drops the disk snapshots (files under the snapshot directory) that no referenced device names. */
	@Override
	public int releaseStorageExcept(java.util.Collection<Map<String, String>> referenced) {
		return host.disks.dropSnapshotsExcept(snapshots(referenced));
	}

	/** As {@link #releaseStorageExcept(java.util.Collection)}, for files written before {@code writtenBefore}. */
	@Override
	public int releaseStorageExcept(java.util.Collection<Map<String, String>> referenced,
			java.time.Instant writtenBefore) {
		return host.disks.dropSnapshotsExcept(snapshots(referenced), writtenBefore);
	}

	private static java.util.Set<String> snapshots(java.util.Collection<Map<String, String>> referenced) {
		java.util.Set<String> keep = new java.util.HashSet<>();
		for (Map<String, String> info : referenced) {
			String snapshot = info.get(SimDomains.DISK_SNAPSHOT);
			if (snapshot != null) {
				keep.add(snapshot);
			}
		}
		return keep;
	}

	@Override
	public List<XenstoreEntry> xenstore(String path) {
		try {
			List<XenstoreEntry> out = new ArrayList<>();
			for (XsNodeView v : host.xenstore.list(path)) {
				out.add(new XenstoreEntry(v.path(), v.value(), v.perms().toString()));
			}
			return out;
		}
		catch (XenstoreException e) {
			if ("ENOENT".equals(e.errno())) {
				return List.of();
			}
			throw new HypervisorException(Reason.INVALID_CONFIG, "xenstore path " + path + ": " + e.errno());
		}
	}

	@Override
	public void addListener(Consumer<HypervisorEvent> listener) {
		host.addListener(listener);
		// watch xenstore for state changes only once someone listens: every write fires the watch
		relay.start();
	}

	/** The simulated host's workloads and faults: beside the port, not part of it. */
	public SimulatorControls controls() {
		return controls;
	}

	@Override
	public void close() {
		host.close();
	}

	/** The host dies with the process (see {@link SimHost#halt()}); {@link #close()} still frees the rest. */
	void halt() {
		host.halt();
	}

	SimGuest existing(DomId domid) {
		SimGuest g = host.guest(domid);
		if (g == null) {
			throw new HypervisorException(Reason.DOMAIN_NOT_FOUND, "no domain " + domid);
		}
		return g;
	}

	private static void requireState(SimGuest g, PowerState expected) {
		if (g.state() != expected) {
			throw new HypervisorException(Reason.BAD_POWER_STATE,
					"dom" + g.domid() + " is " + g.state() + ", expected " + expected);
		}
	}

	/** A guest a quiesce froze (PAUSED, and not by {@code xl pause}), or {@code reason}. */
	private static void requireQuiesced(SimGuest g, Reason reason) {
		if (g.state() != PowerState.PAUSED || g.paused()) {
			throw new HypervisorException(reason, "dom" + g.domid() + " is " + g.state()
					+ (g.paused() ? " by a pause" : "") + ": quiesce it first");
		}
	}

	/**
	 * Waits for every driver to reach {@code phase}; a driver that misses the deadline fails the call
	 * with BACKEND_TIMEOUT, saying where its handshake stands (which the driver is asked for).
	 */
	static void awaitAll(Map<DeviceId, Frontend> items, Frontend.Phase phase, long deadlineNanos, String what) {
		for (Map.Entry<DeviceId, Frontend> e : items.entrySet()) {
			try {
				Frontend.await(e.getValue().phase(phase), deadlineNanos, Reason.BACKEND_TIMEOUT,
						e.getKey() + ": " + what);
			}
			catch (HypervisorException ex) {
				throw new HypervisorException(ex.reason(),
						ex.getMessage() + " (" + e.getValue().describeNow() + ")", ex);
			}
		}
	}

}
