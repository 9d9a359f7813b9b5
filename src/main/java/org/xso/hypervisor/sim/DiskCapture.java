package org.xso.hypervisor.sim;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;

import org.jspecify.annotations.Nullable;

/**
 * The chunks of a file-backed disk captured for continuous checkpointing, copied out of the disk
 * while its guest is paused and written to a file after the guest runs again: every chunk that was
 * ever written (a full capture), or only those written or discarded since the disk's previous
 * capture (an incremental one, on top of its {@code parent}).
 *
 * <p>
 * A full capture is written in the snapshot format of {@link FileDisk#writeSnapshot}, so a restore
 * reads it like any snapshot. An incremental one is a file {@code <id>.vdelta}: the magic
 * {@value #DELTA_MAGIC_TEXT}, the disk's sectors (u64), the parent snapshot's id (a modified-UTF-8
 * string), the number of chunks (u32), per chunk its index (u64) and its 4 KiB, then the CRC-32C
 * of everything before it (u32). Immutable once made; written by one thread.
 */
record DiskCapture(long sectors, @Nullable String parent, long[] chunks, byte[] data) {

	static final long DELTA_MAGIC = 0x58534f56444c5431L; // "XSOVDLT1"

	private static final String DELTA_MAGIC_TEXT = "XSOVDLT1";

	boolean incremental() {
		return parent != null;
	}

	/** The bytes of disk content captured (the chunks only). */
	long bytes() {
		return data.length;
	}

	/** Writes the capture to {@code target} atomically (a temporary file, then a move). */
	void writeTo(Path target) throws IOException {
		Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
		try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
				StandardOpenOption.WRITE)) {
			ByteBuffer head;
			if (parent == null) {
				head = ByteBuffer.allocate(8 + 8 + 4).putLong(FileDisk.SNAPSHOT_MAGIC).putLong(sectors).putInt(chunks.length);
			}
			else {
				byte[] parentId = parent.getBytes(StandardCharsets.UTF_8);
				head = ByteBuffer.allocate(8 + 8 + 2 + parentId.length + 4)
					.putLong(DELTA_MAGIC)
					.putLong(sectors)
					.putShort((short) parentId.length)
					.put(parentId)
					.putInt(chunks.length);
			}
			CRC32C crc = new CRC32C();
			head.flip();
			crc.update(head.duplicate());
			write(out, head);
			ByteBuffer entry = ByteBuffer.allocate(8 + FileDisk.CHUNK_SIZE);
			for (int i = 0; i < chunks.length; i++) {
				entry.clear();
				entry.putLong(chunks[i]).put(data, i * FileDisk.CHUNK_SIZE, FileDisk.CHUNK_SIZE).flip();
				crc.update(entry.duplicate());
				write(out, entry);
			}
			if (parent != null) {
				write(out, ByteBuffer.allocate(4).putInt(0, (int) crc.getValue()));
			}
		}
		Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
	}

	private static void write(FileChannel out, ByteBuffer buf) throws IOException {
		while (buf.hasRemaining()) {
			out.write(buf);
		}
	}

	/** The parent named by an incremental capture's file. */
	static String parentOf(Path delta) throws IOException {
		try (DataInputStream in = new DataInputStream(Files.newInputStream(delta))) {
			if (in.readLong() != DELTA_MAGIC) {
				throw new IOException(delta.getFileName() + " is not an incremental disk capture");
			}
			in.readLong();
			return in.readUTF();
		}
	}

	/**
	 * Reads an incremental capture, checking its CRC-32C and its geometry against {@code sectors}
	 * before anything of it is used.
	 */
	static DiskCapture readDelta(Path delta, long sectors) throws IOException {
		CRC32C crc = new CRC32C();
		try (InputStream raw = new BufferedInputStream(Files.newInputStream(delta), 1 << 16);
				CheckedInputStream checked = new CheckedInputStream(raw, crc);
				DataInputStream in = new DataInputStream(checked)) {
			if (in.readLong() != DELTA_MAGIC) {
				throw new IOException(delta.getFileName() + " is not an incremental disk capture");
			}
			long s = in.readLong();
			String parent = in.readUTF();
			int n = in.readInt();
			long maxChunks = (s + FileDisk.SECTORS_PER_CHUNK - 1) / FileDisk.SECTORS_PER_CHUNK;
			if (s != sectors || n < 0 || n > maxChunks) {
				throw new IOException(delta.getFileName() + " holds " + n + " chunks of a disk of " + s
						+ " sectors, not one of " + sectors);
			}
			long[] chunks = new long[n];
			byte[] data = new byte[n * FileDisk.CHUNK_SIZE];
			for (int i = 0; i < n; i++) {
				chunks[i] = in.readLong();
				if (chunks[i] < 0 || chunks[i] >= maxChunks) {
					throw new IOException(delta.getFileName() + " has a chunk outside the disk: " + chunks[i]);
				}
				in.readFully(data, i * FileDisk.CHUNK_SIZE, FileDisk.CHUNK_SIZE);
			}
			int expected = (int) crc.getValue();
			int stored = raw.read() << 24 | raw.read() << 16 | raw.read() << 8 | raw.read();
			if (stored != expected || raw.read() != -1) {
				throw new IOException(delta.getFileName() + " fails its CRC-32C: the file was changed or cut short");
			}
			return new DiskCapture(s, parent, chunks, data);
		}
	}

}
