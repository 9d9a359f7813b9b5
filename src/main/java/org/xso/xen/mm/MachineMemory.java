package org.xso.xen.mm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.xso.xen.Mfn;

/**
 * The host's machine frames: a pool of 4 KiB pages named by {@link Mfn}. Every page is a
 * little-endian direct {@link ByteBuffer} whose address is 8-byte aligned, so ring indices can be
 * accessed atomically through byte-buffer view VarHandles.
 *
 * <p>
 * Frame numbers are never reused while the pool lives: a freed frame's number stays dead, so a
 * stale reference (an old grant, an old P2M entry) can never silently alias a new page. Freed
 * buffers are recycled under fresh numbers.
 */
public final class MachineMemory {

	public static final int PAGE_SIZE = 4096;

	public static final int PAGE_SHIFT = 12;

	/** What a recycled frame is scrubbed with, in one bulk copy, and what a zero page compares with. */
	private static final ByteBuffer ZERO_PAGE = ByteBuffer.allocateDirect(PAGE_SIZE);

	private final ConcurrentHashMap<Long, ByteBuffer> frames = new ConcurrentHashMap<>();

	private final AtomicLong nextMfn;

	private final long maxFrames;

	private final Deque<ByteBuffer> recycled = new ArrayDeque<>();

	/**
	 * @param firstMfn the first frame number handed out (real hosts start well above 0)
	 * @param maxFrames how many frames may be allocated at once
	 */
	public MachineMemory(long firstMfn, long maxFrames) {
		if (maxFrames <= 0) {
			throw new IllegalArgumentException("maxFrames must be positive: " + maxFrames);
		}
		this.nextMfn = new AtomicLong(firstMfn);
		this.maxFrames = maxFrames;
	}

	/** Allocates a zeroed frame. */
	public Mfn allocate() {
		if (frames.size() >= maxFrames) {
			throw new OutOfFramesException(maxFrames);
		}
		ByteBuffer page;
		synchronized (recycled) {
			page = recycled.pollFirst();
		}
		if (page == null) {
			page = newPage();
		}
		else {
			zero(page);
		}
		Mfn mfn = Mfn.of(nextMfn.getAndIncrement());
		frames.put(mfn.value(), page);
		return mfn;
	}

	/** Frees a frame; its number is never handed out again. */
	public void free(Mfn mfn) {
		ByteBuffer page = frames.remove(mfn.value());
		if (page == null) {
			throw new IllegalArgumentException("mfn not allocated: " + mfn);
		}
		synchronized (recycled) {
			recycled.addFirst(page);
		}
	}

	/** Whether the frame is currently allocated. */
	public boolean isAllocated(Mfn mfn) {
		return frames.containsKey(mfn.value());
	}

	/**
	 * The frame's page, shared (not a copy): writes through it are what the peer that maps the
	 * same frame sees.
	 */
	public ByteBuffer page(Mfn mfn) {
		ByteBuffer page = frames.get(mfn.value());
		if (page == null) {
			throw new IllegalArgumentException("mfn not allocated: " + mfn);
		}
		return page.duplicate().order(ByteOrder.LITTLE_ENDIAN);
	}

	/** Frames in use. */
	public int allocatedFrames() {
		return frames.size();
	}

	private static ByteBuffer newPage() {
		ByteBuffer page = ByteBuffer.allocateDirect(PAGE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
		if (page.alignmentOffset(0, 8) != 0) {
			throw new IllegalStateException("direct page is not 8-byte aligned");
		}
		return page;
	}

	private static void zero(ByteBuffer page) {
		page.put(0, ZERO_PAGE, 0, PAGE_SIZE);
	}

	/** Whether the frame's page (as {@link #page} gives it) holds only zeros. */
	public static boolean isZero(ByteBuffer page) {
		return page.mismatch(ZERO_PAGE) < 0;
	}

	/** The pool is exhausted. */
	public static final class OutOfFramesException extends RuntimeException {

		OutOfFramesException(long max) {
			super("host frame pool exhausted: " + max + " frames in use");
		}

	}

}
