package org.xso.xen.evtchn;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

import org.xso.xen.DomId;
import org.xso.xen.EvtchnPort;

/**
 * Xen's event channels for every domain, after the 2-level ABI: per-domain port tables of up to
 * {@link #MAX_PORTS} ports (port 0 never valid), a pending and a mask bit per port, and the guest
 * kernel's handler standing in for its irq binding.
 *
 * <p>
 * <b>Upcalls.</b> A handler runs when its port becomes pending while unmasked, when it is unmasked
 * while pending, or when it is bound to a port already pending and unmasked (Linux unmasks the
 * channel when it starts the irq). It runs on the thread of the call that caused it, never under
 * the lock: drivers are expected to hop onto their own executor. A port already pending absorbs
 * further sends (they are <em>coalesced</em>) until the guest clears it, so a handler must re-check
 * its ring on every upcall.
 *
 * <p>
 * <b>Xen's rules kept.</b> Sending on an unbound port is silently dropped, and sending on a closed
 * port is {@code EINVAL} (Xen {@code evtchn_send}). Closing one end of an interdomain channel, or
 * destroying or resetting its domain, leaves the other end unbound toward the closer, so the
 * closer (a restored domain, say) could bind it again but nothing does so by itself. Where Xen's
 * {@code bind_interdomain} conservatively always sets the new local port pending, this simulator
 * does so only if the peer really sent while its port was unbound, which keeps upcall counts exact.
 *
 * <p>
 * <b>Counters.</b> Sends on interdomain ports only: {@code sent() == delivered() + coalesced() +
 * dropped()}, where delivered sends set a clear pending bit, coalesced ones found it set and
 * dropped ones were lost to {@link #dropNotifications}.
 *
 * <p>
 * Thread-safe: one lock guards every domain.
 */
public final class EventChannels {

	/** Ports per domain with the 2-level ABI on a 64-bit guest. */
	public static final int MAX_PORTS = 4096;

	private final ReentrantLock lock = new ReentrantLock();

	private final Map<DomId, PortTable> domains = new HashMap<>();

	private long sent;

	private long delivered;

	private long coalesced;

	private long dropped;

	/**
	 * Gives a new domain an empty port table.
	 * @throws IllegalStateException if the domain already has one
	 */
	public void createDomain(DomId dom) {
		run((upcalls) -> {
			if (this.domains.containsKey(dom)) {
				throw new IllegalStateException("dom " + dom + " already has event channels");
			}
			this.domains.put(dom, new PortTable(dom));
		});
	}

	/** Closes every port of a dying domain and forgets it; nothing happens for an unknown domain. */
	public void destroyDomain(DomId dom) {
		run((upcalls) -> {
			PortTable table = this.domains.get(dom);
			if (table != null) {
				closeAll(dom, table);
				this.domains.remove(dom);
			}
		});
	}

	/**
	 * {@code EVTCHNOP_reset}: the domain starts over with an empty port table, as a restored
	 * domain does. Peers' ends bound to it become unbound toward it and stay so: interdomain
	 * bindings are lost across save/restore.
	 */
	public void resetDomain(DomId dom) {
		run((upcalls) -> closeAll(dom, table(dom)));
	}

	/** {@code EVTCHNOP_alloc_unbound}: a new port of {@code dom} that {@code remoteDom} may bind. */
	public EvtchnPort allocUnbound(DomId dom, DomId remoteDom) {
		return call((upcalls) -> {
			PortTable table = table(dom);
			int port = table.allocate();
			table.channel(port).bindUnbound(remoteDom);
			return EvtchnPort.of(port);
		});
	}

	/**
	 * {@code EVTCHNOP_bind_interdomain}: connects a new port of {@code dom} to {@code remotePort} of
	 * {@code remoteDom}, which must be unbound and allow {@code dom} ({@code EINVAL} otherwise). If
	 * the remote end sent while unbound, the new port starts pending.
	 */
	public EvtchnPort bindInterdomain(DomId dom, DomId remoteDom, EvtchnPort remotePort) {
		return call((upcalls) -> {
			PortTable local = table(dom);
			Channel remote = table(remoteDom).channel(remotePort);
			if (remote.state != Channel.State.UNBOUND || !dom.equals(remote.remoteDom)) {
				throw new EvtchnException(EvtchnException.EINVAL, "port " + remotePort + " of dom " + remoteDom
						+ " is not unbound toward dom " + dom + ": " + remote.status());
			}
			int port = local.allocate();
			Channel channel = local.channel(port);
			boolean lost = remote.notifiedWhileUnbound;
			channel.bindInterdomain(remoteDom, remotePort.value());
			remote.bindInterdomain(dom, port);
			if (lost) {
				channel.raise(upcalls);
			}
			return EvtchnPort.of(port);
		});
	}

	/**
	 * {@code EVTCHNOP_send}: marks the peer's port pending, upcalling its handler if the port was
	 * not pending and is unmasked. A send on an unbound port is dropped.
	 * @throws EvtchnException EINVAL if the port is closed
	 */
	public void send(DomId dom, EvtchnPort port) {
		run((upcalls) -> {
			Channel channel = open(dom, port);
			if (channel.state == Channel.State.UNBOUND) {
				channel.notifiedWhileUnbound = true;
			}
			else if (channel.dropNext > 0) {
				this.sent++;
				channel.dropNext--;
				this.dropped++;
			}
			else {
				this.sent++;
				Channel peer = this.domains.get(channel.remoteDom).channel(channel.remotePort);
				if (peer.raise(upcalls)) {
					this.delivered++;
				}
				else {
					this.coalesced++;
				}
			}
		});
	}

	/** {@code EVTCHNOP_close}: frees the port; an interdomain peer's end becomes unbound toward {@code dom}. */
	public void close(DomId dom, EvtchnPort port) {
		run((upcalls) -> {
			open(dom, port);
			closePort(dom, port.value());
		});
	}

	/**
	 * Binds the guest kernel's handler to an open port. If the port is already pending and
	 * unmasked the handler runs at once, as Linux's irq startup unmask would raise it.
	 * @throws IllegalStateException if the port already has a handler
	 */
	public void bindHandler(DomId dom, EvtchnPort port, Runnable upcall) {
		run((upcalls) -> {
			Channel channel = open(dom, port);
			if (channel.handler != null) {
				throw new IllegalStateException("port " + port + " of dom " + dom + " already has a handler");
			}
			channel.handler = upcall;
			if (channel.pending && !channel.masked) {
				upcalls.add(upcall);
			}
		});
	}

	/** Removes the port's handler; nothing happens for a closed port. */
	public void unbindHandler(DomId dom, EvtchnPort port) {
		run((upcalls) -> channel(dom, port).handler = null);
	}

	/** Sets the mask bit: no upcalls until {@link #unmask}. Nothing happens for a closed port. */
	public void mask(DomId dom, EvtchnPort port) {
		run((upcalls) -> {
			Channel channel = channel(dom, port);
			channel.masked = channel.isOpen();
		});
	}

	/** {@code EVTCHNOP_unmask}: clears the mask bit; a port that was masked and is pending upcalls. */
	public void unmask(DomId dom, EvtchnPort port) {
		run((upcalls) -> channel(dom, port).unmask(upcalls));
	}

	public boolean isPending(DomId dom, EvtchnPort port) {
		return call((upcalls) -> channel(dom, port).pending);
	}

	public boolean isMasked(DomId dom, EvtchnPort port) {
		return call((upcalls) -> channel(dom, port).masked);
	}

	/** Clears the pending bit, as the guest's upcall handler does. Returns the previous value. */
	public boolean clearPending(DomId dom, EvtchnPort port) {
		return call((upcalls) -> {
			Channel channel = channel(dom, port);
			boolean was = channel.pending;
			channel.pending = false;
			return was;
		});
	}

	/** {@code EVTCHNOP_status}. */
	public EvtchnStatus status(DomId dom, EvtchnPort port) {
		return call((upcalls) -> channel(dom, port).status());
	}

	/**
	 * Fault injection: the next {@code n} sends on this port of {@code dom} are lost (the peer's
	 * pending bit is not set, nothing upcalls). Replaces any count still outstanding.
	 */
	public void dropNotifications(DomId dom, EvtchnPort port, int n) {
		if (n < 0) {
			throw new IllegalArgumentException("notifications to drop must be >= 0: " + n);
		}
		run((upcalls) -> open(dom, port).dropNext = n);
	}

	/** Ports of {@code dom} that are not closed; 0 for a domain without a port table. */
	public int openPorts(DomId dom) {
		return call((upcalls) -> {
			PortTable table = this.domains.get(dom);
			return (table != null) ? table.openPorts() : 0;
		});
	}

	public boolean hasDomain(DomId dom) {
		return call((upcalls) -> this.domains.containsKey(dom));
	}

	public long sent() {
		return call((upcalls) -> this.sent);
	}

	public long delivered() {
		return call((upcalls) -> this.delivered);
	}

	public long coalesced() {
		return call((upcalls) -> this.coalesced);
	}

	public long dropped() {
		return call((upcalls) -> this.dropped);
	}

	private void closeAll(DomId dom, PortTable table) {
		for (int port : table.open()) {
			closePort(dom, port);
		}
	}

	/** Xen {@code evtchn_close} of an open port. */
	private void closePort(DomId dom, int port) {
		Channel channel = this.domains.get(dom).channel(port);
		if (channel.state == Channel.State.INTERDOMAIN) {
			this.domains.get(channel.remoteDom).channel(channel.remotePort).bindUnbound(dom);
		}
		channel.free();
	}

	private PortTable table(DomId dom) {
		PortTable table = this.domains.get(dom);
		if (table == null) {
			throw new EvtchnException(EvtchnException.ESRCH, "dom " + dom + " has no event channels");
		}
		return table;
	}

	private Channel channel(DomId dom, EvtchnPort port) {
		return table(dom).channel(port);
	}

	private Channel open(DomId dom, EvtchnPort port) {
		Channel channel = channel(dom, port);
		if (!channel.isOpen()) {
			throw new EvtchnException(EvtchnException.EINVAL, "port " + port + " of dom " + dom + " is closed");
		}
		return channel;
	}

	private void run(Consumer<List<Runnable>> op) {
		call((upcalls) -> {
			op.accept(upcalls);
			return null;
		});
	}

	/** Runs {@code op} under the lock, then the upcalls it queued, after the lock is released. */
	private <T> T call(Function<List<Runnable>, T> op) {
		List<Runnable> upcalls = new ArrayList<>(1);
		T result;
		this.lock.lock();
		try {
			result = op.apply(upcalls);
		}
		finally {
			this.lock.unlock();
		}
		runUpcalls(upcalls);
		return result;
	}

	private static void runUpcalls(List<Runnable> upcalls) {
		RuntimeException failure = null;
		for (Runnable upcall : upcalls) {
			try {
				upcall.run();
			}
			catch (RuntimeException ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

}
