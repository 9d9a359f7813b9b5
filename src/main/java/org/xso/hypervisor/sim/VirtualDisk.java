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

	private static final long MAGIC = 0x58534f5644534b31L; // "XSOVDSK1"

	/** Writes the disk to {@code file} (atomically: a temporary file, then a move). */
	void writeTo(java.nio.file.Path file) throws java.io.IOException {
		java.nio.file.Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
		try (var out = new java.io.DataOutputStream(
				new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(tmp), 1 << 16))) {
			out.writeLong(MAGIC);
			out.writeLong(sectors);
			java.util.Map<Long, byte[]> copy = new java.util.TreeMap<>(chunks);
			out.writeInt(copy.size());
			for (java.util.Map.Entry<Long, byte[]> e : copy.entrySet()) {
				out.writeLong(e.getKey());
				synchronized (e.getValue()) {
					out.write(e.getValue());
				}
			}
		}
		java.nio.file.Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
				java.nio.file.StandardCopyOption.ATOMIC_MOVE);
	}

	/** Reads a disk written by {@link #writeTo}. */
	static VirtualDisk readFrom(java.nio.file.Path file) throws java.io.IOException {
		try (var in = new java.io.DataInputStream(
				new java.io.BufferedInputStream(java.nio.file.Files.newInputStream(file), 1 << 16))) {
			if (in.readLong() != MAGIC) {
				throw new java.io.IOException(file + " is not a virtual disk image");
			}
			long sectors = in.readLong();
			int n = in.readInt();
			if (sectors <= 0 || n < 0 || (long) n * SECTORS_PER_CHUNK > sectors + SECTORS_PER_CHUNK) {
				throw new java.io.IOException(file + " has a corrupt header");
			}
			ConcurrentHashMap<Long, byte[]> chunks = new ConcurrentHashMap<>();
			for (int i = 0; i < n; i++) {
				long index = in.readLong();
				byte[] chunk = new byte[SECTORS_PER_CHUNK * SECTOR_SIZE];
				in.readFully(chunk);
				chunks.put(index, chunk);
			}
			return new VirtualDisk(sectors, chunks);
		}
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
