package org.xso.hypervisor.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.xso.hypervisor.DeviceId;
import org.xso.xen.DomId;
import org.xso.xen.XenbusState;
import org.xso.xen.grant.GrantHandle;
import org.xso.xen.store.XsConnection;
import org.xso.xen.store.XsTransaction;
import org.xso.xen.store.XsWatch;

/**
 * What every backend driver does on the xenbus (Linux's {@code xenbus_probe_backend} and
 * the drivers' {@code frontend_changed}): on probe it reads its device, publishes its features and
 * goes InitWait, then follows the frontend's state: Initialised or Connected connects the rings,
 * Closing and Closed disconnect, and Initialising after a close (a resume, a reconnect) starts over
 * while the device is still online. Removal disconnects and retires the driver. A driver runs in
 * its backend domain (dom0 or a driver domain: it maps grants, binds event channels and talks to
 * xenstore as that domain), on an executor of its own, and reaches its frontend only through
 * xenstore, grants and event channels.
 *
 * <p>
 * <b>Threads.</b> The backend bus builds the driver on its own executor; from {@link #start()} on,
 * every field that is not final, and the contents of {@link #ringMappings} and of the subclasses'
 * rings, is owned by the driver's {@link #executor} and touched only there (the timers of I/O
 * latency hand their work back to it through {@link SimHost#later}). Other threads reach the driver
 * only by {@link #remove()}, a message, and {@link #removed()}, a thread-safe future the toolstack
 * waits on.
 */
abstract class Backend implements BackendBus.BackendDriver {

	final SimHost host;

	/** The backend domain this driver runs in. */
	final SimBackendDomain domain;

	final DomId frontend;

	final DeviceId id;

	/** The backend directory, {@code /local/domain/<backend>/backend/<type>/<frontend>/<devid>}. */
	final String dir;

	final SerialExecutor executor;

	final XsConnection xs;

	/** The ring pages this backend has mapped from the frontend's grants. Owned by the executor. */
	final List<GrantHandle> ringMappings = new ArrayList<>();

	// owned by the executor

	XenbusState state = XenbusState.Initialising;

	String frontendPath;

	boolean removing;

	private final String driver;

	/** Completes once the driver has disconnected and gone: thread-safe, waited on by the toolstack. */
	private final CompletableFuture<Void> removed = new CompletableFuture<>();

	/** Owned by the executor. */
	private XsWatch frontendWatch;

	Backend(SimHost host, SimBackendDomain domain, DomId frontend, DeviceId id, String dir, String driver) {
		this.host = host;
		this.domain = domain;
		this.frontend = frontend;
		this.id = id;
		this.dir = dir;
		this.driver = driver;
		this.executor = host.newDriverExecutor(driver + "-" + frontend + "-" + id.devid());
		this.xs = host.xenstore.connect(domain.domid);
	}

	/**
	 * Probes the device on the driver's executor. The bus calls it once the driver is fully built
	 * and registered, never the constructor: a driver that runs before the bus knows it is one the
	 * toolstack cannot wait for.
	 */
	@Override
	public final void start() {
		executor.execute(this::probe);
	}

	private void probe() {
		frontendPath = xs.read(dir + "/frontend");
		if (!probeDevice()) {
			return;
		}
		publishFeaturesAndWait();
		frontendWatch = xs.watch(frontendPath + "/state", driver, executor, e -> frontendChanged());
	}

	/**
	 * Reads what the toolstack wrote about the device (disk geometry and volume, MAC and bridge)
	 * before going InitWait; false when the device cannot be set up here, after {@link #hotplugFailed}
	 * said why (the driver then stays Initialising until it is removed).
	 */
	abstract boolean probeDevice();

	/** Writes the driver's features into the backend directory, inside {@code t}. */
	abstract void writeFeatures(XsTransaction t);

	/** Whether the rings are mapped and the event channel bound. */
	abstract boolean ringConnected();

	/** Maps the rings, binds the event channel, goes Connected. */
	abstract void connect();

	/** Unmaps and unbinds once what is in flight is done, then runs {@code then}. */
	abstract void disconnect(Runnable then);

	final void publishFeaturesAndWait() {
		xs.transaction((XsTransaction t) -> {
			if (t.tryRead(dir).isEmpty()) {
				return;
			}
			writeFeatures(t);
		});
		switchState(XenbusState.InitWait);
	}

	private void frontendChanged() {
		if (removing) {
			return;
		}
		XenbusState fe = Xenbus.readDriverState(xs, frontendPath);
		switch (fe) {
			case Initialised, Connected -> {
				if (!ringConnected() && state == XenbusState.InitWait && !host.faults.stalled(frontend)) {
					connect();
				}
			}
			case Closing -> disconnect(() -> switchState(XenbusState.Closing));
			case Closed -> disconnect(() -> switchState(XenbusState.Closed));
			case Initialising -> {
				if ((state == XenbusState.Closed || state == XenbusState.Closing) && online()) {
					disconnect(this::publishFeaturesAndWait);
				}
			}
			default -> {
			}
		}
	}

	/**
	 * What a hotplug script that fails leaves (libxl's {@code hotplug-status} = error, with the
	 * script's {@code hotplug-error}); returns false, for {@link #probeDevice()}.
	 */
	final boolean hotplugFailed(String message) {
		SimLog.warn(executor.name(), message);
		Xenbus.writeIfPresent(xs, dir, "hotplug-error", message);
		Xenbus.writeIfPresent(xs, dir, "hotplug-status", "error");
		return false;
	}

	private boolean online() {
		return "1".equals(xs.tryRead(dir + "/online").orElse("0"));
	}

	/** xenbus_switch_state: records and publishes {@code next}, unless the device is being removed. */
	void switchState(XenbusState next) {
		state = next;
		if (!removing) {
			Xenbus.switchState(xs, dir, next);
		}
	}

	final void unmapRings() {
		ringMappings.forEach(host.grants::unmap);
		ringMappings.clear();
	}

	/** Retires the driver: a message, run on its executor. */
	@Override
	public final void remove() {
		executor.execute(() -> {
			removing = true;
			if (frontendWatch != null) {
				frontendWatch.cancel();
			}
			disconnect(() -> {
				xs.close();
				removed.complete(null);
				executor.close();
			});
		});
	}

	@Override
	public final CompletableFuture<Void> removed() {
		return removed;
	}

}
