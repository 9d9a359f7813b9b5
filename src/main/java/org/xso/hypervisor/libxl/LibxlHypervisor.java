package org.xso.hypervisor.libxl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceInfo;
import org.xso.hypervisor.BackendDomain;
import org.xso.hypervisor.DeviceSavedState;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.GuestInfo;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.Hypervisor;
import org.xso.hypervisor.HypervisorEvent;
import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.HypervisorException.Reason;
import org.xso.hypervisor.PowerState;
import org.xso.hypervisor.QuiesceReport;
import org.xso.hypervisor.ResumePhase;
import org.xso.hypervisor.ResumeReport;
import org.xso.hypervisor.ResumeBlocker;
import org.xso.hypervisor.SavedDomain;
import org.xso.hypervisor.SavedPart;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.hypervisor.ThawFailedException;
import org.xso.hypervisor.XenstoreEntry;
import org.xso.text.SafeText;
import org.xso.xen.DomId;

/**
 * The hypervisor port on a real dom0, through libxl and libxenstore. A quiesce is the first half
 * of {@code xl save -c}: {@code libxl_domain_suspend} writes the save image to a file and leaves
 * the domain suspended; a thaw is {@code libxl_domain_resume} with suspend_cancel (the guest
 * continues in the same domain), a suspend destroys the domain, a resume is
 * {@code libxl_domain_create_restore} followed by the xenbus handshake of every vbd and vif,
 * watched in xenstore; a pause is {@code libxl_domain_pause} ({@code xl pause}). Guests are created with {@code xl create} on the host and adopted (at
 * startup, and when {@link DomainWatch} sees one start while the service runs); the
 * adapter does not create them or hot-plug devices ({@link Reason#NOT_SUPPORTED}).
 *
 * <p>
 * What only the guest knows (ring page bytes, grant entries, the shadow, driver state, the
 * workload counters) is not readable from dom0: saved device states leave it absent, and the save
 * image holds it.
 */
final class LibxlHypervisor implements Hypervisor, AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(LibxlHypervisor.class);

	private final LibxlLog libxlLog;

	/** The connection to libxl and xenstored: replaced when xenstored comes back after a restart. */
	private volatile Link link;

	/** Why xenstored is not answering, while it is not (every call then fails saying so). */
	private volatile @Nullable String xenstoredLost;

	private final LibxlCalls calls;

	private final Path stateDir;

	private final LibxlBridges bridges;

	private final int suspendFlags;

	private final LibxlEvents events = new LibxlEvents();

	private final Map<Integer, Quiesced> quiesced = new ConcurrentHashMap<>();

	private final AtomicBoolean closed = new AtomicBoolean();

	private final DomainWatch domainWatch;

	/**
	 * A libxl context with its xenstore connection. One whose xenstored went away is never freed: a
	 * libxl call that outlived its deadline may still hold it (a leak of one context per restart of
	 * xenstored, which is rare and logged).
	 */
	private record Link(long ctx, XsHandle xs, LibxlDevices devices, LibxlGuests guests) {

		static Link of(long ctx, XsHandle xs) {
			LibxlDevices devices = new LibxlDevices(ctx, xs);
			return new Link(ctx, xs, devices, new LibxlGuests(ctx, devices));
		}

	}

	/** A guest suspended by {@link #quiesce}: its config, devices, saved devices and save image file. */
	private record Quiesced(GuestSpec spec, String configJson, List<LibxlDevices.Device> devs,
			List<DeviceSavedState> devices, Path image) {
	}

	/** Takes over a connected libxl context and xenstore handle; {@link LibxlStartup#connect} makes them. */
	LibxlHypervisor(LibxlLog libxlLog, long ctx, XsHandle xs, Path stateDir, int suspendFlags, LibxlBridges bridges) {
		this.libxlLog = libxlLog;
		this.bridges = bridges;
		this.link = Link.of(ctx, xs);
		this.calls = new LibxlCalls();
		this.stateDir = stateDir;
		this.suspendFlags = suspendFlags;
		this.domainWatch = new DomainWatch(() -> link.ctx(), events, new DomainWatch.Xenstored() {

			@Override
			public void stopped(String why) {
				xenstoredLost = why;
			}

			@Override
			public void answersAgain() {
				reconnect();
			}

		});
	}

	/** The current connection, or HYPERVISOR_UNAVAILABLE saying why while xenstored does not answer. */
	private Link link() {
		String lost = xenstoredLost;
		if (lost != null) {
			throw new HypervisorException(Reason.HYPERVISOR_UNAVAILABLE, lost);
		}
		return link;
	}

	/**
	 * xenstored answers again (it was restarted): a new libxl context and xenstore connection. A
	 * xenstored restarted without a live update knows nothing of the guests that still run: each is
	 * reported {@link HypervisorEvent.GuestUnmanageable}.
	 */
	private void reconnect() {
		long ctx = LibxlNative.ctxAlloc(libxlLog);
		XsHandle xs;
		try {
			xs = XsHandle.open();
		}
		catch (RuntimeException e) {
			LibxlNative.ctxFree(ctx);
			throw e;
		}
		link = Link.of(ctx, xs);
		xenstoredLost = null;
		log.warn("Reconnected to libxl and xenstored; the previous libxl context is left allocated (a libxl call "
				+ "that outlived its deadline may still hold it)");
		for (GuestInfo g : link.guests().all()) {
			link.guests().unmanageable(g.domid())
				.ifPresent(why -> publish(new HypervisorEvent.GuestUnmanageable(g.domid(), why)));
		}
	}

	@Override
	public String kind() {
		return "libxl";
	}

	/** Xen's version as dom0's kernel shows it ({@code /sys/hypervisor/version}), e.g. "Xen 4.17.5". */
	@Override
	public String version() {
		return HypervisorVersion.read(java.nio.file.Path.of("/sys/hypervisor"));
	}

	/**
	 * Dom0 with the bridges its kernel lists, then every other domain that has a {@code backend}
	 * directory in xenstore (a driver domain serving devices; its bridges are its own kernel's,
	 * which dom0 cannot list).
	 */
	@Override
	public List<BackendDomain> backendDomains() {
		Link l = link();
		List<BackendDomain> out = new java.util.ArrayList<>();
		out.add(BackendDomain.dom0(bridges.dom0()));
		long[] all = LibxlNative.listDomain(l.ctx());
		for (int i = 0; i < all.length; i += LibxlNative.DOMINFO_STRIDE) {
			int domid = (int) all[i + LibxlNative.DOMINFO_DOMID];
			if (domid != 0 && l.xs().read("/local/domain/" + domid + "/backend").isPresent()) {
				String name = LibxlNative.domidToName(l.ctx(), domid);
				out.add(new BackendDomain(DomId.of(domid), name == null || name.isBlank() ? "dom" + domid : name,
						null));
			}
		}
		return out;
	}

	@Override
	public List<GuestInfo> guests() {
		return link().guests().all();
	}

	@Override
	public Optional<GuestInfo> guest(DomId domid) {
		return link().guests().one(domid);
	}

	private GuestInfo require(DomId domid) {
		return guest(domid).orElseThrow(
				() -> new HypervisorException(Reason.DOMAIN_NOT_FOUND, "libxl knows no domain " + domid.value()));
	}

	@Override
	public GuestInfo create(Optional<DomId> domid, GuestSpec spec, Duration connectTimeout) {
		throw new HypervisorException(Reason.NOT_SUPPORTED,
				"the libxl adapter does not create guests: create them with xl create on the dom0, they are adopted");
	}

	@Override
	public void destroy(DomId domid, Duration timeout) {
		long ctx = link().ctx();
		Quiesced q = quiesced.remove(domid.value());
		calls.await("libxl_domain_destroy", () -> LibxlNative.domainDestroy(ctx, domid.value()), timeout,
				Reason.BACKEND_TIMEOUT);
		if (q != null) {
			deleteQuietly(q.image());
		}
		publish(new HypervisorEvent.GuestStateChanged(domid, PowerState.SUSPENDED));
	}

	@Override
	public DeviceInfo attach(DomId domid, DeviceSpec device, Duration timeout) {
		throw new HypervisorException(Reason.NOT_SUPPORTED,
				"the libxl adapter does not hot-plug devices: use xl block-attach or xl network-attach");
	}

	@Override
	public void detach(DomId domid, DeviceId device, Duration timeout) {
		throw new HypervisorException(Reason.NOT_SUPPORTED,
				"the libxl adapter does not unplug devices: use xl block-detach or xl network-detach");
	}

	@Override
	public QuiesceReport quiesce(DomId domid, SuspendStrategy strategy, Duration deadline) {
		Link l = link();
		long ctx = l.ctx();
		LibxlDevices devices = l.devices();
		GuestInfo guest = require(domid);
		if (guest.state() != PowerState.RUNNING || quiesced.containsKey(domid.value())) {
			throw new HypervisorException(Reason.BAD_POWER_STATE,
					"dom" + domid.value() + " is " + guest.state() + ", not RUNNING");
		}
		Optional<String> unmanageable = l.guests().unmanageable(domid);
		if (unmanageable.isPresent()) {
			throw new HypervisorException(Reason.BAD_POWER_STATE, unmanageable.get());
		}
		String configJson = LibxlNative.retrieveDomainConfiguration(ctx, domid.value());
		List<LibxlDevices.Device> devs = devices.list(domid);
		List<DeviceSavedState> saved = devs.stream().map(devices::saved).toList();
		Path image = stateDir.resolve("dom" + domid.value() + ".save");
		int fd = LibxlNative.open(image, true);
		try {
			calls.await("libxl_domain_suspend", () -> LibxlNative.domainSuspend(ctx, domid.value(), fd, suspendFlags),
					deadline, Reason.QUIESCE_TIMEOUT, () -> LibxlNative.domainResume(ctx, domid.value(), true));
		}
		catch (RuntimeException e) {
			calls.afterPending(() -> deleteQuietly(image));
			throw e;
		}
		finally {
			calls.afterPending(() -> LibxlNative.close(fd));
		}
		try {
			requireBackends(domid, devs, "suspending");
		}
		catch (HypervisorException gone) {
			deleteQuietly(image);
			try {
				// the undo has a budget of its own (Hypervisor.undoBudget): the suspend took the call's
				calls.await("libxl_domain_resume", () -> LibxlNative.domainResume(ctx, domid.value(), true),
						Hypervisor.undoBudget(deadline), Reason.BACKEND_TIMEOUT);
			}
			catch (HypervisorException thaw) {
				throw new ThawFailedException(thaw, gone);
			}
			throw gone;
		}
		quiesced.put(domid.value(), new Quiesced(guest.config(), configJson, devs, saved, image));
		publish(new HypervisorEvent.GuestStateChanged(domid, PowerState.PAUSED));
		List<QuiesceReport.Device> report = devs.stream()
			.map(d -> new QuiesceReport.Device(d.id(), 0, 0, 0, 0, devices.ringRefs(d).isEmpty()))
			.toList();
		return new QuiesceReport(strategy, report);
	}

	private Quiesced quiescedOrThrow(DomId domid, Reason notQuiesced) {
		Quiesced q = quiesced.get(domid.value());
		if (q == null) {
			GuestInfo g = require(domid);
			throw new HypervisorException(notQuiesced,
					"dom" + domid.value() + " is " + g.state() + " and was not quiesced by this service");
		}
		return q;
	}

	/**
	 * Continues a quiesced guest. A guest suspended in place that this instance did not quiesce (the
	 * service restarted in between) is thawed too: recovery must be able to undo a quiesce.
	 */
	@Override
	public void thaw(DomId domid, Duration timeout) {
		Link l = link();
		long ctx = l.ctx();
		Quiesced q = quiesced.get(domid.value());
		if (q == null && !l.guests().suspendedInPlace(domid)) {
			quiescedOrThrow(domid, Reason.BAD_POWER_STATE);
		}
		calls.await("libxl_domain_resume", () -> LibxlNative.domainResume(ctx, domid.value(), true), timeout,
				Reason.BACKEND_TIMEOUT);
		quiesced.remove(domid.value());
		if (q != null) {
			deleteQuietly(q.image());
		}
		publish(new HypervisorEvent.GuestStateChanged(domid, PowerState.RUNNING));
	}

	/**
	 * {@code xl pause}: {@code libxl_domain_pause}, for a guest that runs (neither paused nor
	 * suspended by a quiesce). A pause that outlives its time goes on and is undone when it ends.
	 */
	@Override
	public void pause(DomId domid, Duration timeout) {
		long ctx = link().ctx();
		GuestInfo guest = require(domid);
		if (guest.state() != PowerState.RUNNING || quiesced.containsKey(domid.value())) {
			throw new HypervisorException(Reason.BAD_POWER_STATE,
					"dom" + domid.value() + " is " + guest.state() + ", not RUNNING");
		}
		calls.await("libxl_domain_pause", () -> LibxlNative.domainPause(ctx, domid.value()), timeout,
				Reason.BACKEND_TIMEOUT, () -> LibxlNative.domainUnpause(ctx, domid.value()));
		publish(new HypervisorEvent.GuestStateChanged(domid, PowerState.PAUSED));
	}

	/**
	 * {@code xl unpause}: {@code libxl_domain_unpause}, for a guest paused by the toolstack. A guest
	 * a quiesce suspended is not unpaused (libxl would let its vCPUs run into a suspended kernel):
	 * that one is thawed.
	 */
	@Override
	public void unpause(DomId domid, Duration timeout) {
		Link l = link();
		long ctx = l.ctx();
		GuestInfo guest = require(domid);
		if (!l.guests().pausedByToolstack(domid) || quiesced.containsKey(domid.value())) {
			throw new HypervisorException(Reason.BAD_POWER_STATE, "dom" + domid.value() + " is " + guest.state()
					+ (guest.state() == PowerState.PAUSED ? " by a suspend, not by a pause: thaw it" : ", not paused"));
		}
		calls.await("libxl_domain_unpause", () -> LibxlNative.domainUnpause(ctx, domid.value()), timeout,
				Reason.BACKEND_TIMEOUT, () -> LibxlNative.domainPause(ctx, domid.value()));
		publish(new HypervisorEvent.GuestStateChanged(domid, PowerState.RUNNING));
	}

	/**
	 * Fails, naming the device, when a device's backend went away while the guest was being saved
	 * ({@code xl block-detach} during a suspend): the image would describe a device the host no
	 * longer gives the guest, and a resume would silently attach it again.
	 */
	private void requireBackends(DomId domid, List<LibxlDevices.Device> devs, String during) {
		LibxlDevices devices = link().devices();
		for (LibxlDevices.Device d : devs) {
			Optional<String> gone = devices.backendGone(d);
			if (gone.isPresent()) {
				throw new HypervisorException(Reason.BACKEND_UNAVAILABLE, d.id(),
						d.id() + " of dom" + domid.value() + " lost its backend while " + during + ": " + gone.get());
			}
		}
	}

	/**
	 * Reads the save image {@link #quiesce} left in its file. No libxl call is involved (libxl wrote
	 * the stream already), so nothing runs on the libxl thread: the read itself checks the deadline
	 * between its chunks, as a guest's whole memory from a slow disk can take a while.
	 */
	@Override
	public SavedDomain save(DomId domid, Duration deadline) {
		long end = System.nanoTime() + deadline.toNanos();
		Quiesced q = quiescedOrThrow(domid, Reason.DEVICE_NOT_QUIESCED);
		requireBackends(domid, q.devs(), "saving");
		byte[] image;
		try {
			image = LibxlSaveImage.encode(q.configJson(), q.image(), end);
		}
		catch (IOException e) {
			throw new HypervisorException(Reason.INTERNAL, "cannot read the save image " + q.image(), e);
		}
		return new SavedDomain(SavedDomain.FORMAT_VERSION, kind(), domid, q.spec(), q.devices(), image);
	}

	@Override
	public void suspend(DomId domid, Duration timeout) {
		long ctx = link().ctx();
		Quiesced q = quiescedOrThrow(domid, Reason.BAD_POWER_STATE);
		requireBackends(domid, q.devs(), "saving");
		calls.await("libxl_domain_destroy", () -> LibxlNative.domainDestroy(ctx, domid.value()), timeout,
				Reason.BACKEND_TIMEOUT);
		quiesced.remove(domid.value());
		deleteQuietly(q.image());
		publish(new HypervisorEvent.GuestStateChanged(domid, PowerState.SUSPENDED));
	}

	@Override
	public ResumeReport resume(SavedDomain image, DomId target, Duration deadline, Consumer<ResumePhase> phases) {
		List<ResumeBlocker> blockers = resumeBlockers(image);
		if (!blockers.isEmpty()) {
			throw new HypervisorException(Reason.INVALID_IMAGE,
					String.join("; ", blockers.stream().map(ResumeBlocker::toString).toList()));
		}
		Link l = link();
		if (LibxlNative.domainInfo(l.ctx(), target.value()) != null) {
			throw new HypervisorException(Reason.DOMAIN_EXISTS, "dom" + target.value() + " exists");
		}
		return new LibxlRestore(l.ctx(), l.devices(), calls, stateDir, this::publish).run(image,
				LibxlSaveImage.decode(image.memoryImage()), target, deadline, phases);
	}

	@Override
	public List<ResumeBlocker> resumeBlockers(SavedDomain image) {
		String lost = xenstoredLost;
		if (lost != null) {
			return List.of(ResumeBlocker.of(ResumeBlocker.Kind.HYPERVISOR_UNAVAILABLE, lost));
		}
		return LibxlRestore.blockers(link.ctx(), kind(), image, bridges);
	}

	/** Ring pages, grant entries, the shadow and driver state are guest memory: the save image holds them. */
	@Override
	public Map<SavedPart, SavedPart.Presence> savedParts() {
		return SavedPart.all(SavedPart.Presence.HELD_IN_SAVE_IMAGE);
	}

	@Override
	public void releaseStorage(Map<String, String> backendInfo) {
		// the guest's disks belong to the operator's storage; a checkpoint holds no copy of them
	}

	/**
	 * Releases nothing: this adapter keeps no storage for saved devices (a checkpoint's save image is
	 * in the service's database; the guest's disks belong to the operator's storage and are not
	 * snapshotted), so there is nothing a lost checkpoint could have left on the host.
	 */
	@Override
	public int releaseStorageExcept(java.util.Collection<Map<String, String>> referenced) {
		return 0;
	}

	@Override
	public List<XenstoreEntry> xenstore(String path) {
		return link().xs().entries(path);
	}

	@Override
	public void addListener(Consumer<HypervisorEvent> listener) {
		events.add(listener);
	}

	private void publish(HypervisorEvent event) {
		events.publish(event);
	}

	private static void deleteQuietly(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException e) {
			log.warn("Could not delete the save image {}: {}", file, SafeText.escape(e.toString()));
		}
	}

	/** Frees the libxl context once; a second close does nothing (freeing it twice would corrupt the heap). */
	@Override
	public void close() {
		if (!closed.compareAndSet(false, true)) {
			return;
		}
		domainWatch.close();
		calls.close();
		Link l = link;
		l.xs().close();
		LibxlNative.ctxFree(l.ctx());
	}

}
