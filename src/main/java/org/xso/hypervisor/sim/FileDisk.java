package org.xso.hypervisor.sim;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A live disk kept in a file, as a host's storage keeps a guest's volume: a guest that dies with
 * the service (a {@code kill -9}) finds its disk as it was when its domain is created again.
 *
 * <p>
 * The file is sparse and grows with what is written, so its size follows the data, not the disk's
 * geometry (up to 2^40 sectors): a 4 KiB header, then groups of a 4 KiB index page (512 slots, each
 * the chunk index + 1 of the slot's chunk, 0 = free) followed by 512 chunk slots of 4 KiB (8
 * sectors). A chunk gets a slot the first time it is written; unwritten chunks read as zeros. The
 * file is memory-mapped in segments of {@value #GROUPS_PER_SEGMENT} groups: a write is a copy into
 * the page cache, so when blkback acknowledges a write the data is in the file for every process
 * that opens it next, without a system call on the I/O path. A new slot is zeroed and its index
 * entry written before its data, so a slot never holds another chunk's bytes.
 *
 * <p>
 * Durability: what is acknowledged survives the death of the service (the kernel owns the page
 * cache); it reaches the device at the kernel's write-back, or at once when the guest asks with
 * {@code BLKIF_OP_FLUSH_DISKCACHE} ({@link #flush()} is an {@code msync}), the contract a disk with
 * a volatile write cache gives a guest. A host crash (power loss) may lose writes that were not
 * flushed, as it would on a real host.
 *
 * <p>
 * Thread-safety: every method synchronizes on the disk; once {@link #close() closed} (the mappings
 * are released) every I/O fails instead of touching unmapped memory.
 */
final class FileDisk implements LiveDisk {

	static final int SECTOR_SIZE = VirtualDisk.SECTOR_SIZE;

	static final int CHUNK_SIZE = 4096;

	static final int SECTORS_PER_CHUNK = CHUNK_SIZE / SECTOR_SIZE;

	private static final int HEADER = 4096;

	private static final int SLOTS_PER_GROUP = 512;

	private static final long GROUP_BYTES = 4096 + (long) SLOTS_PER_GROUP * CHUNK_SIZE;

	static final int GROUPS_PER_SEGMENT = 8;

	private static final long SEGMENT_BYTES = GROUPS_PER_SEGMENT * GROUP_BYTES;

	private static final int SLOTS_PER_SEGMENT = GROUPS_PER_SEGMENT * SLOTS_PER_GROUP;

	/** Slot table page: chunk indexes per page of the in-memory table. */
	private static final int TABLE_PAGE = 512;

	private static final long MAGIC = 0x58534f4c49564531L; // "XSOLIVE1"

	/**
	 * A snapshot file: this magic, the disk's sectors (u64), the number of chunks (u32), then per
	 * chunk its index (u64) and its 4 KiB.
	 */
	static final long SNAPSHOT_MAGIC = 0x58534f5644534b31L; // "XSOVDSK1"

	/** The most of a snapshot {@link #writeSnapshot} holds in memory before it writes. */
	private static final int SNAPSHOT_BUFFER = 1 << 20;

	private static final byte[] ZERO_CHUNK = new byte[CHUNK_SIZE];

	/** Guarded by {@code this}: a parked disk's file is renamed. */
	private Path file;

	private final long sectors;

	private final FileChannel channel;

	private final List<MappedByteBuffer> segments = new ArrayList<>();

	/** chunk index / TABLE_PAGE to slot + 1 of each chunk of the page (0 = unwritten). */
	private final Map<Long, int[]> table = new HashMap<>();

	/** slot to chunk index, for a snapshot's sequential copy. */
	private long[] slotChunk = new long[64];

	private int slots;

	/**
	 * The slots written or discarded since the last {@link #capture}: what an incremental capture
	 * copies (the simulator's dirty-block tracking; a chunk keeps its slot for the disk's life).
	 */
	private final BitSet dirty = new BitSet();

	private boolean closed;

	private FileDisk(Path file, long sectors, FileChannel channel) {
		this.file = file;
		this.sectors = sectors;
		this.channel = channel;
	}

	/**
	 * Opens the disk in {@code file}, or creates it empty. A file of another geometry (a disk of
	 * another size was there) is replaced by an empty disk.
	 */
	static FileDisk open(Path file, long sectors) {
		if (sectors <= 0 || sectors > (1L << 40)) {
			throw new IllegalArgumentException("disk of " + sectors + " sectors");
		}
		try {
			Files.createDirectories(file.getParent());
			if (Files.exists(file)) {
				try {
					FileDisk existing = openExisting(file, sectors);
					if (existing != null) {
						return existing;
					}
				}
				catch (IOException e) {
					SimLog.warn("disks", file.getFileName() + " is unreadable (" + e.getMessage() + "): starting empty");
				}
				Files.delete(file);
			}
			FileDisk disk = new FileDisk(file, sectors, FileChannel.open(file, StandardOpenOption.CREATE_NEW,
					StandardOpenOption.READ, StandardOpenOption.WRITE));
			ByteBuffer header = ByteBuffer.allocate(HEADER);
			header.putLong(0, MAGIC).putLong(8, sectors);
			disk.channel.write(header, 0);
			return disk;
		}
		catch (IOException e) {
			throw new UncheckedIOException("cannot open the disk " + file, e);
		}
	}

	private static @Nullable FileDisk openExisting(Path file, long sectors) throws IOException {
		FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
		try {
			ByteBuffer header = ByteBuffer.allocate(16);
			if (channel.read(header, 0) != 16 || header.getLong(0) != MAGIC) {
				throw new IOException("not a live disk");
			}
			if (header.getLong(8) != sectors) {
				SimLog.warn("disks", file.getFileName() + " holds a disk of " + header.getLong(8) + " sectors, not "
						+ sectors + ": starting empty");
				channel.close();
				return null;
			}
			FileDisk disk = new FileDisk(file, sectors, channel);
			disk.load();
			return disk;
		}
		catch (IOException | RuntimeException e) {
			channel.close();
			throw e;
		}
	}

	/** Rebuilds the slot table from the index pages of every group the file holds. */
	private void load() throws IOException {
		long groups = Math.max(0, (channel.size() - HEADER + GROUP_BYTES - 1) / GROUP_BYTES);
		long chunks = chunks();
		int used = 0;
		for (long g = 0; g < groups; g++) {
			ByteBuffer index = segment((int) (g / GROUPS_PER_SEGMENT));
			int base = (int) ((g % GROUPS_PER_SEGMENT) * GROUP_BYTES);
			for (int i = 0; i < SLOTS_PER_GROUP; i++) {
				long entry = index.getLong(base + i * 8);
				if (entry == 0) {
					continue;
				}
				long chunk = entry - 1;
				int slot = (int) (g * SLOTS_PER_GROUP + i);
				if (chunk < 0 || chunk >= chunks || slotOf(chunk) != 0) {
					throw new IOException("slot " + slot + " names chunk " + chunk + " twice or outside the disk");
				}
				setSlot(chunk, slot);
				used = Math.max(used, slot + 1);
			}
		}
		// slots past the last indexed one were never handed out (an index entry precedes its data)
		slots = used;
	}

	private long chunks() {
		return (sectors + SECTORS_PER_CHUNK - 1) / SECTORS_PER_CHUNK;
	}

	@Override
	public long sectors() {
		return sectors;
	}

	synchronized Path file() {
		return file;
	}

	@Override
	public synchronized void read(long sector, int count, ByteBuffer dst, int dstOffset) {
		checkOpen();
		checkRange(sector, count);
		int done = 0;
		while (done < count) {
			long s = sector + done;
			long chunk = s / SECTORS_PER_CHUNK;
			int within = (int) (s % SECTORS_PER_CHUNK);
			int n = Math.min(count - done, SECTORS_PER_CHUNK - within);
			int slot = slotOf(chunk) - 1;
			int off = dstOffset + done * SECTOR_SIZE;
			if (slot < 0) {
				dst.put(off, ZERO_CHUNK, 0, n * SECTOR_SIZE);
			}
			else {
				dst.put(off, slotBuffer(slot), slotOffset(slot) + within * SECTOR_SIZE, n * SECTOR_SIZE);
			}
			done += n;
		}
	}

	@Override
	public synchronized void write(long sector, int count, ByteBuffer src, int srcOffset) {
		checkOpen();
		checkRange(sector, count);
		int done = 0;
		while (done < count) {
			long s = sector + done;
			long chunk = s / SECTORS_PER_CHUNK;
			int within = (int) (s % SECTORS_PER_CHUNK);
			int n = Math.min(count - done, SECTORS_PER_CHUNK - within);
			int slot = writableSlot(chunk);
			slotBuffer(slot).put(slotOffset(slot) + within * SECTOR_SIZE, src, srcOffset + done * SECTOR_SIZE,
					n * SECTOR_SIZE);
			dirty.set(slot);
			done += n;
		}
	}

	@Override
	public synchronized void discard(long sector, long count) {
		checkOpen();
		checkRange(sector, count);
		long done = 0;
		while (done < count) {
			long s = sector + done;
			long chunk = s / SECTORS_PER_CHUNK;
			int within = (int) (s % SECTORS_PER_CHUNK);
			int n = (int) Math.min(count - done, SECTORS_PER_CHUNK - within);
			int slot = slotOf(chunk) - 1;
			if (slot >= 0) {
				slotBuffer(slot).put(slotOffset(slot) + within * SECTOR_SIZE, ZERO_CHUNK, 0, n * SECTOR_SIZE);
				dirty.set(slot);
			}
			done += n;
		}
	}

	@Override
	public synchronized void flush() {
		checkOpen();
		segments.forEach(MappedByteBuffer::force);
	}

	/** Bytes of the chunks that have been written. */
	synchronized long allocatedBytes() {
		return (long) slots * CHUNK_SIZE;
	}

	/** The sectors of the disk a snapshot file holds. */
	static long snapshotSectors(Path snapshot) throws IOException {
		try (DataInputStream in = new DataInputStream(Files.newInputStream(snapshot))) {
			if (in.readLong() != SNAPSHOT_MAGIC) {
				throw new IOException(snapshot.getFileName() + " is not a virtual disk image");
			}
			long sectors = in.readLong();
			if (sectors <= 0 || sectors > (1L << 40)) {
				throw new IOException(snapshot.getFileName() + " has a corrupt header");
			}
			return sectors;
		}
	}

	/**
	 * Writes the disk as it is now to {@code target} in the {@link #SNAPSHOT_MAGIC snapshot format}
	 * (atomically: a temporary file, then a move).
	 */
	synchronized void writeSnapshot(Path target) throws IOException {
		checkOpen();
		Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
		try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
				StandardOpenOption.WRITE)) {
			// what the snapshot holds, up to 1 MiB at a time: a disk that holds little is not copied
			// through (and the JVM does not zero) a whole mebibyte on every save
			long size = 8L + 8 + 4 + (long) slots * (8 + CHUNK_SIZE);
			ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size, SNAPSHOT_BUFFER));
			buf.putLong(SNAPSHOT_MAGIC).putLong(sectors).putInt(slots);
			for (int slot = 0; slot < slots; slot++) {
				if (buf.remaining() < 8 + CHUNK_SIZE) {
					drain(out, buf);
				}
				buf.putLong(slotChunk[slot]);
				buf.put(buf.position(), slotBuffer(slot), slotOffset(slot), CHUNK_SIZE);
				buf.position(buf.position() + CHUNK_SIZE);
			}
			drain(out, buf);
		}
		Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
	}

	private static void drain(FileChannel out, ByteBuffer buf) throws IOException {
		buf.flip();
		while (buf.hasRemaining()) {
			out.write(buf);
		}
		buf.clear();
	}

	/**
	 * Fills this (empty) disk with a snapshot written by {@link #writeSnapshot} (or by an earlier
	 * release, which wrote the same format from memory).
	 */
	synchronized void copyFrom(Path snapshot) throws IOException {
		checkOpen();
		if (slots != 0) {
			throw new IllegalStateException("a snapshot is restored only into an empty disk");
		}
		try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(snapshot), 1 << 16))) {
			if (in.readLong() != SNAPSHOT_MAGIC) {
				throw new IOException(snapshot.getFileName() + " is not a virtual disk image");
			}
			long snapSectors = in.readLong();
			int n = in.readInt();
			if (snapSectors != sectors || n < 0 || n > chunks()) {
				throw new IOException(snapshot.getFileName() + " holds a disk of " + snapSectors + " sectors and "
						+ n + " chunks, not one of " + sectors + " sectors");
			}
			byte[] data = new byte[CHUNK_SIZE];
			for (int i = 0; i < n; i++) {
				long chunk = in.readLong();
				if (chunk < 0 || chunk >= chunks()) {
					throw new IOException(snapshot.getFileName() + " has a chunk outside the disk: " + chunk);
				}
				in.readFully(data);
				int slot = writableSlot(chunk);
				slotBuffer(slot).put(slotOffset(slot), data);
			}
		}
	}

	/**
	 * Copies the disk's chunks into memory for continuous checkpointing and starts tracking changes
	 * afresh: every written chunk ({@code parent} null), or only those written or discarded since the
	 * previous capture, on top of {@code parent} (that capture's snapshot id). A memory copy of what
	 * changed, taken while the guest is paused; the file is written after it runs again.
	 */
	synchronized DiskCapture capture(@Nullable String parent) {
		checkOpen();
		int n = parent == null ? slots : dirty.cardinality();
		long[] chunks = new long[n];
		byte[] data = new byte[n * CHUNK_SIZE];
		if (parent == null) {
			for (int slot = 0; slot < slots; slot++) {
				copySlot(slot, chunks, data, slot);
			}
		}
		else {
			int i = 0;
			for (int slot = dirty.nextSetBit(0); slot >= 0; slot = dirty.nextSetBit(slot + 1)) {
				copySlot(slot, chunks, data, i++);
			}
		}
		dirty.clear();
		return new DiskCapture(sectors, parent, chunks, data);
	}

	private void copySlot(int slot, long[] chunks, byte[] data, int at) {
		chunks[at] = slotChunk[slot];
		slotBuffer(slot).get(slotOffset(slot), data, at * CHUNK_SIZE, CHUNK_SIZE);
	}

	/** Writes an incremental capture's chunks over this disk (a restore applying a chain, oldest first). */
	synchronized void apply(DiskCapture delta) {
		checkOpen();
		if (delta.sectors() != sectors) {
			throw new IllegalArgumentException("a capture of a disk of " + delta.sectors() + " sectors, not " + sectors);
		}
		long[] chunks = delta.chunks();
		for (int i = 0; i < chunks.length; i++) {
			int slot = writableSlot(chunks[i]);
			slotBuffer(slot).put(slotOffset(slot), delta.data(), i * CHUNK_SIZE, CHUNK_SIZE);
		}
	}

	/** Renames the disk's file (the mapping stays: it follows the file, not its name). */
	synchronized void moveTo(Path target) throws IOException {
		checkOpen();
		Files.move(file, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		file = target;
	}

	/** Releases the mappings and the file handle; the file stays. */
	synchronized void close() {
		if (closed) {
			return;
		}
		closed = true;
		try {
			channel.close();
		}
		catch (IOException e) {
			SimLog.warn("disks", "closing " + file.getFileName() + ": " + e.getMessage());
		}
		segments.forEach(FileDisk::unmap);
		segments.clear();
	}

	/** Closes the disk and deletes its file. */
	synchronized void delete() {
		close();
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException e) {
			SimLog.warn("disks", "cannot delete " + file.getFileName() + ": " + e.getMessage());
		}
	}

	// ---- slots -----------------------------------------------------------------------------------

	private int slotOf(long chunk) {
		int[] page = table.get(chunk / TABLE_PAGE);
		return page == null ? 0 : page[(int) (chunk % TABLE_PAGE)];
	}

	private void setSlot(long chunk, int slot) {
		table.computeIfAbsent(chunk / TABLE_PAGE, k -> new int[TABLE_PAGE])[(int) (chunk % TABLE_PAGE)] = slot + 1;
		if (slot >= slotChunk.length) {
			slotChunk = Arrays.copyOf(slotChunk, Math.max(slot + 1, slotChunk.length * 2));
		}
		slotChunk[slot] = chunk;
	}

	/** The chunk's slot, handing out a new (zeroed, indexed) one on its first write. */
	private int writableSlot(long chunk) {
		int slot = slotOf(chunk) - 1;
		if (slot >= 0) {
			return slot;
		}
		slot = slots;
		MappedByteBuffer seg = segment(slot / SLOTS_PER_SEGMENT);
		int within = slot % SLOTS_PER_SEGMENT;
		int indexAt = (int) ((within / SLOTS_PER_GROUP) * GROUP_BYTES) + (within % SLOTS_PER_GROUP) * 8;
		// the index entry first: a slot past the last indexed one has never held data
		seg.putLong(indexAt, chunk + 1);
		seg.put(slotOffset(slot), ZERO_CHUNK);
		setSlot(chunk, slot);
		slots++;
		return slot;
	}

	private MappedByteBuffer slotBuffer(int slot) {
		return segments.get(slot / SLOTS_PER_SEGMENT);
	}

	/** The offset of a slot's data within its segment. */
	private static int slotOffset(int slot) {
		int within = slot % SLOTS_PER_SEGMENT;
		return (int) ((within / SLOTS_PER_GROUP) * GROUP_BYTES) + 4096 + (within % SLOTS_PER_GROUP) * CHUNK_SIZE;
	}

	/** Segment {@code n}, mapped (and the file extended, sparsely) on first use. */
	private MappedByteBuffer segment(int n) {
		while (segments.size() <= n) {
			long position = HEADER + segments.size() * SEGMENT_BYTES;
			try {
				segments.add(channel.map(FileChannel.MapMode.READ_WRITE, position, SEGMENT_BYTES));
			}
			catch (IOException e) {
				throw new UncheckedIOException("cannot map " + file.getFileName(), e);
			}
		}
		return segments.get(n);
	}

	private void checkOpen() {
		if (closed) {
			throw new IllegalStateException("disk " + file.getFileName() + " is closed");
		}
	}

	private void checkRange(long sector, long count) {
		if (sector < 0 || count < 0 || sector + count > sectors) {
			throw new IllegalArgumentException(
					"sectors " + sector + "+" + count + " outside the disk of " + sectors + " sectors");
		}
	}

	// ---- unmapping --------------------------------------------------------------------------------

	private static final @Nullable Object UNSAFE;

	private static final @Nullable Method INVOKE_CLEANER;

	static {
		Object unsafe = null;
		Method cleaner = null;
		try {
			Class<?> type = Class.forName("sun.misc.Unsafe");
			Field f = type.getDeclaredField("theUnsafe");
			f.setAccessible(true);
			unsafe = f.get(null);
			cleaner = type.getMethod("invokeCleaner", ByteBuffer.class);
		}
		catch (ReflectiveOperationException | RuntimeException e) {
			SimLog.debug("disks", "mappings are released by the garbage collector: " + e);
		}
		UNSAFE = unsafe;
		INVOKE_CLEANER = cleaner;
	}

	/**
	 * Unmaps at once (a deleted disk's space is then freed, and thousands of guests do not pile up
	 * mappings until a GC); the disk is closed first, so nothing reaches the buffer afterwards.
	 */
	private static void unmap(MappedByteBuffer buffer) {
		if (INVOKE_CLEANER == null) {
			return;
		}
		try {
			INVOKE_CLEANER.invoke(UNSAFE, buffer);
		}
		catch (ReflectiveOperationException | RuntimeException e) {
			SimLog.debug("disks", "mapping left to the garbage collector: " + e);
		}
	}

}
