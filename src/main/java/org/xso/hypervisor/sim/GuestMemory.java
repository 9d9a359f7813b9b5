package org.xso.hypervisor.sim;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;
import org.xso.hypervisor.CanonicalInput;
import org.xso.hypervisor.CanonicalOutput;
import org.xso.xen.Mfn;
import org.xso.xen.Pfn;
import org.xso.xen.mm.MachineMemory;

/**
 * A guest's pseudo-physical memory: the P2M table (pfn to mfn) over the host frame pool. Frames
 * are populated on demand, so a 512 MiB guest holds only the pages its drivers and workloads
 * touch. A save captures the populated pages; a restore copies them onto <b>new</b> machine frames,
 * which is why every grant the guest issued before the suspend is dead afterwards.
 *
 * <p>
 * <b>Threads.</b> Shared by every driver and workload of the guest, on their executors and the
 * callers' threads: every method synchronizes on the memory.
 */
final class GuestMemory {


	private final MachineMemory machine;

	private final long maxPages;

	private final Map<Long, Mfn> p2m = new TreeMap<>();

	private final Deque<Long> freePfns = new ArrayDeque<>();

	private long nextPfn = 0x100;

	/**
	 * Each populated page's content at the last {@link #captureChanges capture}, by pfn, and that
	 * capture's token; null before the first. The simulator's log-dirty: a page differs from its copy
	 * or it was dirtied (Xen marks pages in the P2M on write faults and grant copies instead).
	 */
	private @Nullable Map<Long, byte[]> captured;

	private long capturedToken;

	GuestMemory(MachineMemory machine, int memoryMiB) {
		this.machine = machine;
		this.maxPages = (long) memoryMiB << (20 - MachineMemory.PAGE_SHIFT);
	}

	/** Populates a fresh zeroed page. */
	synchronized Pfn allocate() {
		Pfn p = tryAllocate();
		if (p == null) {
			throw new IllegalStateException("guest memory exhausted: " + maxPages + " pages");
		}
		return p;
	}

	/** Populates a fresh zeroed page, or returns null if the guest has every page it may have. */
	synchronized @Nullable Pfn tryAllocate() {
		return tryAllocate(0);
	}

	/**
	 * Populates a fresh zeroed page unless fewer than {@code keepFree} pages would be left: what the
	 * guest's processes allocate leaves the kernel's drivers room to issue their I/O.
	 */
	synchronized @Nullable Pfn tryAllocate(int keepFree) {
		if (p2m.size() + keepFree >= maxPages) {
			return null;
		}
		Long pfn = freePfns.pollFirst();
		long p = pfn != null ? pfn : nextPfn++;
		p2m.put(p, machine.allocate());
		return Pfn.of(p);
	}

	/** Pages the guest may still populate. */
	synchronized long freePages() {
		return maxPages - p2m.size();
	}

	synchronized void free(Pfn pfn) {
		Mfn mfn = p2m.remove(pfn.value());
		if (mfn == null) {
			throw new IllegalArgumentException("pfn not populated: " + pfn);
		}
		machine.free(mfn);
		freePfns.addLast(pfn.value());
	}

	/** pfn_to_mfn. */
	synchronized Mfn mfn(Pfn pfn) {
		Mfn mfn = p2m.get(pfn.value());
		if (mfn == null) {
			throw new IllegalArgumentException("pfn not populated: " + pfn);
		}
		return mfn;
	}

	/** The page behind a pfn (a shared view of the machine frame). */
	ByteBuffer page(Pfn pfn) {
		return machine.page(mfn(pfn));
	}

	synchronized int populatedPages() {
		return p2m.size();
	}

	/** The P2M as it is now (for tests: the frames move on restore). */
	synchronized Map<Long, Mfn> p2m() {
		return Map.copyOf(p2m);
	}

	/** Releases every frame: the domain is gone. */
	synchronized void release() {
		release(machine::free);
	}

	/** Releases every frame through {@code free} (which may defer frames still mapped). */
	synchronized void release(java.util.function.Consumer<Mfn> free) {
		p2m.values().forEach(free);
		p2m.clear();
		freePfns.clear();
	}

	/**
	 * The populated pages and allocator state, in pfn order, captured for an image: the caller
	 * sizes its encoder with {@link Pages#size()} and writes with {@link Pages#writeTo}. The guest
	 * must not run in between (it is paused for a save).
	 */
	synchronized Pages capture() {
		int n = p2m.size();
		long[] pfns = new long[n];
		ByteBuffer[] pages = new ByteBuffer[n];
		int i = 0;
		int size = 12;
		for (Map.Entry<Long, Mfn> e : p2m.entrySet()) {
			ByteBuffer page = machine.page(e.getValue());
			pfns[i] = e.getKey();
			// a page that is all zeros (a buffer posted but never filled) is recorded as an empty
			// byte string, as a save stream may elide it; it comes back as a fresh, scrubbed frame
			pages[i] = MachineMemory.isZero(page) ? null : page;
			size += 8 + 4 + (pages[i] == null ? 0 : MachineMemory.PAGE_SIZE);
			i++;
		}
		return new Pages(nextPfn, pfns, pages, size);
	}

	/** Captured pages; a null page is a zero page. */
	record Pages(long nextPfn, long[] pfns, @Nullable ByteBuffer[] pages, int size) {

		void writeTo(CanonicalOutput out) {
			out.writeLong(nextPfn).writeInt(pfns.length);
			for (int i = 0; i < pfns.length; i++) {
				out.writeLong(pfns[i]);
				ByteBuffer page = pages[i];
				if (page == null) {
					out.writeInt(0);
				}
				else {
					out.writeBytes(page, 0, MachineMemory.PAGE_SIZE);
				}
			}
		}

	}

	/** A page record of a capture whose content equals the previous capture's: kept, not copied. */
	static final int UNCHANGED = -1;

	/**
	 * Writes the populated pages for continuous checkpointing and remembers their content: all of
	 * them, or (when {@code incremental} and there was a previous capture) only those changed since,
	 * the others recorded as {@link #UNCHANGED}. Writes the capture's token, the token of the capture
	 * it builds on (0: none, a full capture), the next pfn, the page count and the page records (pfn,
	 * then the page, an empty string for a zero page or {@link #UNCHANGED}). The guest is paused.
	 * @return how many pages' content was written
	 */
	synchronized int captureChanges(boolean incremental, CanonicalOutput out) {
		boolean delta = incremental && captured != null;
		long token;
		do {
			token = java.util.concurrent.ThreadLocalRandom.current().nextLong();
		}
		while (token == 0 || token == capturedToken);
		out.writeLong(token).writeLong(delta ? capturedToken : 0).writeLong(nextPfn).writeInt(p2m.size());
		Map<Long, byte[]> copies = new java.util.HashMap<>(p2m.size() * 2);
		int written = 0;
		for (Map.Entry<Long, Mfn> e : p2m.entrySet()) {
			ByteBuffer page = machine.page(e.getValue());
			byte[] before = captured == null ? null : captured.get(e.getKey());
			out.writeLong(e.getKey());
			if (delta && before != null && page.mismatch(ByteBuffer.wrap(before)) < 0) {
				out.writeInt(UNCHANGED);
			}
			else {
				before = before == null ? new byte[MachineMemory.PAGE_SIZE] : before;
				page.get(0, before);
				if (MachineMemory.isZero(page)) {
					out.writeInt(0);
				}
				else {
					out.writeBytes(before);
				}
				written++;
			}
			copies.put(e.getKey(), before);
		}
		captured = copies;
		capturedToken = token;
		return written;
	}

	/** Whether there is a capture to build an incremental one on. */
	synchronized boolean captured() {
		return captured != null;
	}

	/** Forgets the last capture: the next one is full (its checkpoint was not stored). */
	synchronized void forgetCapture() {
		captured = null;
		capturedToken = 0;
	}

	/** Rebuilds a guest's memory from an image onto newly allocated machine frames. */
	static GuestMemory readImage(MachineMemory machine, int memoryMiB, CanonicalInput in) {
		return readImage(machine, memoryMiB, in.readLong(), in);
	}

	/** {@link #readImage(MachineMemory, int, CanonicalInput)} once the next pfn has been read. */
	static GuestMemory readImage(MachineMemory machine, int memoryMiB, long next, CanonicalInput in) {
		GuestMemory m = new GuestMemory(machine, memoryMiB);
		// a page record takes at least 12 bytes (a zero page's pfn and empty string)
		int n = in.readCount(in.remaining() / 12);
		try {
			for (int i = 0; i < n; i++) {
				long pfn = in.readLong();
				if (pfn < 0 || pfn >= next || m.p2m.containsKey(pfn)) {
					throw new CanonicalInput.InvalidEncodingException("bad page record for pfn " + pfn);
				}
				Mfn mfn = machine.allocate();
				m.p2m.put(pfn, mfn);
				int length = in.readInt();
				if (length == MachineMemory.PAGE_SIZE) {
					in.readRaw(machine.page(mfn), 0, length);
				}
				else if (length != 0) {
					throw new CanonicalInput.InvalidEncodingException("page of " + length + " bytes for pfn " + pfn);
				}
			}
		}
		catch (RuntimeException e) {
			m.release();
			throw e;
		}
		m.nextPfn = next;
		for (long p = 0x100; p < next; p++) {
			if (!m.p2m.containsKey(p)) {
				m.freePfns.addLast(p);
			}
		}
		return m;
	}

}
