package org.xso.xen.evtchn;

import org.xso.xen.DomId;
import org.xso.xen.EvtchnPort;

/**
 * One domain's event-channel ports, 1..{@link EventChannels#MAX_PORTS}-1 (port 0 is never valid).
 * Not thread-safe: {@link EventChannels} guards it.
 */
final class PortTable {

	private final DomId domid;

	/** Xen's {@code EVTCHNS_PER_BUCKET}: ports are allocated in buckets of this many, on demand. */
	static final int PER_BUCKET = 64;

	private final Channel[][] buckets = new Channel[EventChannels.MAX_PORTS / PER_BUCKET][];

	PortTable(DomId domid) {
		this.domid = domid;
	}

	/**
	 * The port's channel, free or not.
	 * @throws EvtchnException EINVAL for port 0 or a port beyond the ABI's limit
	 */
	Channel channel(EvtchnPort port) {
		int p = port.value();
		if (p <= 0 || p >= EventChannels.MAX_PORTS) {
			throw new EvtchnException(EvtchnException.EINVAL,
					"port " + p + " is not a valid port of dom " + this.domid);
		}
		return channel(p);
	}

	Channel channel(int p) {
		Channel[] bucket = this.buckets[p / PER_BUCKET];
		if (bucket == null) {
			bucket = new Channel[PER_BUCKET];
			this.buckets[p / PER_BUCKET] = bucket;
		}
		Channel c = bucket[p % PER_BUCKET];
		if (c == null) {
			c = new Channel();
			bucket[p % PER_BUCKET] = c;
		}
		return c;
	}

	private boolean isOpen(int p) {
		Channel[] bucket = this.buckets[p / PER_BUCKET];
		Channel c = (bucket != null) ? bucket[p % PER_BUCKET] : null;
		return c != null && c.isOpen();
	}

	/**
	 * Xen {@code get_free_port}: the lowest free port.
	 * @throws EvtchnException ENOSPC when every port is in use
	 */
	int allocate() {
		for (int p = 1; p < EventChannels.MAX_PORTS; p++) {
			if (!isOpen(p)) {
				return p;
			}
		}
		throw new EvtchnException(EvtchnException.ENOSPC, "dom " + this.domid + " has no free event-channel port");
	}

	int openPorts() {
		int open = 0;
		for (Channel[] bucket : this.buckets) {
			for (int i = 0; bucket != null && i < PER_BUCKET; i++) {
				if (bucket[i] != null && bucket[i].isOpen()) {
					open++;
				}
			}
		}
		return open;
	}

	/** The open ports, ascending. */
	int[] open() {
		int[] ports = new int[openPorts()];
		int i = 0;
		for (int p = 1; p < EventChannels.MAX_PORTS && i < ports.length; p++) {
			if (isOpen(p)) {
				ports[i++] = p;
			}
		}
		return ports;
	}

}
