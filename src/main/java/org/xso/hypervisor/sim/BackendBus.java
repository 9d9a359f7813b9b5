package org.xso.hypervisor.sim;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceType;
import org.xso.xen.DomId;
import org.xso.xen.store.XsConnection;
import org.xso.xen.store.XsWatch;
import org.xso.xen.store.XsWatchEvent;

/**
 * The xenbus backend bus of one backend domain (xenbus_probe_backend): watches its
 * {@code backend/vbd} and {@code backend/vif}, starts a blkback or netback running as that domain
 * when the toolstack creates a device directory there, and removes it when the directory goes.
 *
 * <p>
 * <b>Threads.</b> The watches run on the bus's own executor, the only one that starts or retires
 * drivers. The maps of drivers and instances are concurrent because the toolstack's threads read
 * them ({@link #removal}, {@link #driver}, {@link #running}) and {@link #close()} empties them
 * while the host stops; the drivers themselves run on their own executors.
 */
final class BackendBus {

	private final SimHost host;

	private final SimBackendDomain domain;

	private final XsConnection xs;

	private final SerialExecutor executor;

	private final Map<String, BackendDriver> drivers = new ConcurrentHashMap<>();

	/** The toolstack's instance id of the directory each driver serves. */
	private final Map<String, String> instances = new ConcurrentHashMap<>();

	private final XsWatch[] watches;

	/**
	 * Test seam: runs on the bus's executor after each probe has registered and started its
	 * driver, where a preempted bus thread would stop, so a test can stall the bus there. Null in
	 * production; set by a test's thread before the probe it watches, hence volatile.
	 */
	volatile @Nullable Consumer<BackendDriver> probed;

	BackendBus(SimHost host, SimBackendDomain domain) {
		this.host = host;
		this.domain = domain;
		this.xs = host.xenstore.connect(domain.domid);
		this.executor = host.newDriverExecutor("xenbus-backend-" + domain.domid);
		String backends = "/local/domain/" + domain.domid + "/backend/";
		this.watches = new XsWatch[] {
				xs.watch(backends + DeviceType.vbd, "be-vbd", executor, this::onChange),
				xs.watch(backends + DeviceType.vif, "be-vif", executor, this::onChange) };
	}

	/** A backend driver instance as the bus sees it. */
	interface BackendDriver {

		/** Starts the driver (its probe, on its own executor): once, after the bus registered it. */
		void start();

		void remove();

		CompletableFuture<Void> removed();

	}

	/** The keys whose change can make a device directory appear, complete, or be replaced. */
	private static final java.util.Set<String> PRESENCE_KEYS = java.util.Set.of(Toolstack.INSTANCE_KEY, "frontend-id",
			"state");

	private void onChange(XsWatchEvent event) {
		String path = event.path();
		// /local/domain/<be>/backend/<type>/<fe>/<devid>[/<key>[/...]]: the device directory ends at
		// the 7th slash's next component
		int depth = 0;
		int dirEnd = path.length();
		for (int i = 0; i < path.length(); i++) {
			if (path.charAt(i) == '/' && ++depth == 8) {
				dirEnd = i;
				break;
			}
		}
		if (depth < 7) {
			if (depth <= 5) {
				sweep();
			}
			return;
		}
		if (dirEnd < path.length() && !PRESENCE_KEYS.contains(path.substring(dirEnd + 1))) {
			// another key of the device (features, sectors, ...): a new incarnation or a removal
			// shows as one of the presence keys or as the directory itself
			return;
		}
		String dir = path.substring(0, dirEnd);
		String[] parts = dir.split("/");
		String instance = xs.tryRead(dir + "/" + Toolstack.INSTANCE_KEY).orElse(null);
		boolean present = instance != null && xs.tryRead(dir + "/frontend-id").isPresent()
				&& xs.tryRead(dir + "/state").isPresent();
		BackendDriver driver = drivers.get(dir);
		if (driver != null && !instance(dir).equals(instance)) {
			// the directory this driver served is gone, possibly already replaced by the next
			// incarnation's under the same path: that one gets a driver of its own
			drivers.remove(dir);
			instances.remove(dir);
			driver.remove();
			driver = null;
		}
		if (present && driver == null) {
			instances.put(dir, instance);
			probe(dir, DeviceType.parse(parts[5]), Integer.parseInt(parts[6]), Integer.parseInt(parts[7]));
		}
	}

	private String instance(String dir) {
		return instances.getOrDefault(dir, "");
	}

	/** After a removal of a whole subtree the event names an ancestor: drop drivers whose dir went. */
	private void sweep() {
		for (Map.Entry<String, BackendDriver> e : drivers.entrySet()) {
			if (!instance(e.getKey()).equals(xs.tryRead(e.getKey() + "/" + Toolstack.INSTANCE_KEY).orElse(null))) {
				drivers.remove(e.getKey());
				instances.remove(e.getKey());
				e.getValue().remove();
			}
		}
	}

	private void probe(String dir, DeviceType type, int frontend, int devid) {
		DomId fe = DomId.of(frontend);
		BackendDriver driver = type == DeviceType.vbd ? new Blkback(host, domain, fe, DeviceId.vbd(devid), dir)
				: new Netback(host, domain, fe, DeviceId.vif(devid), dir);
		// registered before it runs: from its first step on (InitWait, which the toolstack waits
		// for) a driver is one that removal() answers with, so a teardown always waits for it.
		// Started first, a driver could serve a whole incarnation unknown to the bus (its thread
		// preempted before the put): the teardown would not wait for it, and it would connect to
		// the ring of the incarnation re-created under the same path, next to that one's driver.
		drivers.put(dir, driver);
		driver.start();
		Consumer<BackendDriver> seam = probed;
		if (seam != null) {
			seam.accept(driver);
		}
	}

	/** The driver serving a device in this domain, if one runs. */
	Optional<BackendDriver> driver(DomId frontend, DeviceId id) {
		return Optional.ofNullable(drivers.get(Toolstack.backendPath(domain.domid, frontend, id)));
	}

	/**
	 * Completes when the device's backend has disconnected and gone (or none ran). Ask before the
	 * directory is removed: the bus forgets the driver when it sees the removal.
	 */
	CompletableFuture<Void> removal(DomId frontend, DeviceId id) {
		BackendDriver d = drivers.get(Toolstack.backendPath(domain.domid, frontend, id));
		return d == null ? CompletableFuture.completedFuture(null) : d.removed();
	}

	int running() {
		return drivers.size();
	}

	void close() {
		for (XsWatch w : watches) {
			w.cancel();
		}
		drivers.values().forEach(BackendDriver::remove);
		drivers.clear();
		executor.close();
	}

}
