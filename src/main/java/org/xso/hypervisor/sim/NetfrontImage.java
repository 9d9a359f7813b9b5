package org.xso.hypervisor.sim;

import java.util.ArrayList;
import java.util.List;

import org.xso.hypervisor.CanonicalInput;
import org.xso.hypervisor.CanonicalOutput;
import org.xso.xen.Pfn;

/**
 * Netfront's private state in a save image ({@code DeviceSavedState.driverState}), canonically
 * encoded: the packets on the tx ring and those queued behind it (each a guest page holding the
 * frame), the guest pages of the connection (both rings and the posted rx buffers) and the
 * driver's counters. Immutable.
 */
record NetfrontImage(List<NetPacket> onRing, List<NetPacket> queued, List<Pfn> privatePages, Stats stats) {

	/**
	 * Netfront's counters: packets put on the tx ring, tx responses, responses matching no request,
	 * packets requeued by a restore.
	 */
	record Stats(long issued, long completed, long badResponses, long reissued) {
	}

	NetfrontImage {
		onRing = List.copyOf(onRing);
		queued = List.copyOf(queued);
		privatePages = List.copyOf(privatePages);
	}

	byte[] toBytes() {
		CanonicalOutput out = new CanonicalOutput();
		out.writeInt(onRing.size());
		onRing.forEach(p -> p.writeTo(out));
		out.writeInt(queued.size());
		queued.forEach(p -> p.writeTo(out));
		out.writeInt(privatePages.size());
		privatePages.forEach(p -> out.writeLong(p.value()));
		out.writeLong(stats.issued()).writeLong(stats.completed()).writeLong(stats.badResponses())
			.writeLong(stats.reissued());
		return out.toByteArray();
	}

	static NetfrontImage fromBytes(byte[] bytes) {
		CanonicalInput in = new CanonicalInput(bytes);
		List<NetPacket> onRing = readPackets(in, 1 << 16);
		List<NetPacket> queued = readPackets(in, 1 << 20);
		int np = in.readCount(1 << 16);
		List<Pfn> pages = new ArrayList<>(np);
		for (int i = 0; i < np; i++) {
			pages.add(Pfn.of(in.readLong()));
		}
		Stats stats = new Stats(in.readLong(), in.readLong(), in.readLong(), in.readLong());
		in.expectEnd();
		return new NetfrontImage(onRing, queued, pages, stats);
	}

	private static List<NetPacket> readPackets(CanonicalInput in, int max) {
		int n = in.readCount(max);
		List<NetPacket> out = new ArrayList<>(n);
		for (int i = 0; i < n; i++) {
			out.add(NetPacket.readFrom(in));
		}
		return out;
	}

}
