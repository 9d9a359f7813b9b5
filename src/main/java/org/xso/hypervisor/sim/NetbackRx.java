package org.xso.hypervisor.sim;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;

import org.xso.xen.DomId;
import org.xso.xen.EvtchnPort;
import org.xso.xen.GrantRef;
import org.xso.xen.grant.GrantCopySide;
import org.xso.xen.grant.Gntst;
import org.xso.xen.netif.NetifFlags;
import org.xso.xen.netif.NetifRxRequest;
import org.xso.xen.netif.NetifRxResponse;
import org.xso.xen.netif.NetifStatus;
import org.xso.xen.ring.BackRing;

/**
 * Netback's receive path (Linux {@code xenvif_rx_action}, copying): a frame from the bridge is
 * copied ({@code GNTTABOP_copy}) into the page of the next rx request the frontend posted and
 * answered with its length. Without a posted request it waits in a queue of
 * {@link #RX_QUEUE_MAX} frames, and req_event is armed so the frontend's next refill notifies.
 * A frame is dropped, and recorded with the bridge, when the queue is full, when it waited
 * {@link #RX_STALL_TIMEOUT} (Linux's rx drain timeout, shortened), when the copy fails, or when
 * the vif disconnects. Runs on its netback's executor, which owns every field; the delivered count
 * alone is volatile, for readers elsewhere. It copies and notifies as its netback's backend domain.
 */
final class NetbackRx {

	static final int RX_QUEUE_MAX = 128;

	static final Duration RX_STALL_TIMEOUT = Duration.ofMillis(200);

	private record Waiting(Bridge.Frame frame, long since) {
	}

	private final SimHost host;

	/** The backend domain its netback runs in. */
	private final DomId backend;

	private final DomId frontend;

	private final Executor executor;

	private final Deque<Waiting> queue = new ArrayDeque<>();

	private BackRing ring;

	private EvtchnPort port;

	/** The bridge the vif joined at its connect: the one every drop is recorded with. */
	private Bridge bridge;

	private boolean stallTimerArmed;

	private volatile long delivered;

	NetbackRx(SimHost host, DomId backend, DomId frontend, Executor executor) {
		this.host = host;
		this.backend = backend;
		this.frontend = frontend;
		this.executor = executor;
	}

	/** The vif connected to {@code vifBridge}: frames go to this ring, notifications through this port. */
	void connect(BackRing rxRing, EvtchnPort evtchn, Bridge vifBridge) {
		this.ring = rxRing;
		this.port = evtchn;
		this.bridge = vifBridge;
	}

	/** The vif disconnected: what still waits is dropped. */
	void disconnect() {
		ring = null;
		port = null;
		while (!queue.isEmpty()) {
			drop(queue.pollFirst().frame(), Bridge.DropReason.VIF_DISCONNECTED);
		}
	}

	/** A frame the bridge delivered to this vif. */
	void receive(Bridge.Frame f) {
		if (ring == null) {
			drop(f, Bridge.DropReason.VIF_DISCONNECTED);
			return;
		}
		if (queue.size() >= RX_QUEUE_MAX) {
			drop(f, Bridge.DropReason.NO_RX_BUFFER);
			return;
		}
		queue.addLast(new Waiting(f, System.nanoTime()));
		deliverQueued();
	}

	/** Copies queued frames into posted rx buffers (after a frontend notification, too). */
	void deliverQueued() {
		if (ring == null || queue.isEmpty()) {
			return;
		}
		boolean produced = false;
		while (!queue.isEmpty() && (ring.hasUnconsumedRequests() || ring.finalCheckForRequests())
				&& !ring.requestConsOverflow()) {
			NetifRxRequest req = NetifRxRequest.decode(ring.memory(), ring.requestSlotOffset());
			ring.requestConsumed();
			Bridge.Frame f = queue.pollFirst().frame();
			int st = host.grants.copy(backend, GrantCopySide.local(f.buffer(), 0),
					GrantCopySide.granted(frontend, GrantRef.of(req.gref()), 0), f.length());
			NetifRxResponse rsp;
			if (st == Gntst.GNTST_okay) {
				rsp = new NetifRxResponse(req.id(), 0, NetifFlags.NETRXF_DATA_VALIDATED, f.length());
				delivered++;
				host.memory.free(f.buffer());
			}
			else {
				rsp = new NetifRxResponse(req.id(), 0, 0, NetifStatus.NETIF_RSP_ERROR);
				drop(f, Bridge.DropReason.RX_COPY_FAILED);
			}
			rsp.encode(ring.memory(), ring.responseSlotOffset());
			ring.responseProduced();
			produced = true;
		}
		if (produced && ring.pushResponsesAndCheckNotify()) {
			host.evtchn.send(backend, port);
		}
		if (!queue.isEmpty() && !stallTimerArmed) {
			stallTimerArmed = true;
			host.later(executor, this::expireStalled, RX_STALL_TIMEOUT);
		}
	}

	private void expireStalled() {
		stallTimerArmed = false;
		long cutoff = System.nanoTime() - RX_STALL_TIMEOUT.toNanos();
		while (!queue.isEmpty() && queue.peekFirst().since() - cutoff <= 0) {
			drop(queue.pollFirst().frame(), Bridge.DropReason.NO_RX_BUFFER);
		}
		deliverQueued();
	}

	/** Records the loss with the bridge and frees the frame's buffer. */
	void drop(Bridge.Frame f, Bridge.DropReason reason) {
		bridge.dropped(f, reason);
		host.memory.free(f.buffer());
	}

	/** Frames copied into the guest's rx buffers. */
	long delivered() {
		return delivered;
	}


}
