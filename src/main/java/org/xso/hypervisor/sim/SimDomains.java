package org.xso.hypervisor.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import org.xso.hypervisor.CanonicalInput;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceSavedState;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.DeviceType;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.Hypervisor;
import org.xso.hypervisor.HypervisorException.Reason;
import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.PowerState;
import org.xso.hypervisor.QuiesceReport;
import org.xso.hypervisor.ResumeBlocker;
import org.xso.hypervisor.ResumePhase;
import org.xso.hypervisor.ResumeReport;
import org.xso.hypervisor.SavedDomain;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.hypervisor.ThawFailedException;
import org.xso.xen.DomId;
import org.xso.xen.XenbusState;
import org.xso.xen.store.XsWatch;

/**
 * The domain lifecycle of the simulated host: what {@code xl create/destroy/save/restore} do.
 *
 * <p>
 * <b>Threads.</b> It runs on the callers' threads (the toolstack's) and keeps no state of its own:
 * giving a domain its id and name is synchronized, so two creates or restores never take the same.
 * It reaches a frontend only through its messages and its thread-safe parts (its phases, backend
 * domain and old refs), never its fields; the frontends' own executors do the drivers' work.
 */
final class SimDomains {

	/** Backend-info key naming the disk snapshot taken with a save. */
	static final String DISK_SNAPSHOT = "sim-disk-snapshot";

	private final SimHost host;

	SimDomains(SimHost host) {
		this.host = host;
	}

	synchronized SimGuest create(Optional<DomId> requested, GuestSpec spec, Duration timeout) {
		requireBackends(spec.devices());
		DomId domid = requested.orElseGet(this::nextFree);
		requireFree(domid);
		// libxl__domain_rename: 'domain with name "x" already exists'
		named(spec.name()).ifPresent(other -> {
			throw new HypervisorException(Reason.DOMAIN_EXISTS,
					"dom" + other + " is already named \"" + spec.name() + "\"");
		});
		long deadline = System.nanoTime() + timeout.toNanos();
		SimGuest g = SimGuest.boot(host, domid, spec);
		try {
			for (DeviceSpec d : spec.devices()) {
				plug(g, d);
			}
			for (DeviceSpec d : spec.devices()) {
				Frontend.await(awaitFrontend(g, d.id(), deadline).phase(Frontend.Phase.CONNECTED), deadline,
						Reason.BACKEND_TIMEOUT, "devices of dom" + domid + " did not connect within " + timeout);
			}
			return g;
		}
		catch (Exception e) {
			// the undo has a budget of its own: the call's is spent
			teardown(g, Hypervisor.undoBudget(timeout));
			// the disks stay: this may have been a guest created again after the service died
			forEachVbd(spec, devid -> host.disks.release(domid, devid));
			throw e instanceof HypervisorException h ? h
					: new HypervisorException(Reason.BACKEND_TIMEOUT,
							"devices of dom" + domid + " did not connect within " + timeout);
		}
	}

	/** The live domain named {@code name}, if there is one (a suspended guest's domain is gone). */
	Optional<DomId> named(String name) {
		return host.named(name);
	}

	private DomId nextFree() {
		for (int i = 1; i <= DomId.MAX_GUEST; i++) {
			if (host.guest(DomId.of(i)) == null && host.backendDomain(DomId.of(i)) == null) {
				return DomId.of(i);
			}
		}
		throw new HypervisorException(Reason.OUT_OF_MEMORY, "no free domain id");
	}

	/** Refuses a domain id a guest or a backend domain has. */
	void requireFree(DomId domid) {
		SimBackendDomain backend = host.backendDomain(domid);
		if (host.guest(domid) != null || backend != null) {
			throw new HypervisorException(Reason.DOMAIN_EXISTS,
					"dom" + domid + " exists" + (backend == null ? "" : ": it is " + backend));
		}
	}

	/**
	 * Refuses devices {@link #backendBlockers} finds a reason not to serve, before anything is made
	 * of them: a configuration this host cannot serve (INVALID_CONFIG), not a backend that failed.
	 */
	private void requireBackends(List<DeviceSpec> devices) {
		List<ResumeBlocker> blockers = backendBlockers(devices);
		if (!blockers.isEmpty()) {
			ResumeBlocker first = blockers.get(0);
			throw new HypervisorException(Reason.INVALID_CONFIG, first.device(), first.toString());
		}
	}

	/**
	 * Why this host cannot serve {@code devices}: a backend domain it does not have, a bridge the
	 * device's backend domain does not have, or a target that names no volume, the volume of another
	 * of the devices, or a volume a live vbd holds.
	 */
	List<ResumeBlocker> backendBlockers(List<DeviceSpec> devices) {
		List<ResumeBlocker> blockers = new ArrayList<>();
		Map<String, DeviceId> targets = new java.util.HashMap<>();
		for (DeviceSpec d : devices) {
			SimBackendDomain backend = host.backendDomain(d.backendDomid());
			if (backend == null) {
				blockers.add(ResumeBlocker.of(ResumeBlocker.Kind.BACKEND_MISSING, d.id(),
						"backend domain " + d.backendDomid() + " does not exist on this host"));
			}
			else if (d instanceof DeviceSpec.Vif v && backend.bridge(v.bridge()) == null) {
				blockers.add(ResumeBlocker.of(ResumeBlocker.Kind.BACKEND_MISSING, d.id(),
						"bridge " + v.bridge() + " does not exist in backend " + backend));
			}
			if (d instanceof DeviceSpec.Vbd v && v.target() != null) {
				volumeBlocker(v, targets).ifPresent(blockers::add);
			}
		}
		return blockers;
	}

	private Optional<ResumeBlocker> volumeBlocker(DeviceSpec.Vbd v, Map<String, DeviceId> targets) {
		DiskStore.Volume volume;
		try {
			volume = DiskStore.Volume.named(v.target());
		}
		catch (IllegalArgumentException e) {
			return Optional.of(ResumeBlocker.of(ResumeBlocker.Kind.STORAGE_MISSING, v.id(), e.getMessage()));
		}
		DeviceId other = targets.putIfAbsent(v.target(), v.id());
		if (other != null) {
			return Optional.of(ResumeBlocker.of(ResumeBlocker.Kind.STORAGE_IN_USE, v.id(),
					"volume " + volume + " is the target of " + other + " too"));
		}
		return host.disks.holder(volume).map(holder -> ResumeBlocker.of(ResumeBlocker.Kind.STORAGE_IN_USE, v.id(),
				"volume " + volume + " is in use by " + holder));
	}

	/** Adds the device's directories; a vbd claims its volume first (refused while another vbd holds it). */
	private void plug(SimGuest g, DeviceSpec d) {
		if (d instanceof DeviceSpec.Vbd v) {
			try {
				host.disks.claim(g.domid(), v.devid(), volume(g.domid(), v));
			}
			catch (IllegalStateException e) {
				throw new HypervisorException(Reason.INVALID_CONFIG, v.id(), v.id() + ": " + e.getMessage());
			}
			host.configureVbd(g.domid(), v.id(), v.features());
		}
		host.toolstack.addDevice(g.domid(), d);
	}

	private static DiskStore.Volume volume(DomId domid, DeviceSpec.Vbd v) {
		return DiskStore.Volume.of(domid, v.devid(), v.target());
	}

	private Frontend awaitFrontend(SimGuest g, DeviceId id, long deadline) {
		while (System.nanoTime() < deadline) {
			Frontend f = g.frontend(id);
			if (f != null) {
				return f;
			}
			Thread.onSpinWait();
			sleepBriefly();
		}
		throw new HypervisorException(Reason.BACKEND_TIMEOUT, "frontend of " + id + " was not probed");
	}

	Frontend attach(SimGuest g, DeviceSpec d, Duration timeout) {
		requireBackends(List.of(d));
		if (g.frontend(d.id()) != null) {
			throw new HypervisorException(Reason.DEVICE_EXISTS, "dom" + g.domid() + " has " + d.id());
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		plug(g, d);
		Frontend f = awaitFrontend(g, d.id(), deadline);
		try {
			Frontend.await(f.phase(Frontend.Phase.CONNECTED), deadline, Reason.BACKEND_TIMEOUT,
					d.id() + " did not connect");
		}
		catch (HypervisorException e) {
			// the undo has a budget of its own: the call's deadline has passed
			unplug(g, f, System.nanoTime() + Hypervisor.undoBudget(timeout).toNanos());
			throw e;
		}
		return f;
	}

	void detach(SimGuest g, DeviceId id, Duration timeout) {
		Frontend f = g.frontend(id);
		if (f == null) {
			throw new HypervisorException(Reason.DEVICE_NOT_FOUND, "dom" + g.domid() + " has no " + id);
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		host.toolstack.requestRemoval(g.domid(), id, f.backendId);
		Frontend.await(f.closed, deadline, Reason.BACKEND_TIMEOUT, id + " did not close");
		unplug(g, f, deadline);
	}

	private void unplug(SimGuest g, Frontend f, long deadline) {
		CompletableFuture<Void> removal = host.removal(f.backendId, g.domid(), f.id);
		host.toolstack.removeDevice(g.domid(), f.id, f.backendId);
		Frontend.await(removal, deadline, Reason.BACKEND_TIMEOUT, f.id + " backend did not go");
		if (f.id.type() == DeviceType.vbd) {
			host.disks.remove(g.domid(), f.id.devid());
		}
	}

	/** Gracefully unplugs every device (Closing then Closed), then destroys the domain. */
	void destroy(SimGuest g, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		if (g.state() == PowerState.RUNNING) {
			for (Frontend f : g.frontends().values()) {
				host.toolstack.requestRemoval(g.domid(), f.id, f.backendId);
			}
			for (Frontend f : g.frontends().values()) {
				try {
					Frontend.await(f.closed, deadline, Reason.BACKEND_TIMEOUT, f.id + " did not close");
				}
				catch (HypervisorException e) {
					SimLog.warn("dom" + g.domid(), e.getMessage() + "; destroying anyway");
				}
			}
		}
		teardown(g, SimHost.remaining(deadline).plusSeconds(5));
		removeDisks(g);
	}

	/**
	 * Ends a saved guest: the domain goes; its live disks are parked under the save's disk snapshots
	 * (its resume takes them back, a deleted checkpoint deletes them).
	 */
	void suspend(SimGuest g, Duration timeout) {
		teardown(g, timeout);
		vbds(g).forEach(devid -> host.disks.park(g.domid(), devid));
	}

	private void removeDisks(SimGuest g) {
		vbds(g).forEach(devid -> host.disks.remove(g.domid(), devid));
	}

	/** The guest's vbds: those of its config and those hot-plugged since. */
	static java.util.SortedSet<Integer> vbds(SimGuest g) {
		java.util.SortedSet<Integer> devids = new java.util.TreeSet<>();
		forEachVbd(g.spec(), devids::add);
		g.frontends().keySet().stream().filter(id -> id.type() == DeviceType.vbd).forEach(id -> devids.add(id.devid()));
		return devids;
	}

	private static void forEachVbd(GuestSpec spec, java.util.function.IntConsumer action) {
		for (DeviceSpec d : spec.devices()) {
			if (d instanceof DeviceSpec.Vbd v) {
				action.accept(v.devid());
			}
		}
	}

	/**
	 * Destroys the domain without asking the guest: the toolstack removes the device directories,
	 * the backends finish their in-flight I/O and unmap; then the grant table, event channels and
	 * frames go. Disks stay: the caller decides what becomes of them.
	 */
	void teardown(SimGuest g, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		g.kill();
		Map<DeviceId, CompletableFuture<Void>> removals = new TreeMap<>();
		for (Frontend f : g.frontends().values()) {
			removals.put(f.id, host.removal(f.backendId, g.domid(), f.id));
			host.toolstack.removeDevice(g.domid(), f.id, f.backendId);
		}
		for (Map.Entry<DeviceId, CompletableFuture<Void>> e : removals.entrySet()) {
			try {
				e.getValue().get(remainingMillis(deadline), java.util.concurrent.TimeUnit.MILLISECONDS);
			}
			catch (Exception ex) {
				SimLog.warn("dom" + g.domid(), "backend of " + e.getKey() + " did not finish in time");
			}
		}
		host.evtchn.destroyDomain(g.domid());
		host.grants.destroy(g.domid());
		// a frame a backend still maps stays allocated until it is unmapped, as Xen keeps it
		g.memory().release(host::freeFrame);
		host.toolstack.destroyDomain(g.domid());
		host.unregister(g.domid());
	}

	QuiesceReport quiesce(SimGuest g, SuspendStrategy strategy, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		host.toolstack.requestSuspend(g.domid());
		g.xs().write("control/shutdown", "");
		g.setState(PowerState.PAUSED);
		List<QuiesceReport.Device> devices = new ArrayList<>();
		try {
			guestAnswersSuspend(g, deadline);
			if (strategy == SuspendStrategy.SHADOW_REPLAY) {
				// the guest stops at one instant: what is on the rings stays there, in the shadow;
				// every driver freezes at once, then the kernel waits for them all
				devices.addAll(Frontend.onEvery(g.frontends().values(), Frontend::freeze, deadline,
						Reason.QUIESCE_TIMEOUT, "freeze"));
				freezeWorkloads(g, true);
			}
			else {
				// the suspend routines stop issuing first, then drain what is in flight
				freezeWorkloads(g, true);
				for (Frontend f : g.frontends().values()) {
					devices.add(f.drainAndTearDown(deadline));
				}
			}
		}
		catch (HypervisorException e) {
			try {
				// the undo has a budget of its own: the call's is spent, and a thaw that has to
				// reconnect torn-down rings may take longer than a tiny deadline
				thaw(g, Hypervisor.undoBudget(timeout));
			}
			catch (HypervisorException thaw) {
				throw new ThawFailedException(thaw, e);
			}
			throw e;
		}
		return new QuiesceReport(strategy, devices);
	}

	/**
	 * A guest whose kernel is slow to freeze its tasks (fault injection) answers the suspend request
	 * only after that latency, on the caller's thread; past the deadline the quiesce times out.
	 */
	private void guestAnswersSuspend(SimGuest g, long deadline) {
		long latency = host.faults.suspendLatency(g.domid()).toNanos();
		if (latency == 0) {
			return;
		}
		long left = deadline - System.nanoTime();
		try {
			Thread.sleep(Duration.ofNanos(Math.max(0, Math.min(latency, left))).toMillis());
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new HypervisorException(Reason.QUIESCE_TIMEOUT, "interrupted while dom" + g.domid()
					+ " answered the suspend request");
		}
		if (latency > left) {
			throw new HypervisorException(Reason.QUIESCE_TIMEOUT, "dom" + g.domid()
					+ " did not answer the suspend request before the deadline");
		}
	}

	void thaw(SimGuest g, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		HypervisorException failure = null;
		for (Frontend f : g.frontends().values()) {
			try {
				f.thaw(deadline);
			}
			catch (HypervisorException e) {
				failure = failure == null ? e : failure;
			}
		}
		g.setState(PowerState.RUNNING);
		// a suspend parks a disk only under the snapshot of the save just before it
		vbds(g).forEach(devid -> host.disks.running(g.domid(), devid));
		freezeWorkloads(g, false);
		if (failure != null) {
			throw failure;
		}
	}

	/**
	 * {@code xl pause}: the guest's vCPUs stop where they are. Its programs issue nothing new and its
	 * drivers run no code (what is on the rings stays there, the backends answer it, their events
	 * wait); the guest is asked nothing and its devices stay connected. A driver that does not answer
	 * in time fails the pause, which is undone.
	 */
	void pause(SimGuest g, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		g.setPaused(true);
		g.setState(PowerState.PAUSED);
		freezeWorkloads(g, true);
		try {
			Frontend.onEvery(g.frontends().values(), Frontend::pause, deadline, Reason.INTERNAL, "pause");
		}
		catch (HypervisorException e) {
			// the undo has a budget of its own: the call's is spent
			unpause(g, Hypervisor.undoBudget(timeout));
			throw e;
		}
	}

	/** {@code xl unpause}: the drivers handle what their backends answered meanwhile, the programs go on. */
	void unpause(SimGuest g, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		Frontend.onEvery(g.frontends().values(), Frontend::unpause, deadline, Reason.INTERNAL, "unpause");
		g.setState(PowerState.RUNNING);
		g.setPaused(false);
		freezeWorkloads(g, false);
	}

	private static void freezeWorkloads(SimGuest g, boolean frozen) {
		g.workloads().forEach(w -> w.freeze(frozen));
	}

	/** Restore: the guest on new frames, fresh device nodes, reconnect, replay, verify. */
	ResumeReport resume(SavedDomain image, DomId target, Duration timeout, Consumer<ResumePhase> phases) {
		long deadline = System.nanoTime() + timeout.toNanos();
		phases.accept(ResumePhase.RESTORE);
		GuestImage.Parts parts = GuestImage.read(host.memory, image.config(), image.memoryImageView());
		SimGuest g = restored(image, target, parts);
		try {
			Map<DeviceId, Frontend> fronts = restoreDevices(g, image, parts);
			awaitBackendsWaiting(target, fronts.values(), deadline);
			java.util.Set<Integer> oldRefs = new java.util.HashSet<>();
			fronts.values().forEach(f -> f.refsBefore.forEach(r -> oldRefs.add(r.value())));
			g.quarantineRefs(oldRefs);
			phases.accept(ResumePhase.REGRANT);
			g.resumeDevices();
			SimHypervisor.awaitAll(fronts, Frontend.Phase.REGRANTED, deadline, "not re-granted");
			phases.accept(ResumePhase.RECONNECT);
			SimHypervisor.awaitAll(fronts, Frontend.Phase.CONNECTED, deadline, "did not reconnect");
			phases.accept(ResumePhase.REPLAY);
			SimHypervisor.awaitAll(fronts, Frontend.Phase.REPLAYED, deadline, "did not replay");
			g.setState(PowerState.RUNNING);
			freezeWorkloads(g, false);
			phases.accept(ResumePhase.VERIFY);
			SimHypervisor.awaitAll(fronts, Frontend.Phase.VERIFIED, deadline,
					"requests issued before the suspend did not all complete");
			return report(g, fronts, deadline);
		}
		catch (RuntimeException e) {
			// the undo has a budget of its own: the call's is spent
			teardown(g, Hypervisor.undoBudget(timeout));
			// nothing of the target is left behind: the disks restored for it go too
			for (DeviceSavedState d : image.devices()) {
				if (d.id().type() == DeviceType.vbd) {
					host.disks.remove(target, d.id().devid());
				}
			}
			throw e instanceof HypervisorException h ? h
					: new HypervisorException(Reason.INVALID_IMAGE, "resume of dom" + target + " failed: " + e, e);
		}
	}

	/**
	 * libxl__wait_device_connection: libxl has added a device once its backend is InitWait, and a
	 * restored guest runs only after that: its frontends start from a backend that waits for them, the
	 * first backend state the real host's handshake shows.
	 */
	private void awaitBackendsWaiting(DomId target, java.util.Collection<Frontend> fronts, long deadline) {
		for (Frontend f : fronts) {
			String state = Toolstack.backendPath(f.backendId, target, f.id) + "/state";
			CompletableFuture<Void> waiting = new CompletableFuture<>();
			Runnable check = () -> {
				XenbusState s = XenbusState.parse(host.toolstack.connection().tryRead(state).orElse(null));
				if (s == XenbusState.InitWait || s == XenbusState.Connected) {
					waiting.complete(null);
				}
			};
			XsWatch watch = host.toolstack.connection()
				.watch(state, "libxl-wait-" + target + "-" + f.id, host.driverPool, e -> check.run());
			try {
				check.run();
				Frontend.await(waiting, deadline, Reason.BACKEND_TIMEOUT, f.id + ": backend did not reach InitWait");
			}
			finally {
				watch.cancel();
			}
		}
	}

	/** The restored domain, named as the image's guest unless a live domain has that name by now. */
	private synchronized SimGuest restored(SavedDomain image, DomId target, GuestImage.Parts parts) {
		Optional<DomId> other = named(image.config().name());
		if (other.isPresent()) {
			parts.memory().release(host::freeFrame);
			throw new HypervisorException(Reason.INVALID_IMAGE,
					"dom" + other.get() + " is already named \"" + image.config().name() + "\"");
		}
		return SimGuest.restored(host, target, image.config(), parts.memory());
	}

	/**
	 * Every saved device's frontend and workload, and its backend: served by the backend domain, on
	 * the bridge or from the volume its config names now (which a restore's overrides may have
	 * changed), the frontend granting to that domain, as Linux's reads {@code backend-id} again on
	 * resume.
	 */
	private Map<DeviceId, Frontend> restoreDevices(SimGuest g, SavedDomain image, GuestImage.Parts parts) {
		Map<DeviceId, Frontend> fronts = new TreeMap<>();
		for (DeviceSavedState saved : image.devices()) {
			DeviceSpec spec = image.config().devices().stream().filter(s -> s.id().equals(saved.id())).findFirst()
				.orElseThrow(() -> new HypervisorException(Reason.INVALID_IMAGE, saved.id() + " is not in the config"));
			DeviceSavedState d = saved.backendDomid().equals(spec.backendDomid()) ? saved
					: saved.withBackendDomid(spec.backendDomid());
			if (spec instanceof DeviceSpec.Vbd v) {
				host.disks.restore(d.backendInfo().get(DISK_SNAPSHOT), g.domid(), v.devid(), volume(g.domid(), v),
						g.domid().equals(image.domid()));
				BlockWorkload w = new BlockWorkload(g, d.id());
				byte[] state = parts.workloads().get(d.id());
				if (state != null) {
					w.readFrom(new CanonicalInput(state));
				}
				w.freeze(true);
				Blkfront f = Blkfront.restore(g, d, w);
				w.attach(f);
				f.restored();
				g.addRestored(f, w);
				fronts.put(d.id(), f);
			}
			else {
				NetWorkload w = new NetWorkload(g, d.id());
				byte[] state = parts.workloads().get(d.id());
				if (state != null) {
					w.readFrom(new CanonicalInput(state));
				}
				w.freeze(true);
				Netfront f = Netfront.restore(g, d, w);
				w.attach(f);
				f.restored();
				g.addRestored(f, w);
				fronts.put(d.id(), f);
			}
			plug(g, spec);
		}
		return fronts;
	}

	private static ResumeReport report(SimGuest g, Map<DeviceId, Frontend> fronts, long deadline) {
		List<ResumeReport.Device> devices = Frontend.onEvery(fronts.values(), Frontend::resumeReport, deadline,
				Reason.BACKEND_TIMEOUT, "report");
		return new ResumeReport(g.domid(), devices);
	}

	private static long remainingMillis(long deadline) {
		return Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
	}

	private static void sleepBriefly() {
		try {
			Thread.sleep(1);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new HypervisorException(Reason.INTERNAL, "interrupted");
		}
	}

}
