package org.xso.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.xso.hypervisor.BackendDomain;
import org.xso.hypervisor.BlkbackFeatures;
import org.xso.hypervisor.DeviceCounters;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceInfo;
import org.xso.hypervisor.DeviceSavedState;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.DiskVerification;
import org.xso.hypervisor.Capture;
import org.xso.hypervisor.GuestInfo;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.Hypervisor;
import org.xso.hypervisor.HypervisorEvent;
import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.PowerState;
import org.xso.hypervisor.QuiesceReport;
import org.xso.hypervisor.ResumeBlocker;
import org.xso.hypervisor.ResumePhase;
import org.xso.hypervisor.ResumeReport;
import org.xso.hypervisor.SavedDomain;
import org.xso.hypervisor.SavedPart;
import org.xso.hypervisor.SimulatorControls;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.hypervisor.WorkloadSpec;
import org.xso.hypervisor.XenstoreEntry;
import org.xso.xen.DomId;
import org.xso.xen.EvtchnPort;
import org.xso.xen.GrantRef;
import org.xso.xen.XenbusState;

/**
 * A test double of the hypervisor port: guests as records in memory that behave as the port's
 * contract says (a suspended guest is gone; a resume needs the target absent and issues grant refs
 * never used before; a failed call leaves the guest as it was). Tests can make the next call of a
 * method fail, hold a call until released, and list resume blockers. It has workload and fault
 * controls as the simulator does, beside the port ({@link #simulatorControls()}), which a test can
 * take away ({@link #withoutSimulator()}).
 */
public class FakeHypervisor implements Hypervisor {

	/** The methods a test can make fail or hold. */
	public enum Call {

		CREATE, ATTACH, DETACH, QUIESCE, THAW, PAUSE, UNPAUSE, SAVE, SUSPEND, RESUME, DESTROY,

		/** A periodic checkpoint's capture written to storage (before its checkpoint is stored). */
		PERSIST

	}

	private final Map<Integer, FakeGuest> guests = new ConcurrentHashMap<>();

	private final List<Consumer<HypervisorEvent>> listeners = new CopyOnWriteArrayList<>();

	private final Map<Call, Deque<Throwable>> failures = new EnumMap<>(Call.class);

	private final Map<Call, CountDownLatch> gates = new ConcurrentHashMap<>();

	private final Map<Call, CountDownLatch> arrivals = new ConcurrentHashMap<>();

	private final Map<Call, CountDownLatch> hung = new ConcurrentHashMap<>();

	private final List<ResumeBlocker> blockers = new CopyOnWriteArrayList<>();

	private final AtomicInteger grants = new AtomicInteger(1000);

	private final AtomicInteger ports = new AtomicInteger(10);

	private final Map<Call, AtomicInteger> calls = new ConcurrentHashMap<>();

	private volatile boolean simulator = true;

	private volatile boolean partsInSaveImage;

	private final List<String> faults = new CopyOnWriteArrayList<>();

	private volatile int refsBeforeResume;

	public FakeHypervisor() {
		for (Call c : Call.values()) {
			failures.put(c, new ConcurrentLinkedDeque<>());
		}
	}

	// ---- test controls -------------------------------------------------------------------

	public void reset() {
		guests.clear();
		failures.values().forEach(Deque::clear);
		refsBeforeResume = 0;
		gates.values().forEach(CountDownLatch::countDown);
		gates.clear();
		arrivals.clear();
		blockers.clear();
		calls.clear();
		faults.clear();
		released.clear();
		held.clear();
		simulator = true;
		partsInSaveImage = false;
	}

	/** Declare, as the libxl adapter does, that rings, grants, shadow and driver state are held in the save image. */
	public void holdPartsInSaveImage() {
		partsInSaveImage = true;
	}

	@Override
	public Map<SavedPart, SavedPart.Presence> savedParts() {
		return SavedPart.all(partsInSaveImage
				? SavedPart.Presence.HELD_IN_SAVE_IMAGE : SavedPart.Presence.PRESENT);
	}

	/** Behave like an adapter without simulator controls (libxl). */
	public void withoutSimulator() {
		simulator = false;
	}

	/** The faults injected so far, as "KIND domid device value". */
	public List<String> faults() {
		return List.copyOf(faults);
	}

	public void failNext(Call call, HypervisorException.Reason reason) {
		failures.get(call).add(new HypervisorException(reason, "injected " + reason + " in " + call));
	}

	/** The next call of {@code call} throws {@code failure}: an Error, or a bug's RuntimeException. */
	public void failNextWith(Call call, Throwable failure) {
		failures.get(call).add(failure);
	}

	/** Resume reports list {@code n} grant refs before the resume per device (a device with a deep shadow). */
	public void reportRefsBeforeResume(int n) {
		refsBeforeResume = n;
	}

	/** The next calls of {@code call} wait until {@link #release}; {@link #awaitArrival} sees them arrive. */
	public void hold(Call call) {
		gates.put(call, new CountDownLatch(1));
		arrivals.put(call, new CountDownLatch(1));
	}

	public void release(Call call) {
		CountDownLatch g = gates.remove(call);
		if (g != null) {
			g.countDown();
		}
	}

	public boolean awaitArrival(Call call, Duration timeout) throws InterruptedException {
		CountDownLatch a = arrivals.get(call);
		return a != null && a.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * The next call of {@code call} never returns, even when interrupted: what a crash of the service
	 * looks like to the operation that made it.
	 */
	public void hang(Call call) {
		hung.put(call, new CountDownLatch(1));
		arrivals.put(call, new CountDownLatch(1));
	}

	/** Puts a guest in a state directly (as a crashed operation may have left it). */
	public void force(int domid, PowerState state) {
		guests.get(domid).state = state;
	}

	public void blockResumesWith(ResumeBlocker blocker) {
		blockers.add(blocker);
	}

	public int calls(Call call) {
		return calls.computeIfAbsent(call, c -> new AtomicInteger()).get();
	}

	public Optional<PowerState> power(int domid) {
		FakeGuest g = guests.get(domid);
		return g == null ? Optional.empty() : Optional.of(g.state);
	}

	private void enter(Call call) {
		calls.computeIfAbsent(call, c -> new AtomicInteger()).incrementAndGet();
		CountDownLatch arrived = arrivals.get(call);
		if (arrived != null) {
			arrived.countDown();
		}
		CountDownLatch hang = hung.remove(call);
		while (hang != null) {
			try {
				hang.await();
				hang = null;
			}
			catch (InterruptedException e) {
				// a crashed process does not wake up
			}
		}
		CountDownLatch gate = gates.get(call);
		if (gate != null) {
			try {
				gate.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
		}
		Throwable f = failures.get(call).poll();
		if (f instanceof Error e) {
			throw e;
		}
		if (f != null) {
			throw (RuntimeException) f;
		}
	}

	// ---- the port --------------------------------------------------------------------------

	@Override
	public String kind() {
		return "fake";
	}

	@Override
	public List<GuestInfo> guests() {
		return guests.values().stream().map(FakeGuest::info).toList();
	}

	/**
	 * Dom0 with libxl's default bridge, then every guest: as under libxl, any domain may run
	 * backends, and its bridges are its own kernel's (not listed).
	 */
	@Override
	public List<BackendDomain> backendDomains() {
		List<BackendDomain> out = new ArrayList<>();
		out.add(BackendDomain.dom0(List.of(DeviceSpec.DEFAULT_BRIDGE)));
		guests.values().forEach(g -> out.add(new BackendDomain(g.info().domid(), g.info().config().name(), null)));
		return out;
	}

	@Override
	public Optional<GuestInfo> guest(DomId domid) {
		return Optional.ofNullable(guests.get(domid.value())).map(FakeGuest::info);
	}

	@Override
	public GuestInfo create(Optional<DomId> domid, GuestSpec spec, Duration connectTimeout) {
		enter(Call.CREATE);
		int id = domid.map(DomId::value).orElseGet(() -> guests.keySet().stream().max(Integer::compare).orElse(0) + 1);
		if (guests.containsKey(id)) {
			throw new HypervisorException(HypervisorException.Reason.DOMAIN_EXISTS, "domain " + id + " exists");
		}
		// one name, one live domain, as libxl has it
		Optional<Integer> named = named(spec.name());
		if (named.isPresent()) {
			throw new HypervisorException(HypervisorException.Reason.DOMAIN_EXISTS,
					"dom" + named.get() + " is already named \"" + spec.name() + "\"");
		}
		FakeGuest g = new FakeGuest(id, spec);
		spec.devices().forEach(d -> g.devices.put(d.id(), connect(id, d)));
		guests.put(id, g);
		fire(new HypervisorEvent.GuestStateChanged(DomId.guest(id), PowerState.RUNNING));
		return g.info();
	}

	@Override
	public void destroy(DomId domid, Duration timeout) {
		enter(Call.DESTROY);
		FakeGuest g = require(domid);
		g.devices.keySet().forEach(d -> close(domid.value(), d));
		guests.remove(domid.value());
	}

	@Override
	public DeviceInfo attach(DomId domid, DeviceSpec device, Duration timeout) {
		enter(Call.ATTACH);
		FakeGuest g = requireRunning(domid);
		if (g.devices.containsKey(device.id())) {
			throw new HypervisorException(HypervisorException.Reason.DEVICE_EXISTS, "device " + device.id());
		}
		FakeDevice d = connect(domid.value(), device);
		g.devices.put(device.id(), d);
		g.spec = withDevices(g.spec, g);
		return d.info();
	}

	@Override
	public void detach(DomId domid, DeviceId device, Duration timeout) {
		enter(Call.DETACH);
		FakeGuest g = requireRunning(domid);
		if (g.devices.remove(device) == null) {
			throw new HypervisorException(HypervisorException.Reason.DEVICE_NOT_FOUND, "device " + device);
		}
		close(domid.value(), device);
		g.spec = withDevices(g.spec, g);
	}

	@Override
	public QuiesceReport quiesce(DomId domid, SuspendStrategy strategy, Duration deadline) {
		FakeGuest g = require(domid);
		if (g.state != PowerState.RUNNING) {
			throw new HypervisorException(HypervisorException.Reason.BAD_POWER_STATE, "guest is " + g.state);
		}
		enter(Call.QUIESCE);
		g.state = PowerState.PAUSED;
		g.strategy = strategy;
		fire(new HypervisorEvent.GuestStateChanged(domid, PowerState.PAUSED));
		List<QuiesceReport.Device> devices = new ArrayList<>();
		for (FakeDevice d : g.devices.values()) {
			boolean shadow = strategy == SuspendStrategy.SHADOW_REPLAY;
			devices.add(new QuiesceReport.Device(d.spec.id(), shadow ? 0 : 3, shadow ? 3 : 0, 1,
					d.spec instanceof DeviceSpec.Vif ? 1 : 0, !shadow));
		}
		return new QuiesceReport(strategy, devices);
	}

	@Override
	public void thaw(DomId domid, Duration timeout) {
		FakeGuest g = require(domid);
		if (g.state != PowerState.PAUSED || g.paused) {
			throw new HypervisorException(HypervisorException.Reason.BAD_POWER_STATE,
					"guest is " + g.state + (g.paused ? " by a pause" : "") + ": only a quiesced guest is thawed");
		}
		enter(Call.THAW);
		g.state = PowerState.RUNNING;
		fire(new HypervisorEvent.GuestStateChanged(domid, PowerState.RUNNING));
	}

	@Override
	public void pause(DomId domid, Duration timeout) {
		FakeGuest g = requireRunning(domid);
		enter(Call.PAUSE);
		g.paused = true;
		g.state = PowerState.PAUSED;
		fire(new HypervisorEvent.GuestStateChanged(domid, PowerState.PAUSED));
	}

	@Override
	public void unpause(DomId domid, Duration timeout) {
		FakeGuest g = require(domid);
		if (!g.paused) {
			throw new HypervisorException(HypervisorException.Reason.BAD_POWER_STATE,
					"guest is " + g.state + ": only a paused guest is unpaused");
		}
		enter(Call.UNPAUSE);
		g.state = PowerState.RUNNING;
		g.paused = false;
		fire(new HypervisorEvent.GuestStateChanged(domid, PowerState.RUNNING));
	}

	/** Whether the guest was paused by {@link #pause} (not quiesced). */
	public boolean paused(int domid) {
		FakeGuest g = guests.get(domid);
		return g != null && g.paused;
	}

	@Override
	public SavedDomain save(DomId domid, Duration deadline) {
		FakeGuest g = require(domid);
		if (g.state != PowerState.PAUSED || g.paused) {
			throw new HypervisorException(HypervisorException.Reason.DEVICE_NOT_QUIESCED,
					"guest is " + g.state + ": save needs a quiesced guest");
		}
		enter(Call.SAVE);
		if (deadline.isNegative() || deadline.isZero()) {
			throw new HypervisorException(HypervisorException.Reason.BACKEND_TIMEOUT, "no time left to save " + domid);
		}
		SavedDomain saved = FakeImages.save(g.id, g.spec, g.strategy,
				g.devices.values().stream().map(d -> d.state).toList());
		saved.devices().forEach(d -> {
			String storage = d.backendInfo().get(STORAGE);
			if (storage != null) {
				held.add(storage);
			}
		});
		return saved;
	}

	@Override
	public void persistCapture(Capture capture) {
		enter(Call.PERSIST);
	}

	@Override
	public void suspend(DomId domid, Duration timeout) {
		FakeGuest g = require(domid);
		if (g.state != PowerState.PAUSED || g.paused) {
			throw new HypervisorException(HypervisorException.Reason.BAD_POWER_STATE, "suspend needs a quiesced guest");
		}
		enter(Call.SUSPEND);
		guests.remove(domid.value());
		fire(new HypervisorEvent.GuestStateChanged(domid, PowerState.SUSPENDED));
	}

	@Override
	public ResumeReport resume(SavedDomain image, DomId target, Duration deadline, Consumer<ResumePhase> phases) {
		if (guests.containsKey(target.value())) {
			throw new HypervisorException(HypervisorException.Reason.DOMAIN_EXISTS, "target " + target + " exists");
		}
		List<ResumeBlocker> blocked = resumeBlockers(image);
		if (!blocked.isEmpty()) {
			// refused before anything starts, as the adapters do
			throw new HypervisorException(HypervisorException.Reason.INVALID_IMAGE, "cannot resume: " + blocked);
		}
		phases.accept(ResumePhase.RESTORE);
		enter(Call.RESUME);
		FakeGuest g = new FakeGuest(target.value(), image.config());
		List<ResumeReport.Device> report = new ArrayList<>();
		phases.accept(ResumePhase.REGRANT);
		for (DeviceSavedState saved : image.devices()) {
			DeviceSpec spec = image.config().devices().stream().filter(s -> s.id().equals(saved.id())).findFirst()
				.orElseThrow();
			FakeDevice d = connect(target.value(), spec);
			g.devices.put(spec.id(), d);
			List<GrantRef> before = new ArrayList<>(saved.rings().stream().flatMap(r -> r.refs().stream()).toList());
			for (int i = before.size(); i < refsBeforeResume; i++) {
				before.add(new GrantRef(1_000_000_000 + i));
			}
			report.add(new ResumeReport.Device(saved.id(), saved.shadow().size(), 1, 0, before, d.state.ringRefs(),
					List.of()));
		}
		phases.accept(ResumePhase.RECONNECT);
		phases.accept(ResumePhase.REPLAY);
		phases.accept(ResumePhase.VERIFY);
		guests.put(target.value(), g);
		fire(new HypervisorEvent.GuestStateChanged(target, PowerState.RUNNING));
		return new ResumeReport(target, report);
	}

	/**
	 * What the adapters find too: another format or adapter, storage this host released, a live
	 * domain with the saved guest's name; and what a test asked for ({@link #blockResumesWith}).
	 * Storage this instance never saw counts as kept: a fake started again after a restart stands for
	 * a host whose snapshots outlived the service.
	 */
	@Override
	public List<ResumeBlocker> resumeBlockers(SavedDomain image) {
		List<ResumeBlocker> found = new ArrayList<>();
		if (!SavedDomain.readable(image.formatVersion())) {
			found.add(ResumeBlocker.of(ResumeBlocker.Kind.FORMAT_VERSION_UNSUPPORTED,
					"format version " + image.formatVersion()));
		}
		if (!kind().equals(image.adapter())) {
			found.add(ResumeBlocker.of(ResumeBlocker.Kind.ADAPTER_MISMATCH,
					"saved by the " + image.adapter() + " adapter"));
		}
		for (DeviceSavedState d : image.devices()) {
			String storage = d.backendInfo().get(STORAGE);
			if (storage != null && released.contains(storage)) {
				found.add(ResumeBlocker.of(ResumeBlocker.Kind.STORAGE_MISSING,
						d.id(), storage + " was released"));
			}
		}
		named(image.config().name()).ifPresent(other -> found.add(ResumeBlocker
			.of(ResumeBlocker.Kind.DOMAIN_NAME_IN_USE, "dom" + other + " is already named \""
					+ image.config().name() + "\"")));
		found.addAll(blockers);
		return found;
	}

	/** The backend-info key naming the storage kept for a saved device. */
	public static final String STORAGE = "fake-storage";

	/** The storage the service released (of deleted checkpoints' devices), in order. */
	public final List<String> released = new CopyOnWriteArrayList<>();

	/** The storage the host keeps: of every save, until it is released. */
	public final Set<String> held = ConcurrentHashMap.newKeySet();

	@Override
	public void releaseStorage(Map<String, String> backendInfo) {
		String storage = backendInfo.get(STORAGE);
		if (storage != null) {
			held.remove(storage);
			released.add(storage);
		}
	}

	@Override
	public int releaseStorageExcept(Collection<Map<String, String>> referenced) {
		Set<String> keep = new HashSet<>();
		referenced.forEach(info -> {
			String storage = info.get(STORAGE);
			if (storage != null) {
				keep.add(storage);
			}
		});
		int n = 0;
		for (String storage : List.copyOf(held)) {
			if (!keep.contains(storage) && held.remove(storage)) {
				released.add(storage);
				n++;
			}
		}
		return n;
	}

	@Override
	public List<XenstoreEntry> xenstore(String path) {
		List<XenstoreEntry> out = new ArrayList<>();
		for (FakeGuest g : guests.values()) {
			String base = "/local/domain/" + g.id;
			out.add(new XenstoreEntry(base + "/name", g.spec.name(), "n0"));
			for (FakeDevice d : g.devices.values()) {
				String dev = base + "/device/" + d.spec.id().type() + "/" + d.spec.id().devid();
				// the guest owns its frontend, the backend domain reads it
				String perms = "n" + g.id + ",r" + d.spec.backendDomid().value();
				out.add(new XenstoreEntry(dev + "/state", d.state.frontendState().xenstoreValue(), perms));
				out.add(new XenstoreEntry(dev + "/ring-ref", d.state.ringRefs().get(0).toString(), perms));
			}
		}
		return out.stream().filter(e -> e.path().startsWith(path)).toList();
	}

	@Override
	public void addListener(Consumer<HypervisorEvent> listener) {
		listeners.add(listener);
	}

	/**
	 * The controls the service finds beside the port, as the simulator provides them: empty once
	 * {@link #withoutSimulator()} made this behave like the libxl adapter.
	 */
	public Optional<SimulatorControls> simulatorControls() {
		return simulator ? Optional.of(controls) : Optional.empty();
	}

	private final SimulatorControls controls = new SimulatorControls() {

		@Override
		public void startWorkload(DomId domid, WorkloadSpec spec) {
			FakeHypervisor.this.startWorkload(domid, spec);
		}

		@Override
		public void stopWorkload(DomId domid) {
			FakeHypervisor.this.stopWorkload(domid);
		}

		/** The fake host stops: it runs no guest any more (until {@link #reset()}). */
		@Override
		public void halt() {
			guests.clear();
		}

		@Override
		public boolean workloadRunning(DomId domid) {
			return FakeHypervisor.this.workloadRunning(domid);
		}

		@Override
		public DiskVerification verifyDisks(DomId domid, Duration timeout) {
			return FakeHypervisor.this.verifyDisks(domid, timeout);
		}

		@Override
		public void setBackendLatency(DomId domid, DeviceId device, Duration latency) {
			FakeHypervisor.this.setBackendLatency(domid, device, latency);
		}

		@Override
		public void loseNotifications(DomId domid, DeviceId device, int n) {
			FakeHypervisor.this.loseNotifications(domid, device, n);
		}

		@Override
		public void setBackendsStall(DomId domid, boolean stall) {
			FakeHypervisor.this.setBackendsStall(domid, stall);
		}

		@Override
		public void setBackendFeaturesAfterRestore(DomId domid, DeviceId device, BlkbackFeatures features) {
			FakeHypervisor.this.setBackendFeaturesAfterRestore(domid, device, features);
		}

		@Override
		public void injectXenstoreConflicts(int n) {
			FakeHypervisor.this.injectXenstoreConflicts(n);
		}

		@Override
		public void setStorageCheckLatency(DomId domid, Duration latency) {
			faults.add("STORAGE_CHECK_LATENCY " + domid.value() + " " + latency.toMillis());
		}

		@Override
		public void setTeardownLatency(DomId domid, Duration latency) {
			faults.add("TEARDOWN_LATENCY " + domid.value() + " " + latency.toMillis());
		}

		@Override
		public void setGuestSuspendLatency(DomId domid, Duration latency) {
			faults.add("GUEST_SUSPEND_LATENCY " + domid.value() + " " + latency.toMillis());
		}

	};

	// ---- simulator controls ----------------------------------------------------------------

	public void startWorkload(DomId domid, WorkloadSpec spec) {
		require(domid).workload = true;
	}

	public void stopWorkload(DomId domid) {
		require(domid).workload = false;
	}

	public boolean workloadRunning(DomId domid) {
		FakeGuest g = guests.get(domid.value());
		return g != null && g.workload;
	}

	public DiskVerification verifyDisks(DomId domid, Duration timeout) {
		require(domid);
		return new DiskVerification(0, 0);
	}

	public void setBackendLatency(DomId domid, DeviceId device, Duration latency) {
		requireDevice(domid, device);
		faults.add("BACKEND_LATENCY " + domid + " " + device + " " + latency.toMillis());
	}

	public void loseNotifications(DomId domid, DeviceId device, int n) {
		requireDevice(domid, device);
		faults.add("LOSE_NOTIFICATIONS " + domid + " " + device + " " + n);
	}

	public void setBackendsStall(DomId domid, boolean stall) {
		require(domid);
		faults.add("BACKENDS_STALL " + domid + " " + stall);
	}

	public void setBackendFeaturesAfterRestore(DomId domid, DeviceId device, BlkbackFeatures features) {
		requireDevice(domid, device);
		faults.add("BACKEND_FEATURES_AFTER_RESTORE " + domid + " " + device + " " + features.persistent());
	}

	public void injectXenstoreConflicts(int n) {
		faults.add("XENSTORE_CONFLICTS " + n);
	}

	// ---- internals -------------------------------------------------------------------------

	private FakeGuest require(DomId domid) {
		FakeGuest g = guests.get(domid.value());
		if (g == null) {
			throw new HypervisorException(HypervisorException.Reason.DOMAIN_NOT_FOUND, "no domain " + domid);
		}
		return g;
	}

	private FakeGuest requireRunning(DomId domid) {
		FakeGuest g = require(domid);
		if (g.state != PowerState.RUNNING) {
			throw new HypervisorException(HypervisorException.Reason.BAD_POWER_STATE, "guest is " + g.state);
		}
		return g;
	}

	/** The live domain named {@code name}, if any (a suspended guest's domain is gone). */
	private Optional<Integer> named(String name) {
		return guests.values().stream().filter(g -> g.spec.name().equals(name)).map(g -> g.id).sorted().findFirst();
	}

	private void requireDevice(DomId domid, DeviceId device) {
		if (!require(domid).devices.containsKey(device)) {
			throw new HypervisorException(HypervisorException.Reason.DEVICE_NOT_FOUND, "no device " + device);
		}
	}

	private FakeDevice connect(int domid, DeviceSpec spec) {
		for (XenbusState s : List.of(XenbusState.Initialising, XenbusState.InitWait, XenbusState.Connected)) {
			fire(new HypervisorEvent.XenbusStateChanged(DomId.guest(domid), spec.id(), HypervisorEvent.End.BACKEND, s));
		}
		for (XenbusState s : List.of(XenbusState.Initialising, XenbusState.Initialised, XenbusState.Connected)) {
			fire(new HypervisorEvent.XenbusStateChanged(DomId.guest(domid), spec.id(), HypervisorEvent.End.FRONTEND, s));
		}
		int rings = spec instanceof DeviceSpec.Vif ? 2 : 1;
		List<GrantRef> refs = new ArrayList<>();
		for (int i = 0; i < rings; i++) {
			refs.add(GrantRef.of(grants.incrementAndGet()));
		}
		return new FakeDevice(spec, new FakeDeviceState(spec.id(), refs, List.of(EvtchnPort.of(ports.incrementAndGet()))));
	}

	private void close(int domid, DeviceId device) {
		for (HypervisorEvent.End end : HypervisorEvent.End.values()) {
			fire(new HypervisorEvent.XenbusStateChanged(DomId.guest(domid), device, end, XenbusState.Closing));
			fire(new HypervisorEvent.XenbusStateChanged(DomId.guest(domid), device, end, XenbusState.Closed));
		}
	}

	private static GuestSpec withDevices(GuestSpec spec, FakeGuest g) {
		return new GuestSpec(spec.name(), spec.memoryMiB(), spec.vcpus(),
				g.devices.values().stream().map(d -> d.spec).toList());
	}

	private void fire(HypervisorEvent e) {
		listeners.forEach(l -> l.accept(e));
	}

	/** A device's live state: what {@link FakeImages} saves. */
	record FakeDeviceState(DeviceId id, List<GrantRef> ringRefs, List<EvtchnPort> evtchns) {

		XenbusState frontendState() {
			return XenbusState.Connected;
		}

	}

	private static final class FakeDevice {

		final DeviceSpec spec;

		final FakeDeviceState state;

		FakeDevice(DeviceSpec spec, FakeDeviceState state) {
			this.spec = spec;
			this.state = state;
		}

		DeviceInfo info() {
			return new DeviceInfo(spec.id(), spec.backendDomid(), XenbusState.Connected, XenbusState.Connected,
					state.ringRefs(), state.evtchns(), new TreeMap<>(Map.of("feature-persistent", "1")),
					new DeviceCounters(10, 10, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0));
		}

	}

	private static final class FakeGuest {

		final int id;

		volatile GuestSpec spec;

		volatile PowerState state = PowerState.RUNNING;

		/** PAUSED by {@link FakeHypervisor#pause}, not by a quiesce. */
		volatile boolean paused;

		volatile SuspendStrategy strategy = SuspendStrategy.SHADOW_REPLAY;

		volatile boolean workload;

		final Map<DeviceId, FakeDevice> devices = new ConcurrentSkipListMap<>();

		FakeGuest(int id, GuestSpec spec) {
			this.id = id;
			this.spec = spec;
		}

		GuestInfo info() {
			return new GuestInfo(DomId.guest(id), spec, state, devices.values().stream().map(FakeDevice::info).toList());
		}

	}

}
