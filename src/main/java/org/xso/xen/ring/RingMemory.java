package org.xso.xen.ring;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The pages of one shared ring seen as a single contiguous little-endian region of
 * {@code pages * 4096} bytes. Offset {@code off} lives in page {@code off >>> 12} at
 * position {@code off & 4095}.
 *
 * <p>
 * This is the only class that orders accesses to shared ring memory. Payload (entry)
 * accesses are plain. The ordered accesses are {@link #getIntAcquire(int)},
 * {@link #setIntRelease(int, int)} and {@link #fullFence()}; they go through a
 * little-endian {@code byteBufferViewVarHandle}, which throws on a misaligned address, so
 * every page is checked for 8-byte alignment on construction. Callers ({@link FrontRing},
 * {@link BackRing}) comment each ordered access with the access it pairs with.
 *
 * <p>
 * The scalar accessors require the value not to straddle a page boundary. Every field of
 * the ring ABI is naturally aligned, so this always holds for them; it is checked with a
 * Java {@code assert} (enabled in tests). {@link #getBytes} and {@link #putBytes} may
 * cross pages.
 */
public final class RingMemory {

	private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

	private static final int PAGE_SIZE = SringLayout.PAGE_SIZE;

	private static final int PAGE_SHIFT = SringLayout.PAGE_SHIFT;

	private static final int PAGE_MASK = PAGE_SIZE - 1;

	private final ByteBuffer[] pages;

	private final int length;

	/**
	 * Wraps the pages, in ring order. The buffers are shared, not copied: writes through
	 * this object are what the peer mapping the same frames sees.
	 * @param pages 1 to 16 (a power of two) direct, writable, 8-byte aligned 4 KiB
	 * buffers
	 */
	public RingMemory(List<ByteBuffer> pages) {
		SringLayout.checkRingPages(pages.size());
		this.pages = new ByteBuffer[pages.size()];
		for (int i = 0; i < this.pages.length; i++) {
			this.pages[i] = checkPage(i, pages.get(i)).duplicate().order(ByteOrder.LITTLE_ENDIAN);
		}
		this.length = this.pages.length * PAGE_SIZE;
	}

	public static RingMemory of(ByteBuffer... pages) {
		return new RingMemory(List.of(pages));
	}

	/** A ring over freshly allocated, zeroed direct pages (tests and benchmarks). */
	public static RingMemory allocate(int pages) {
		SringLayout.checkRingPages(pages);
		List<ByteBuffer> list = new ArrayList<>(pages);
		for (int i = 0; i < pages; i++) {
			list.add(ByteBuffer.allocateDirect(PAGE_SIZE));
		}
		return new RingMemory(list);
	}

	private static ByteBuffer checkPage(int i, ByteBuffer page) {
		if (!page.isDirect() || page.isReadOnly()) {
			throw new IllegalArgumentException("ring page " + i + " must be a writable direct buffer: " + page);
		}
		if (page.capacity() != PAGE_SIZE) {
			throw new IllegalArgumentException(
					"ring page " + i + " must be " + PAGE_SIZE + " bytes: " + page.capacity());
		}
		if (page.alignmentOffset(0, 8) != 0) {
			throw new IllegalArgumentException(
					"ring page " + i + " is not 8-byte aligned: offset=" + page.alignmentOffset(0, 8));
		}
		return page;
	}

	/** Bytes in the ring: {@code pageCount() * 4096}. */
	public int length() {
		return this.length;
	}

	public int pageCount() {
		return this.pages.length;
	}

	/** Page {@code i} (shared content, own position), little-endian. */
	public ByteBuffer page(int i) {
		return this.pages[i].duplicate().order(ByteOrder.LITTLE_ENDIAN);
	}

	private ByteBuffer pageOf(int off, int size) {
		assert (off & PAGE_MASK) + size <= PAGE_SIZE : "access of " + size + " bytes at " + off + " straddles a page";
		return this.pages[off >>> PAGE_SHIFT];
	}

	// ---- plain accesses: entry payloads and fields only this side writes

	public byte getByte(int off) {
		return pageOf(off, 1).get(off & PAGE_MASK);
	}

	public void putByte(int off, byte v) {
		pageOf(off, 1).put(off & PAGE_MASK, v);
	}

	public short getShort(int off) {
		return pageOf(off, 2).getShort(off & PAGE_MASK);
	}

	public void putShort(int off, short v) {
		pageOf(off, 2).putShort(off & PAGE_MASK, v);
	}

	public int getInt(int off) {
		return pageOf(off, 4).getInt(off & PAGE_MASK);
	}

	public void putInt(int off, int v) {
		pageOf(off, 4).putInt(off & PAGE_MASK, v);
	}

	public long getLong(int off) {
		return pageOf(off, 8).getLong(off & PAGE_MASK);
	}

	public void putLong(int off, long v) {
		pageOf(off, 8).putLong(off & PAGE_MASK, v);
	}

	/** Copies {@code len} bytes out of the ring; the range may cross pages. */
	public void getBytes(int off, byte[] dst, int dstOff, int len) {
		checkRange(off, len);
		while (len > 0) {
			int chunk = Math.min(len, PAGE_SIZE - (off & PAGE_MASK));
			this.pages[off >>> PAGE_SHIFT].get(off & PAGE_MASK, dst, dstOff, chunk);
			off += chunk;
			dstOff += chunk;
			len -= chunk;
		}
	}

	/** Copies {@code len} bytes into the ring; the range may cross pages. */
	public void putBytes(int off, byte[] src, int srcOff, int len) {
		checkRange(off, len);
		while (len > 0) {
			int chunk = Math.min(len, PAGE_SIZE - (off & PAGE_MASK));
			this.pages[off >>> PAGE_SHIFT].put(off & PAGE_MASK, src, srcOff, chunk);
			off += chunk;
			srcOff += chunk;
			len -= chunk;
		}
	}

	private void checkRange(int off, int len) {
		if (off < 0 || len < 0 || off > this.length - len) {
			throw new IndexOutOfBoundsException("range " + off + "+" + len + " outside ring of " + this.length);
		}
	}

	/** Zeroes every byte of every page (plain writes: only before the ring is shared). */
	public void zero() {
		for (ByteBuffer page : this.pages) {
			for (int i = 0; i < PAGE_SIZE; i += Long.BYTES) {
				page.putLong(i, 0L);
			}
		}
	}

	// ---- ordered accesses: the shared ring indices

	/**
	 * Reads a u32 index the peer publishes. Acquire: later reads of entries it covers
	 * cannot move before it. Pairs with the peer's {@link #setIntRelease(int, int)} of
	 * the same field.
	 */
	public int getIntAcquire(int off) {
		return (int) INT.getAcquire(pageOf(off, 4), off & PAGE_MASK);
	}

	/**
	 * Publishes a u32 index. Release: every earlier write (the entries it covers) is
	 * visible before it ({@code xen_wmb()} followed by the store). Pairs with the peer's
	 * {@link #getIntAcquire(int)} of the same field.
	 */
	public void setIntRelease(int off, int v) {
		INT.setRelease(pageOf(off, 4), off & PAGE_MASK, v);
	}

	/**
	 * {@code xen_mb()}: no earlier load or store moves past it. Separates publishing an
	 * index from reading the peer's event index, so a producer and a consumer that both
	 * store then load can never both miss each other's store.
	 */
	public static void fullFence() {
		VarHandle.fullFence();
	}

}
