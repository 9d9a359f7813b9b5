package org.xso.hypervisor.sim;

import java.nio.ByteBuffer;
import java.util.List;
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

	/**
	 * Marks an image of a capture (continuous checkpointing) where a plain save image starts with its
	 * next pfn (at least 0x100): the capture's token, the token it builds on (0 for a full capture) and
	 * the page records of {@link GuestMemory#captureChanges} follow, then the workloads as in a save.
	 */
	static final long CAPTURE_MARK = -1;

	static byte[] write(SimGuest guest) {
		Map<DeviceId, byte[]> workloads = workloads(guest);
		// sized exactly, so the encoder hands over its buffer instead of copying the pages again
		GuestMemory.Pages pages = guest.memory().capture();
		CanonicalOutput out = new CanonicalOutput(pages.size() + size(workloads));
		pages.writeTo(out);
		writeWorkloads(workloads, out);
		return out.toByteArray();
	}

	/** An image for continuous checkpointing: its pages, or only those changed since the last capture; how many pages it holds. */
	record Capture(byte[] image, int pages) {
	}

	/** See {@link GuestMemory#captureChanges}; an incremental capture of a guest never captured is full. */
	static Capture capture(SimGuest guest, boolean incremental) {
		Map<DeviceId, byte[]> workloads = workloads(guest);
		GuestMemory memory = guest.memory();
		CanonicalOutput out = new CanonicalOutput(32 + memory.populatedPages() * (12 + MachineMemory.PAGE_SIZE)
				+ size(workloads));
		out.writeLong(CAPTURE_MARK);
		int pages = memory.captureChanges(incremental, out);
		writeWorkloads(workloads, out);
		return new Capture(out.toByteArray(), pages);
	}

	private static Map<DeviceId, byte[]> workloads(SimGuest guest) {
		Map<DeviceId, byte[]> workloads = new TreeMap<>();
		for (DeviceId id : guest.frontends().keySet()) {
			Workload w = guest.workload(id);
			if (w != null) {
				workloads.put(id, CanonicalBytes.of(w::writeTo));
			}
		}
		return workloads;
	}

	private static int size(Map<DeviceId, byte[]> workloads) {
		int bytes = 4;
		for (Map.Entry<DeviceId, byte[]> e : workloads.entrySet()) {
			bytes += 4 + e.getKey().type().name().length() + 4 + 4 + e.getValue().length;
		}
		return bytes;
	}

	private static void writeWorkloads(Map<DeviceId, byte[]> workloads, CanonicalOutput out) {
		out.writeInt(workloads.size());
		workloads.forEach((id, state) -> out.writeString(id.type().name()).writeInt(id.devid()).writeBytes(state));
	}

	/**
	 * Resolves a chain of capture images, oldest first (a full capture, then incremental ones each
	 * building on the one before it), into one full capture image of the newest: its pages (an
	 * unchanged page taken from the link before), its workloads. Fails with the link that does not fit.
	 */
	static byte[] resolve(List<ByteBuffer> chain) {
		if (chain.isEmpty()) {
			throw new IllegalArgumentException("an empty chain");
		}
		long token = 0;
		long next = 0;
		Map<Long, byte[]> pages = new TreeMap<>();
		byte[] workloads = new byte[0];
		for (int link = 0; link < chain.size(); link++) {
			CanonicalInput in = new CanonicalInput(chain.get(link));
			if (in.readLong() != CAPTURE_MARK) {
				throw new CanonicalInput.InvalidEncodingException("link " + (link + 1) + " is not a capture image");
			}
			long own = in.readLong();
			long base = in.readLong();
			if (base != token) {
				throw new CanonicalInput.InvalidEncodingException("link " + (link + 1) + " builds on capture "
						+ Long.toHexString(base) + ", not on " + (link == 0 ? "nothing (a full capture)"
								: "the link before it (" + Long.toHexString(token) + ")"));
			}
			next = in.readLong();
			int n = in.readCount(in.remaining() / 12);
			Map<Long, byte[]> now = new TreeMap<>();
			for (int i = 0; i < n; i++) {
				long pfn = in.readLong();
				int length = in.readInt();
				byte[] page;
				if (length == GuestMemory.UNCHANGED) {
					page = pages.get(pfn);
					if (page == null) {
						throw new CanonicalInput.InvalidEncodingException(
								"link " + (link + 1) + " keeps pfn " + pfn + ", which the link before it does not hold");
					}
				}
				else if (length == 0 || length == MachineMemory.PAGE_SIZE) {
					page = new byte[length];
					in.readRaw(ByteBuffer.wrap(page), 0, length);
				}
				else {
					throw new CanonicalInput.InvalidEncodingException("page of " + length + " bytes for pfn " + pfn);
				}
				now.put(pfn, page);
			}
			pages = now;
			workloads = new byte[in.remaining()];
			in.readRaw(ByteBuffer.wrap(workloads), 0, workloads.length);
			token = own;
		}
		CanonicalOutput out = new CanonicalOutput(40 + pages.size() * (12 + MachineMemory.PAGE_SIZE) + workloads.length);
		out.writeLong(CAPTURE_MARK).writeLong(token).writeLong(0).writeLong(next).writeInt(pages.size());
		pages.forEach((pfn, page) -> {
			out.writeLong(pfn);
			out.writeBytes(page);
		});
		return concat(out.toByteArray(), workloads);
	}

	private static byte[] concat(byte[] a, byte[] b) {
		byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, all, a.length, b.length);
		return all;
	}

	/** The parts of an image: the memory rebuilt on new frames, and the workload states by device. */
	record Parts(GuestMemory memory, Map<DeviceId, byte[]> workloads) {
	}

	static Parts read(MachineMemory machine, GuestSpec spec, java.nio.ByteBuffer image) {
		CanonicalInput in = new CanonicalInput(image);
		long first = in.readLong();
		if (first == CAPTURE_MARK) {
			in.readLong();
			if (in.readLong() != 0) {
				throw new CanonicalInput.InvalidEncodingException(
						"an incremental capture: it is restored with the chain it builds on, resolved");
			}
			first = in.readLong();
		}
		GuestMemory memory = GuestMemory.readImage(machine, spec.memoryMiB(), first, in);
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
