package org.xso.hypervisor.sim;

import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceType;
import org.xso.hypervisor.HypervisorEvent;
import org.xso.xen.DomId;
import org.xso.xen.XenbusState;
import org.xso.xen.store.XsConnection;
import org.xso.xen.store.XsWatchEvent;

/**
 * Turns {@code state} writes in xenstore into {@link HypervisorEvent.XenbusStateChanged} events, as a
 * toolstack watching {@code /local/domain} would. The watch runs on the relay's own executor and
 * publishes from there; {@code started} is guarded by the relay's monitor, as the first listener
 * may arrive on any thread.
 */
final class XenbusEventRelay {

	private final SimHost host;

	private final XsConnection xs;

	private final SerialExecutor executor;

	private boolean started;

	XenbusEventRelay(SimHost host) {
		this.host = host;
		this.xs = host.xenstore.connect(DomId.DOM0);
		this.executor = host.newDriverExecutor("xenbus-events");
	}

	/** Starts relaying (once; later calls do nothing). */
	synchronized void start() {
		if (!started) {
			started = true;
			xs.watch("/local/domain", "xso-events", executor, this::onChange);
		}
	}

	private void onChange(XsWatchEvent e) {
		String[] p = e.path().split("/");
		if (p.length < 2 || !"state".equals(p[p.length - 1])) {
			return;
		}
		try {
			// /local/domain/<fe>/device/<type>/<devid>/state
			if (p.length == 8 && "device".equals(p[4])) {
				publish(Integer.parseInt(p[3]), p[5], p[6], HypervisorEvent.End.FRONTEND, e.path());
			}
			// /local/domain/<be>/backend/<type>/<fe>/<devid>/state
			else if (p.length == 9 && "backend".equals(p[4])) {
				publish(Integer.parseInt(p[6]), p[5], p[7], HypervisorEvent.End.BACKEND, e.path());
			}
		}
		catch (IllegalArgumentException ignored) {
			// not a device state node
		}
	}

	private void publish(int domid, String type, String devid, HypervisorEvent.End end, String path) {
		xs.tryRead(path).ifPresent(v -> host.publish(new HypervisorEvent.XenbusStateChanged(DomId.of(domid),
				new DeviceId(DeviceType.parse(type), Integer.parseInt(devid)), end, XenbusState.parse(v))));
	}

}
