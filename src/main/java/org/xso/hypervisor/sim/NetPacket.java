package org.xso.hypervisor.sim;

import org.xso.hypervisor.CanonicalInput;
import org.xso.hypervisor.CanonicalOutput;
import org.xso.xen.Pfn;

/**
 * A packet as the guest's network stack hands it to netfront: the tag the sender knows it by
 * (the net workload's sequence number) and the guest page holding the frame at offset 0. Immutable:
 * it passes from the workload's thread to netfront's executor.
 */
record NetPacket(long tag, Pfn page, int length) {

	void writeTo(CanonicalOutput out) {
		out.writeLong(tag).writeLong(page.value()).writeInt(length);
	}

	static NetPacket readFrom(CanonicalInput in) {
		return new NetPacket(in.readLong(), Pfn.of(in.readLong()), in.readInt());
	}

}
