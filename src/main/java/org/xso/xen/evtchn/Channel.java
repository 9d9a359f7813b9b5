package org.xso.xen.evtchn;

import java.util.List;

import org.xso.xen.DomId;
import org.xso.xen.EvtchnPort;

/**
 * One port's state: Xen's {@code struct evtchn} plus the guest-visible pending and mask bits and
 * the guest kernel's handler. Mutable and not thread-safe: {@link EventChannels} guards it.
 */
final class Channel {

	enum State {

		FREE, UNBOUND, INTERDOMAIN

	}

	State state = State.FREE;

	/** UNBOUND: the domain allowed to bind; INTERDOMAIN: the peer. */
	DomId remoteDom;

	/** INTERDOMAIN: the peer's port. */
	int remotePort;

	boolean pending;

	boolean masked;

	Runnable handler;

	/** Sends still to be lost by fault injection. */
	int dropNext;

	/** A send arrived while UNBOUND: the peer that binds later gets its port set pending. */
	boolean notifiedWhileUnbound;

	boolean isOpen() {
		return this.state != State.FREE;
	}

	void bindUnbound(DomId remote) {
		this.state = State.UNBOUND;
		this.remoteDom = remote;
		this.remotePort = 0;
	}

	void bindInterdomain(DomId remote, int port) {
		this.state = State.INTERDOMAIN;
		this.remoteDom = remote;
		this.remotePort = port;
		this.notifiedWhileUnbound = false;
	}

	/**
	 * Sets the pending bit. If it was clear and the port is unmasked, queues the handler.
	 * @return whether the bit was clear
	 */
	boolean raise(List<Runnable> upcalls) {
		if (this.pending) {
			return false;
		}
		this.pending = true;
		if (!this.masked && this.handler != null) {
			upcalls.add(this.handler);
		}
		return true;
	}

	/** Clears the mask bit; if it was set and the port is pending, queues the handler. */
	void unmask(List<Runnable> upcalls) {
		if (this.masked) {
			this.masked = false;
			if (this.pending && this.handler != null) {
				upcalls.add(this.handler);
			}
		}
	}

	/** Back to a free port, every bit cleared (Xen {@code evtchn_free}). */
	void free() {
		this.state = State.FREE;
		this.remoteDom = null;
		this.remotePort = 0;
		this.pending = false;
		this.masked = false;
		this.handler = null;
		this.dropNext = 0;
		this.notifiedWhileUnbound = false;
	}

	EvtchnStatus status() {
		return switch (this.state) {
			case FREE -> new EvtchnStatus.Closed();
			case UNBOUND -> new EvtchnStatus.Unbound(this.remoteDom);
			case INTERDOMAIN -> new EvtchnStatus.Interdomain(this.remoteDom, EvtchnPort.of(this.remotePort));
		};
	}

}
