package org.xso.hypervisor.sim;

import java.util.Map;
import java.util.TreeMap;

import org.xso.hypervisor.CanonicalBytes;
import org.xso.hypervisor.CanonicalInput;
import org.xso.hypervisor.CanonicalOutput;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.GuestSpec;
import org.xso.xen.mm.MachineMemory;

/**
 * The simulator's save image of a guest: its populated pages (by pfn) and its user-space state
 * (the workloads' bookkeeping), the part of a real save image the checkpoint keeps opaque.
 */
final class GuestImage {

	private GuestImage() {
	}

	static byte[] write(SimGuest guest) {
		CanonicalOutput out = new CanonicalOutput();
		guest.memory().writeImage(out);
		out.writeInt(guest.blockWorkloads().size());
		for (Map.Entry<DeviceId, Frontend> e : guest.frontends().entrySet()) {
			BlockWorkload w = guest.blockWorkload(e.getKey());
			if (w != null) {
				out.writeInt(e.getKey().devid());
				out.writeBytes(CanonicalBytes.of(w::writeTo));
			}
		}
		out.writeInt(guest.netWorkloads().size());
		for (Map.Entry<DeviceId, Frontend> e : guest.frontends().entrySet()) {
			NetWorkload w = guest.netWorkload(e.getKey());
			if (w != null) {
				out.writeInt(e.getKey().devid());
				out.writeBytes(CanonicalBytes.of(w::writeTo));
			}
		}
		return out.toByteArray();
	}

	/** The parts of an image: the memory rebuilt on new frames, and the workload states by device. */
	record Parts(GuestMemory memory, Map<DeviceId, byte[]> blockWorkloads, Map<DeviceId, byte[]> netWorkloads) {
	}

	static Parts read(MachineMemory machine, GuestSpec spec, byte[] image) {
		CanonicalInput in = new CanonicalInput(image);
		GuestMemory memory = GuestMemory.readImage(machine, spec.memoryMiB(), in);
		try {
			Map<DeviceId, byte[]> block = new TreeMap<>();
			int nb = in.readCount(1024);
			for (int i = 0; i < nb; i++) {
				DeviceId id = DeviceId.vbd(in.readInt());
				block.put(id, readWorkloadBytes(in));
			}
			Map<DeviceId, byte[]> net = new TreeMap<>();
			int nn = in.readCount(1024);
			for (int i = 0; i < nn; i++) {
				DeviceId id = DeviceId.vif(in.readInt());
				net.put(id, readWorkloadBytes(in));
			}
			in.expectEnd();
			return new Parts(memory, block, net);
		}
		catch (RuntimeException e) {
			memory.release();
			throw e;
		}
	}

	private static byte[] readWorkloadBytes(CanonicalInput in) {
		return in.readBytes();
	}

}
