package org.xso.hypervisor.sim;

import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceType;
import org.xso.hypervisor.HypervisorEvent;
import org.xso.xen.DomId;
import org.xso.xen.XenbusState;
import org.xso.xen.store.XsHistoryEntry;
import org.xso.xen.store.XsOp;

/**
 * Turns {@code state} writes in xenstore into {@link HypervisorEvent.XenbusStateChanged} events, one
 * per write, in commit order. It follows xenstored's trace rather than a watch: a watch event names
 * only the path, and by the time a busy watcher reads it a suspended guest's device directories may
 * be gone, taking its last Closed states with them. The trace hands each write over on the
 * committing thread; parsing and publishing run on the relay's own executor. {@code started} is
 * guarded by the relay's monitor, as the first listener may arrive on any thread.
 */
final class XenbusEventRelay {

	private final SimHost host;

	private final SerialExecutor executor;

	private boolean started;

	XenbusEventRelay(SimHost host) {
		this.host = host;
		this.executor = host.newDriverExecutor("xenbus-events");
	}

	/** Starts relaying (once; later calls do nothing). */
	synchronized void start() {
		if (!started) {
			started = true;
			host.xenstore.trace(this::onCommit);
		}
	}

	/** On the committing thread, under the store's lock: only a cheap test and a hand-over. */
	private void onCommit(XsHistoryEntry e) {
		if (e.op() == XsOp.WRITE && e.path().startsWith("/local/domain/") && e.path().endsWith("/state")) {
			executor.execute(() -> onStateWritten(e.path(), e.value()));
		}
	}

	private void onStateWritten(String path, String value) {
		String[] p = path.split("/");
		try {
			// /local/domain/<fe>/device/<type>/<devid>/state
			if (p.length == 8 && "device".equals(p[4])) {
				publish(Integer.parseInt(p[3]), p[5], p[6], HypervisorEvent.End.FRONTEND, value);
			}
			// /local/domain/<be>/backend/<type>/<fe>/<devid>/state
			else if (p.length == 9 && "backend".equals(p[4])) {
				publish(Integer.parseInt(p[6]), p[5], p[7], HypervisorEvent.End.BACKEND, value);
			}
		}
		catch (IllegalArgumentException ignored) {
			// not a device state node, or not a state a driver would write
		}
	}

	private void publish(int domid, String type, String devid, HypervisorEvent.End end, String value) {
		host.publish(new HypervisorEvent.XenbusStateChanged(DomId.of(domid),
				new DeviceId(DeviceType.parse(type), Integer.parseInt(devid)), end, XenbusState.parse(value)));
	}

}
