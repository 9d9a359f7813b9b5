package org.xso.hypervisor.sim;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A blkback's disk: {@code sectors} 512-byte sectors, sparse in memory (4 KiB chunks allocated on
 * first write; unwritten sectors read as zeros). A snapshot is a copy taken at a checkpoint, as a
 * storage layer (LVM, qcow2) would take one alongside the memory image, so a restore into a new
 * domain finds the disk as the checkpoint saw it.
 */
final class VirtualDisk {

	static final int SECTOR_SIZE = 512;

	private static final int SECTORS_PER_CHUNK = 8;

	private final long sectors;

	private final ConcurrentHashMap<Long, byte[]> chunks;

	private final AtomicLong reads = new AtomicLong();

	private final AtomicLong writes = new AtomicLong();

	VirtualDisk(long sectors) {
		this(sectors, new ConcurrentHashMap<>());
	}

	private VirtualDisk(long sectors, ConcurrentHashMap<Long, byte[]> chunks) {
		this.sectors = sectors;
		this.chunks = chunks;
	}

	long sectors() {
		return sectors;
	}

	boolean inRange(long sector, int count) {
		return sector >= 0 && count >= 0 && sector + count <= sectors;
	}

	/** Copies {@code count} sectors from the disk into {@code dst} at {@code dstOffset}. */
	void read(long sector, int count, ByteBuffer dst, int dstOffset) {
		checkRange(sector, count);
		for (int i = 0; i < count; i++) {
			long s = sector + i;
			byte[] chunk = chunks.get(s / SECTORS_PER_CHUNK);
			int off = dstOffset + i * SECTOR_SIZE;
			if (chunk == null) {
				dst.put(off, new byte[SECTOR_SIZE]);
			}
			else {
				synchronized (chunk) {
					dst.put(off, chunk, (int) (s % SECTORS_PER_CHUNK) * SECTOR_SIZE, SECTOR_SIZE);
				}
			}
		}
		reads.incrementAndGet();
	}

	/** Copies {@code count} sectors from {@code src} at {@code srcOffset} onto the disk. */
	void write(long sector, int count, ByteBuffer src, int srcOffset) {
		checkRange(sector, count);
		for (int i = 0; i < count; i++) {
			long s = sector + i;
			byte[] chunk = chunks.computeIfAbsent(s / SECTORS_PER_CHUNK,
					k -> new byte[SECTORS_PER_CHUNK * SECTOR_SIZE]);
			synchronized (chunk) {
				src.get(srcOffset + i * SECTOR_SIZE, chunk, (int) (s % SECTORS_PER_CHUNK) * SECTOR_SIZE,
						SECTOR_SIZE);
			}
		}
		writes.incrementAndGet();
	}

	/** BLKIF_OP_DISCARD: the range reads as zeros afterwards. */
	void discard(long sector, long count) {
		checkRange(sector, count);
		ByteBuffer zeros = ByteBuffer.allocate(SECTOR_SIZE);
		for (long s = sector; s < sector + count; s++) {
			if (chunks.containsKey(s / SECTORS_PER_CHUNK)) {
				write(s, 1, zeros, 0);
			}
		}
	}

	/** A point-in-time copy. */
	VirtualDisk snapshot() {
		ConcurrentHashMap<Long, byte[]> copy = new ConcurrentHashMap<>();
		chunks.forEach((k, v) -> {
			synchronized (v) {
				copy.put(k, Arrays.copyOf(v, v.length));
			}
		});
		return new VirtualDisk(sectors, copy);
	}

	long allocatedBytes() {
		return (long) chunks.size() * SECTORS_PER_CHUNK * SECTOR_SIZE;
	}

	long readsDone() {
		return reads.get();
	}

	long writesDone() {
		return writes.get();
	}

	private void checkRange(long sector, long count) {
		if (sector < 0 || count < 0 || sector + count > sectors) {
			throw new IllegalArgumentException(
					"sectors " + sector + "+" + count + " outside the disk of " + sectors + " sectors");
		}
	}

}
