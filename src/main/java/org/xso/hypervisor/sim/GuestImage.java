package org.xso.hypervisor.sim;

import java.util.Map;
import java.util.TreeMap;

import org.xso.hypervisor.CanonicalBytes;
import org.xso.hypervisor.CanonicalInput;
import org.xso.hypervisor.CanonicalOutput;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceType;
import org.xso.hypervisor.GuestSpec;
import org.xso.xen.mm.MachineMemory;

/**
 * The simulator's save image of a guest: its populated pages (by pfn) and its user-space state
 * (the workloads' bookkeeping, by device), the part of a real save image the checkpoint keeps
 * opaque. Stateless: a save writes it on the caller's thread from what is thread-safe to read (the
 * memory and the workloads synchronize themselves); a resume reads it before any driver runs.
 */
final class GuestImage {

	private GuestImage() {
	}

	static byte[] write(SimGuest guest) {
		Map<DeviceId, byte[]> workloads = new TreeMap<>();
		int workloadBytes = 4;
		for (DeviceId id : guest.frontends().keySet()) {
			Workload w = guest.workload(id);
			if (w != null) {
				byte[] state = CanonicalBytes.of(w::writeTo);
				workloads.put(id, state);
				workloadBytes += 4 + id.type().name().length() + 4 + 4 + state.length;
			}
		}
		// sized exactly, so the encoder hands over its buffer instead of copying the pages again
		GuestMemory.Pages pages = guest.memory().capture();
		CanonicalOutput out = new CanonicalOutput(pages.size() + workloadBytes);
		pages.writeTo(out);
		out.writeInt(workloads.size());
		workloads.forEach((id, state) -> out.writeString(id.type().name()).writeInt(id.devid()).writeBytes(state));
		return out.toByteArray();
	}

	/** The parts of an image: the memory rebuilt on new frames, and the workload states by device. */
	record Parts(GuestMemory memory, Map<DeviceId, byte[]> workloads) {
	}

	static Parts read(MachineMemory machine, GuestSpec spec, java.nio.ByteBuffer image) {
		CanonicalInput in = new CanonicalInput(image);
		GuestMemory memory = GuestMemory.readImage(machine, spec.memoryMiB(), in);
		try {
			Map<DeviceId, byte[]> workloads = new TreeMap<>();
			int n = in.readCount(2048);
			for (int i = 0; i < n; i++) {
				DeviceId id;
				try {
					id = new DeviceId(DeviceType.parse(in.readString()), in.readInt());
				}
				catch (IllegalArgumentException e) {
					throw new CanonicalInput.InvalidEncodingException(e.getMessage());
				}
				workloads.put(id, in.readBytes());
			}
			in.expectEnd();
			return new Parts(memory, workloads);
		}
		catch (RuntimeException e) {
			memory.release();
			throw e;
		}
	}

}
