package org.xso.hypervisor.sim;

import java.nio.ByteBuffer;

/**
 * The disk blkback serves a vbd from: kept in memory ({@link VirtualDisk}) or in a file under the
 * simulator's data directory ({@link FileDisk}), as a real host's storage would keep it. Every
 * method is thread-safe; blkback calls them from its executor, a save from the caller's thread.
 */
interface LiveDisk {

	long sectors();

	default boolean inRange(long sector, int count) {
		return sector >= 0 && count >= 0 && sector + count <= sectors();
	}

	/** Copies {@code count} sectors from the disk into {@code dst} at {@code dstOffset}. */
	void read(long sector, int count, ByteBuffer dst, int dstOffset);

	/**
	 * Copies {@code count} sectors from {@code src} at {@code srcOffset} onto the disk. When it
	 * returns the data is where a read finds it and, for a file-backed disk, in the file.
	 */
	void write(long sector, int count, ByteBuffer src, int srcOffset);

	/** BLKIF_OP_DISCARD: the range reads as zeros afterwards. */
	void discard(long sector, long count);

	/** BLKIF_OP_FLUSH_DISKCACHE: what was written is on stable storage when it returns. */
	void flush();

}
