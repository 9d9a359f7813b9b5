package org.xso.hypervisor.sim;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.SplittableRandom;
import java.util.TreeSet;

import org.xso.hypervisor.CanonicalInput;
import org.xso.hypervisor.CanonicalOutput;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.WorkloadSpec;
import org.xso.xen.Pfn;

/**
 * A guest's net workload: sequence-numbered packets to its bridge's echo endpoint, at most
 * {@code packetWindow} of them sent and not yet echoed. Each packet carries the workload's flow id
 * (random, kept across save and restore), its sequence number, its length and a CRC (see
 * {@link NetFrame}).
 *
 * <p>
 * <b>Accounting.</b> Every sequence number below {@code nextSeq} is in exactly one of three
 * states: outstanding, received, dropped. An echo of an outstanding packet makes it received;
 * an echo of a packet already received counts as duplicated; an echo of a packet counted dropped
 * moves it back from dropped to received (a packet netfront gave up on that still got through).
 * A packet becomes dropped when netfront reports it (a tx error, a transmit dropped at a restore,
 * a packet queued when the device went away) or when the network lost it: the bridge and the
 * netbacks record every frame they drop by flow and sequence number, and the workload reconciles
 * with the records of every bridge ({@link Bridge#takeDrops}) whenever it is called, including before any
 * counter is read. At a restore everything outstanding that had left the guest is counted dropped
 * (the old backend and bridge port are gone; a late echo moves it back). So
 * {@code sent = received + dropped + inFlight} always, and once the network has settled
 * {@code inFlight} reaches 0: a packet silently lost would stay in flight for ever.
 *
 * <p>
 * <b>Threads.</b> Netfront's executor calls it with what arrived and what was dropped, the controls
 * and the save on the caller's thread: every field is guarded by the workload's monitor. It hands
 * packets to netfront by message and never waits for the driver while it holds the monitor.
 */
final class NetWorkload implements Workload {

	/** The workload's counters at one moment. {@code lost} must be 0. */
	record Counters(long sent, long received, long dropped, long duplicated, long inFlight, long lost,
			long corrupt, long foreign, long recovered) {
	}

	private final SimGuest guest;

	private final DeviceId id;

	private Netfront front;

	private WorkloadSpec spec = WorkloadSpec.DEFAULT;

	private boolean running;

	private boolean frozen;

	private long flow = new SplittableRandom().nextLong() | 1;

	private long mac = -1;

	private long nextSeq = 1;

	/** {@code nextSeq} when the state was read from a save image: older packets crossed the restore. */
	private long restoredAt = 1;

	private final TreeSet<Long> outstanding = new TreeSet<>();

	private final TreeSet<Long> droppedSeqs = new TreeSet<>();

	private long sent;

	private long received;

	private long dropped;

	private long duplicated;

	private long corrupt;

	private long foreign;

	private long recovered;

	NetWorkload(SimGuest guest, DeviceId id) {
		this.guest = guest;
		this.id = id;
	}

	synchronized void attach(Netfront front) {
		this.front = front;
	}

	@Override
	public synchronized void start(WorkloadSpec spec) {
		this.spec = spec;
		running = true;
		fill();
	}

	@Override
	public synchronized void stop() {
		running = false;
	}

	@Override
	public synchronized boolean running() {
		return running;
	}

	/** The guest's processes are frozen for a suspend: nothing new is sent. */
	@Override
	public synchronized void freeze(boolean frozen) {
		this.frozen = frozen;
		fill();
	}

	private void fill() {
		reconcile();
		while (running && !frozen && outstanding.size() < spec.packetWindow()) {
			send();
		}
	}

	private void send() {
		if (mac < 0) {
			mac = NetFrame.parseMac(guest.xs().read("device/vif/" + id.devid() + "/mac"));
		}
		long seq = nextSeq++;
		int length = NetFrame.lengthFor(seq);
		Pfn page = guest.memory().allocate();
		NetFrame.write(guest.memory().page(page), 0, Bridge.ECHO_MAC, mac, flow, seq, length);
		outstanding.add(seq);
		sent++;
		front.transmit(new NetPacket(seq, page, length));
	}

	/** A frame arrived (on netfront's executor; the page is valid during the call only). */
	synchronized void received(ByteBuffer page, int offset, int length) {
		NetFrame.Header h = NetFrame.read(page, offset, length);
		if (!h.intact()) {
			corrupt++;
		}
		else if (h.flow() != flow) {
			foreign++;
		}
		else if (outstanding.remove(h.seq())) {
			received++;
		}
		else if (droppedSeqs.remove(h.seq())) {
			dropped--;
			received++;
			recovered++;
		}
		else if (h.seq() > 0 && h.seq() < nextSeq) {
			duplicated++;
		}
		else {
			foreign++;
		}
		fill();
	}

	/** Netfront gave up on a packet (tx error, dropped at a restore, device gone). */
	synchronized void dropped(long seq) {
		markDropped(seq);
		fill();
	}

	/**
	 * A restore: every packet outstanding at the save, except those still queued in netfront, had
	 * left the guest, and the backend and bridge port it went through are gone.
	 */
	synchronized void lostOnTheWire(Collection<Long> stillQueued) {
		for (Long seq : new TreeSet<>(outstanding.headSet(restoredAt))) {
			if (!stillQueued.contains(seq)) {
				markDropped(seq);
			}
		}
		fill();
	}

	private void markDropped(long seq) {
		if (outstanding.remove(seq)) {
			dropped++;
			droppedSeqs.add(seq);
		}
	}

	/** Learns from the bridges which of our packets the network dropped (a restore may have moved the vif). */
	private void reconcile() {
		for (Bridge b : guest.host().bridges()) {
			for (long seq : b.takeDrops(flow)) {
				markDropped(seq);
			}
		}
	}

	synchronized Counters counters() {
		fill();
		long inFlight = outstanding.size();
		return new Counters(sent, received, dropped, duplicated, inFlight, sent - received - dropped - inFlight,
				corrupt, foreign, recovered);
	}

	long packetsSent() {
		return counters().sent();
	}

	long packetsReceived() {
		return counters().received();
	}

	long packetsDropped() {
		return counters().dropped();
	}

	long duplicated() {
		return counters().duplicated();
	}

	/** Sent and neither echoed nor known dropped. */
	long inFlight() {
		return counters().inFlight();
	}

	/** {@code sent − received − dropped − inFlight}: must be 0. */
	long lost() {
		return counters().lost();
	}

	long flow() {
		return flow;
	}

	/** The workload's memory, for the save image (its packets' pages are in the guest's pages). */
	@Override
	public synchronized void writeTo(CanonicalOutput out) {
		reconcile();
		out.writeBoolean(running).writeInt(spec.packetWindow()).writeLong(flow).writeLong(nextSeq);
		out.writeInt(outstanding.size());
		outstanding.forEach(out::writeLong);
		out.writeInt(droppedSeqs.size());
		droppedSeqs.forEach(out::writeLong);
		out.writeLong(sent).writeLong(received).writeLong(dropped).writeLong(duplicated).writeLong(corrupt)
			.writeLong(foreign).writeLong(recovered);
	}

	@Override
	public synchronized void readFrom(CanonicalInput in) {
		running = in.readBoolean();
		int window = in.readInt();
		spec = new WorkloadSpec(spec.block(), spec.queueDepth(), spec.maxSectors(), spec.regionSectors(), true,
				window);
		flow = in.readLong();
		nextSeq = in.readLong();
		restoredAt = nextSeq;
		outstanding.clear();
		int n = in.readCount(1 << 16);
		for (int i = 0; i < n; i++) {
			outstanding.add(in.readLong());
		}
		droppedSeqs.clear();
		int d = in.readCount(in.remaining() / 8);
		for (int i = 0; i < d; i++) {
			droppedSeqs.add(in.readLong());
		}
		sent = in.readLong();
		received = in.readLong();
		dropped = in.readLong();
		duplicated = in.readLong();
		corrupt = in.readLong();
		foreign = in.readLong();
		recovered = in.readLong();
		mac = -1;
	}

}
