package org.xso.hypervisor.sim;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A blkback's disk kept in memory (a simulator without a data directory; with one, live disks are
 * {@link FileDisk}s): {@code sectors} 512-byte sectors, sparse (4 KiB chunks allocated on first
 * write; unwritten sectors read as zeros).
 *
 * <p>
 * A snapshot is taken at a checkpoint, as a storage layer (LVM thin, qcow2) takes one alongside
 * the memory image, so a restore into a new domain finds the disk as the checkpoint saw it. It is
 * copy-on-write: taking one copies only the table of chunk pages, and the live disk copies a page
 * or a chunk the first time it writes to it afterwards. Every chunk and page carries the epoch of
 * the writable disk that made it; a writable disk changes in place only what carries its own
 * epoch, and an epoch is never given to two disks, so a snapshot, and every disk restored from
 * it, see exactly the bytes they started with.
 *
 * <p>
 * Thread-safety: every method synchronizes on the disk (blkback calls it on its executor, a save
 * or a restore on the caller's thread); what a disk shares with its snapshots is never changed in
 * place, so each disk's own lock is enough.
 */
final class VirtualDisk implements LiveDisk {

	static final int SECTOR_SIZE = 512;

	private static final int SECTORS_PER_CHUNK = 8;

	private static final int CHUNK_SIZE = SECTORS_PER_CHUNK * SECTOR_SIZE;

	/** Chunks per page of the chunk table: a snapshot copies one reference per page. */
	private static final int CHUNKS_PER_PAGE = 512;

	private static final byte[] ZERO_SECTOR = new byte[SECTOR_SIZE];

	private static final AtomicInteger EPOCHS = new AtomicInteger();

	private record Chunk(int epoch, byte[] data) {
	}

	private record Page(int epoch, Chunk[] chunks) {
	}

	private final long sectors;

	/** Guarded by {@code this}, like every field below. */
	private final Page[] pages;

	/** The epoch this disk writes in; a frozen snapshot writes in none. */
	private int epoch;

	private final boolean frozen;

	private long chunkCount;

	VirtualDisk(long sectors) {
		this(sectors, new Page[pageCount(sectors)], 0, false);
	}

	private VirtualDisk(long sectors, Page[] pages, long chunkCount, boolean frozen) {
		this.sectors = sectors;
		this.pages = pages;
		this.chunkCount = chunkCount;
		this.frozen = frozen;
		this.epoch = frozen ? -1 : EPOCHS.incrementAndGet();
	}

	private static int pageCount(long sectors) {
		long chunks = (sectors + SECTORS_PER_CHUNK - 1) / SECTORS_PER_CHUNK;
		long pages = (chunks + CHUNKS_PER_PAGE - 1) / CHUNKS_PER_PAGE;
		if (pages > Integer.MAX_VALUE - 8) {
			throw new IllegalArgumentException("disk of " + sectors + " sectors is too large");
		}
		return (int) pages;
	}

	@Override
	public long sectors() {
		return sectors;
	}

	@Override
	public boolean inRange(long sector, int count) {
		return sector >= 0 && count >= 0 && sector + count <= sectors;
	}

	/** Copies {@code count} sectors from the disk into {@code dst} at {@code dstOffset}. */
	@Override
	public synchronized void read(long sector, int count, ByteBuffer dst, int dstOffset) {
		checkRange(sector, count);
		for (int i = 0; i < count; i++) {
			long s = sector + i;
			Chunk chunk = chunk(s / SECTORS_PER_CHUNK);
			int off = dstOffset + i * SECTOR_SIZE;
			if (chunk == null) {
				dst.put(off, ZERO_SECTOR);
			}
			else {
				dst.put(off, chunk.data(), (int) (s % SECTORS_PER_CHUNK) * SECTOR_SIZE, SECTOR_SIZE);
			}
		}
	}

	/** Copies {@code count} sectors from {@code src} at {@code srcOffset} onto the disk. */
	@Override
	public synchronized void write(long sector, int count, ByteBuffer src, int srcOffset) {
		checkRange(sector, count);
		if (frozen) {
			throw new IllegalStateException("a disk snapshot is read-only");
		}
		for (int i = 0; i < count; i++) {
			long s = sector + i;
			byte[] data = writableChunk(s / SECTORS_PER_CHUNK);
			src.get(srcOffset + i * SECTOR_SIZE, data, (int) (s % SECTORS_PER_CHUNK) * SECTOR_SIZE, SECTOR_SIZE);
		}
	}

	@Override
	public synchronized void discard(long sector, long count) {
		checkRange(sector, count);
		ByteBuffer zeros = ByteBuffer.wrap(ZERO_SECTOR);
		for (long s = sector; s < sector + count; s++) {
			if (chunk(s / SECTORS_PER_CHUNK) != null) {
				write(s, 1, zeros, 0);
			}
		}
	}

	/** Memory is the disk's only storage: there is no cache to write back. */
	@Override
	public void flush() {
	}

	/** A read-only point-in-time view; the live disk copies what it changes afterwards. */
	synchronized VirtualDisk snapshot() {
		VirtualDisk snap = new VirtualDisk(sectors, pages.clone(), chunkCount, true);
		if (!frozen) {
			// from now on every page and chunk this disk has is shared with the snapshot
			epoch = EPOCHS.incrementAndGet();
		}
		return snap;
	}

	/** A writable disk that starts as this one is now (a restore's live disk). */
	synchronized VirtualDisk writableCopy() {
		VirtualDisk copy = new VirtualDisk(sectors, pages.clone(), chunkCount, false);
		if (!frozen) {
			epoch = EPOCHS.incrementAndGet();
		}
		return copy;
	}

	private Chunk chunk(long index) {
		Page page = pages[(int) (index / CHUNKS_PER_PAGE)];
		return page == null ? null : page.chunks()[(int) (index % CHUNKS_PER_PAGE)];
	}

	private byte[] writableChunk(long index) {
		int p = (int) (index / CHUNKS_PER_PAGE);
		int c = (int) (index % CHUNKS_PER_PAGE);
		Page page = pages[p];
		if (page == null) {
			page = new Page(epoch, new Chunk[CHUNKS_PER_PAGE]);
			pages[p] = page;
		}
		else if (page.epoch() != epoch) {
			page = new Page(epoch, page.chunks().clone());
			pages[p] = page;
		}
		Chunk chunk = page.chunks()[c];
		if (chunk == null) {
			chunk = new Chunk(epoch, new byte[CHUNK_SIZE]);
			page.chunks()[c] = chunk;
			chunkCount++;
		}
		else if (chunk.epoch() != epoch) {
			chunk = new Chunk(epoch, chunk.data().clone());
			page.chunks()[c] = chunk;
		}
		return chunk.data();
	}

	/** Bytes held by chunks that have been written (a snapshot shares them with the live disk). */
	synchronized long allocatedBytes() {
		return chunkCount * CHUNK_SIZE;
	}

	private void checkRange(long sector, long count) {
		if (sector < 0 || count < 0 || sector + count > sectors) {
			throw new IllegalArgumentException(
					"sectors " + sector + "+" + count + " outside the disk of " + sectors + " sectors");
		}
	}

}
