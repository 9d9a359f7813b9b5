package org.xso.xen.evtchn;

import org.xso.xen.DomId;
import org.xso.xen.EvtchnPort;

/**
 * One domain's event-channel ports, 1..{@link EventChannels#MAX_PORTS}-1 (port 0 is never valid).
 * Not thread-safe: {@link EventChannels} guards it.
 */
final class PortTable {

	private final DomId domid;

	private final Channel[] channels = new Channel[EventChannels.MAX_PORTS];

	PortTable(DomId domid) {
		this.domid = domid;
	}

	/**
	 * The port's channel, free or not.
	 * @throws EvtchnException EINVAL for port 0 or a port beyond the ABI's limit
	 */
	Channel channel(EvtchnPort port) {
		int p = port.value();
		if (p == 0 || p >= this.channels.length) {
			throw new EvtchnException(EvtchnException.EINVAL,
					"port " + p + " is not a valid port of dom " + this.domid);
		}
		return channel(p);
	}

	Channel channel(int p) {
		if (this.channels[p] == null) {
			this.channels[p] = new Channel();
		}
		return this.channels[p];
	}

	/**
	 * Xen {@code get_free_port}: the lowest free port.
	 * @throws EvtchnException ENOSPC when every port is in use
	 */
	int allocate() {
		for (int p = 1; p < this.channels.length; p++) {
			if (this.channels[p] == null || !this.channels[p].isOpen()) {
				return p;
			}
		}
		throw new EvtchnException(EvtchnException.ENOSPC, "dom " + this.domid + " has no free event-channel port");
	}

	int openPorts() {
		int open = 0;
		for (Channel c : this.channels) {
			if (c != null && c.isOpen()) {
				open++;
			}
		}
		return open;
	}

	/** The open ports, ascending. */
	int[] open() {
		int[] ports = new int[openPorts()];
		int i = 0;
		for (int p = 1; p < this.channels.length; p++) {
			if (this.channels[p] != null && this.channels[p].isOpen()) {
				ports[i++] = p;
			}
		}
		return ports;
	}

}
