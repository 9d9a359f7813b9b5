package org.xso.hypervisor.sim;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import org.xso.xen.DomId;
import org.xso.xen.Mfn;

/**
 * A software bridge in a backend domain ({@code xenbr0}, say), joining the vifs whose netbacks that
 * domain runs and whose {@code bridge} key names it. A netback attaches a {@link Port} for its vif
 * when it connects and closes it when it disconnects. A frame one vif transmits goes to the port
 * on this bridge owning its destination MAC (a vif on another bridge is not reachable), or,
 * addressed to {@link #ECHO_MAC}, back to the sender with the addresses swapped: every bridge has
 * an echo endpoint of its own. Delivery hops onto the receiving netback's executor through the
 * port's inbox, so the two backends never run each other's code.
 *
 * <p>
 * <b>Accounting.</b> Frames live in frames of the backend domain owned by whoever holds them; the
 * bridge only routes. Every frame that cannot be delivered, here or in a netback's receive path, is
 * counted by {@link DropReason} and recorded by the workload's flow and sequence number (read from
 * the payload, see {@link NetFrame}). A guest's net workload reconciles its outstanding packets with
 * the records of every bridge of the host ({@link #takeDrops}), since a restore may have moved its
 * vif to another bridge, so a packet the network lost is counted dropped rather than silently
 * missing. The records live on this host: a guest migrated to another host cannot learn of drops
 * here, which is why a restore counts everything that was on the wire as dropped.
 *
 * <p>
 * <b>Threads.</b> Every netback calls the bridge on its own executor. The routing table, the drop
 * records and the counters are guarded by the bridge's monitor; a port's inbox by the port's own,
 * which the sender's executor fills and the receiver's drains. The name is final.
 */
final class Bridge {

	/** The echo endpoint: a locally administered unicast address. */
	static final long ECHO_MAC = 0x02_00_00_00_00_ECL;

	/** A vif: its frontend domain and devid. */
	record VifKey(DomId frontend, int devid) {
	}

	/** A frame in a backend domain: the frame holding it, a view of that frame, its length and where it entered. */
	record Frame(Mfn buffer, ByteBuffer data, int length, VifKey ingress) {
	}

	enum DropReason {
		/** The destination's frontend posted no rx buffer in time, or its rx queue was full. */
		NO_RX_BUFFER,
		/** No vif owns the destination MAC. */
		UNKNOWN_DESTINATION,
		/** The destination vif disconnected with the frame on its way. */
		VIF_DISCONNECTED,
		/** The copy into the guest's rx buffer failed. */
		RX_COPY_FAILED,
		/** Held by output commit for a capture that was never made durable when the vif went. */
		OUTPUT_NOT_COMMITTED
	}

	/** A vif attached to the bridge: a MAC and an inbox its netback drains on its own executor. */
	final class Port {

		final VifKey key;

		final long mac;

		private final Executor executor;

		private final Consumer<Frame> receiver;

		private final Deque<Frame> inbox = new ArrayDeque<>();

		private boolean open = true;

		private boolean scheduled;

		private Port(VifKey key, long mac, Executor executor, Consumer<Frame> receiver) {
			this.key = key;
			this.mac = mac;
			this.executor = executor;
			this.receiver = receiver;
		}

		private synchronized boolean offer(Frame f) {
			if (!this.open) {
				return false;
			}
			this.inbox.addLast(f);
			if (!this.scheduled) {
				this.scheduled = true;
				this.executor.execute(this::drain);
			}
			return true;
		}

		private void drain() {
			while (true) {
				Frame f;
				synchronized (this) {
					f = this.inbox.pollFirst();
					if (f == null) {
						this.scheduled = false;
						return;
					}
				}
				this.receiver.accept(f);
			}
		}

		/**
		 * Detaches the vif: nothing more is delivered. Call on the netback's executor.
		 * @return the frames delivered but not yet received, which the caller must drop
		 */
		List<Frame> close() {
			List<Frame> rest;
			synchronized (this) {
				this.open = false;
				rest = new ArrayList<>(this.inbox);
				this.inbox.clear();
			}
			synchronized (Bridge.this) {
				Bridge.this.byMac.remove(this.mac, this);
			}
			return rest;
		}

	}

	/** The bridge and the domain it is in, for the log. */
	private final String name;

	private final Map<Long, Port> byMac = new HashMap<>();

	private final Map<Long, List<Long>> dropsByFlow = new HashMap<>();

	private final Map<DropReason, Long> dropsByReason = new EnumMap<>(DropReason.class);

	private long forwarded;

	private long echoed;

	Bridge(String name) {
		this.name = name;
	}

	/**
	 * Attaches a vif; a later attach of the same MAC (a restored guest's new backend) takes the
	 * address over, as a learning bridge would.
	 */
	synchronized Port attach(VifKey key, String mac, Executor executor, Consumer<Frame> receiver) {
		Port p = new Port(key, NetFrame.parseMac(mac), executor, receiver);
		this.byMac.put(p.mac, p);
		return p;
	}

	/**
	 * Forwards a frame {@code from} transmitted. Called on the sender's executor.
	 * @return whether a port took it; if not, the drop is already recorded and the caller frees
	 * the frame
	 */
	boolean transmit(Port from, Frame f) {
		boolean echo = NetFrame.destination(f.data()) == ECHO_MAC;
		Port to;
		synchronized (this) {
			to = echo ? from : this.byMac.get(NetFrame.destination(f.data()));
		}
		if (to == null) {
			dropped(f, DropReason.UNKNOWN_DESTINATION);
			return false;
		}
		if (echo) {
			NetFrame.readdress(f.data(), NetFrame.source(f.data()), ECHO_MAC);
		}
		if (!to.offer(f)) {
			dropped(f, DropReason.VIF_DISCONNECTED);
			return false;
		}
		synchronized (this) {
			this.forwarded++;
			if (echo) {
				this.echoed++;
			}
		}
		return true;
	}

	/** Records a frame the network lost (the holder frees its buffer). */
	void dropped(Frame f, DropReason reason) {
		NetFrame.Header h = NetFrame.read(f.data(), 0, f.length());
		synchronized (this) {
			this.dropsByReason.merge(reason, 1L, Long::sum);
			if (h.ours()) {
				this.dropsByFlow.computeIfAbsent(h.flow(), k -> new ArrayList<>()).add(h.seq());
			}
		}
		SimLog.debug(name, "dropped " + reason + " flow " + h.flow() + " seq " + h.seq());
	}

	/** The sequence numbers of {@code flow}'s packets dropped since the last call. */
	synchronized List<Long> takeDrops(long flow) {
		List<Long> d = this.dropsByFlow.remove(flow);
		return d == null ? List.of() : d;
	}

	synchronized long forwarded() {
		return this.forwarded;
	}

	synchronized long echoed() {
		return this.echoed;
	}

	synchronized long dropped() {
		return this.dropsByReason.values().stream().mapToLong(Long::longValue).sum();
	}

	synchronized long dropped(DropReason reason) {
		return this.dropsByReason.getOrDefault(reason, 0L);
	}

	synchronized int ports() {
		return this.byMac.size();
	}

}
