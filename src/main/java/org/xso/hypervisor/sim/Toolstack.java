package org.xso.hypervisor.sim;

import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.DeviceType;
import org.xso.xen.DomId;
import org.xso.xen.XenbusState;
import org.xso.xen.store.XsConnection;
import org.xso.xen.store.XsPermissions;
import org.xso.xen.store.XsTransaction;

/**
 * What libxl does in xenstore for the simulated host: the domain's home, and for each device the
 * frontend and backend directories with their keys and permissions (libxl_device.c: the frontend
 * dir is owned by the guest and readable by the backend domain; the backend dir is owned by the
 * backend domain and readable by the guest). Handshake step 1 of the seed. Called on the callers'
 * threads: its xenstore connection is thread-safe and its instance counter atomic.
 */
final class Toolstack {

	/**
	 * A key the simulator's toolstack adds to each backend directory: a fresh id per device
	 * incarnation, so the backend bus tells a directory re-created under the same path (a resume
	 * of the same domid) from the one its driver served.
	 */
	static final String INSTANCE_KEY = "sim-instance";

	private final SimHost host;

	private final XsConnection xs;

	/** Device incarnations on this host; the xenstore lives as long as the host, so this suffices. */
	private final java.util.concurrent.atomic.AtomicLong instances = new java.util.concurrent.atomic.AtomicLong();

	Toolstack(SimHost host) {
		this.host = host;
		this.xs = host.xenstore.connect(DomId.DOM0);
	}

	XsConnection connection() {
		return xs;
	}

	static String frontendPath(DomId frontend, DeviceId id) {
		return "/local/domain/" + frontend + "/device/" + id.type() + "/" + id.devid();
	}

	static String backendPath(DomId backend, DomId frontend, DeviceId id) {
		return "/local/domain/" + backend + "/backend/" + id.type() + "/" + frontend + "/" + id.devid();
	}

	/** Introduces a new domain to xenstore and writes its home. */
	void createDomain(DomId domid, String name) {
		host.xenstore.introduceDomain(domid);
		String home = "/local/domain/" + domid;
		xs.transaction((XsTransaction t) -> {
			t.write(home + "/name", name);
			t.write(home + "/domid", domid.toString());
			t.mkdir(home + "/device");
			t.setPerms(home + "/device", XsPermissions.owner(domid));
			t.mkdir(home + "/control");
			t.setPerms(home + "/control", XsPermissions.owner(domid));
			t.write(home + "/control/shutdown", "");
			t.write("/vm/" + domid + "/name", name);
		});
	}

	/** Writes both directories of a device with state Initialising, in one transaction. */
	void addDevice(DomId frontend, DeviceSpec spec) {
		DeviceId id = spec.id();
		DomId backend = spec.backendDomid();
		String fe = frontendPath(frontend, id);
		String be = backendPath(backend, frontend, id);
		String init = XenbusState.Initialising.xenstoreValue();
		xs.transaction((XsTransaction t) -> {
			// permissions first: the keys below inherit them (libxl_device.c)
			t.mkdir(fe);
			t.setPerms(fe, XsPermissions.owner(frontend).withReader(backend));
			t.mkdir(be);
			t.setPerms(be, XsPermissions.owner(backend).withReader(frontend));
			t.write(fe + "/backend", be);
			t.write(fe + "/backend-id", backend.toString());
			t.write(fe + "/state", init);
			t.write(be + "/frontend", fe);
			t.write(be + "/frontend-id", frontend.toString());
			t.write(be + "/online", "1");
			t.write(be + "/" + INSTANCE_KEY, Long.toString(instances.incrementAndGet()));
			t.write(be + "/state", init);
			if (spec instanceof DeviceSpec.Vbd v) {
				t.write(fe + "/virtual-device", Integer.toString(v.devid()));
				t.write(fe + "/device-type", "disk");
				t.write(be + "/params", DiskStore.Volume.of(frontend, v.devid(), v.target()).params());
				t.write(be + "/type", "phy");
				t.write(be + "/mode", "w");
				t.write(be + "/device-type", "disk");
				t.write(be + "/sim-sectors", Long.toString(v.sectors()));
				t.write(be + "/sim-sector-size", Integer.toString(v.sectorSize()));
			}
			else if (spec instanceof DeviceSpec.Vif v) {
				t.write(fe + "/handle", Integer.toString(v.devid()));
				t.write(fe + "/mac", v.mac());
				t.write(be + "/handle", Integer.toString(v.devid()));
				t.write(be + "/mac", v.mac());
				t.write(be + "/bridge", v.bridge());
				t.write(be + "/type", "vif");
			}
			t.write("/libxl/" + frontend + "/device/" + id.type() + "/" + id.devid() + "/frontend", fe);
			t.write("/libxl/" + frontend + "/device/" + id.type() + "/" + id.devid() + "/backend", be);
		});
	}

	/** Starts an unplug: backend {@code online} = 0 and backend state Closing (libxl's removal). */
	void requestRemoval(DomId frontend, DeviceId id, DomId backend) {
		String be = backendPath(backend, frontend, id);
		xs.transaction((XsTransaction t) -> {
			t.write(be + "/online", "0");
			t.write(be + "/state", XenbusState.Closing.xenstoreValue());
		});
	}

	/** Removes both directories of a device. */
	void removeDevice(DomId frontend, DeviceId id, DomId backend) {
		rmIfPresent(frontendPath(frontend, id));
		rmIfPresent(backendPath(backend, frontend, id));
		rmIfPresent("/libxl/" + frontend + "/device/" + id.type() + "/" + id.devid());
	}

	/**
	 * Removes the domain's home, and what is left of its devices' directories in every backend
	 * domain, and tells xenstored the domain is gone.
	 */
	void destroyDomain(DomId domid) {
		rmIfPresent("/local/domain/" + domid);
		rmIfPresent("/libxl/" + domid);
		rmIfPresent("/vm/" + domid);
		for (SimBackendDomain backend : host.backendDomains()) {
			for (DeviceType type : DeviceType.values()) {
				String dir = "/local/domain/" + backend.domid + "/backend/" + type + "/" + domid;
				if (xs.tryRead(dir).isPresent() && xs.directory(dir).isEmpty()) {
					xs.rm(dir);
				}
			}
		}
		host.xenstore.releaseDomain(domid);
	}

	/** Asks the guest to suspend (the PV control protocol). */
	void requestSuspend(DomId domid) {
		xs.write("/local/domain/" + domid + "/control/shutdown", "suspend");
	}

	private void rmIfPresent(String path) {
		if (xs.tryRead(path).isPresent()) {
			xs.rm(path);
		}
	}

}
