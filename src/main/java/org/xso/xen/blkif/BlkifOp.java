package org.xso.xen.blkif;

import org.xso.xen.ring.RingMemory;

/**
 * Request operation codes and request limits of {@code blkif.h}. Plain {@code int}
 * constants, because they are wire values a (possibly hostile) frontend may set to
 * anything.
 */
public final class BlkifOp {

	public static final int READ = 0;

	public static final int WRITE = 1;

	/** Gated by {@code feature-barrier}. */
	public static final int WRITE_BARRIER = 2;

	/** Gated by {@code feature-flush-cache}; may carry 0 segments. */
	public static final int FLUSH_DISKCACHE = 3;

	/** Reserved (SLES); never sent by a conforming frontend. */
	public static final int RESERVED_1 = 4;

	/** Gated by {@code feature-discard}; carries a {@link BlkifDiscardRequest}. */
	public static final int DISCARD = 5;

	/**
	 * Gated by {@code feature-max-indirect-segments}; carries a
	 * {@link BlkifIndirectRequest}.
	 */
	public static final int INDIRECT = 6;

	public static final int BLKIF_MAX_SEGMENTS_PER_REQUEST = 11;

	public static final int BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST = 8;

	/** Segment descriptors in one indirect page: 4096 / 8. */
	public static final int SEGMENTS_PER_INDIRECT_FRAME = 512;

	private BlkifOp() {
	}

	/**
	 * The operation byte of the request at {@code off}, common to every request shape, so
	 * a backend can pick the decoder: {@link BlkifDiscardRequest} for {@link #DISCARD},
	 * {@link BlkifIndirectRequest} for {@link #INDIRECT}, {@link BlkifRequest} otherwise.
	 */
	public static int peekOperation(RingMemory m, int off) {
		return m.getByte(off + BlkifLayout.REQ_OPERATION_OFFSET) & 0xFF;
	}

	/**
	 * The {@code id} of the request at {@code off}, at the same offset in every request
	 * shape, so a backend can answer a request it refuses to decode.
	 */
	public static long peekId(RingMemory m, int off) {
		return m.getLong(off + BlkifLayout.REQ_ID_OFFSET);
	}

	/** The C name of an operation, or {@code "op <n>"} for an unknown one. */
	public static String name(int op) {
		return switch (op) {
			case READ -> "BLKIF_OP_READ";
			case WRITE -> "BLKIF_OP_WRITE";
			case WRITE_BARRIER -> "BLKIF_OP_WRITE_BARRIER";
			case FLUSH_DISKCACHE -> "BLKIF_OP_FLUSH_DISKCACHE";
			case RESERVED_1 -> "BLKIF_OP_RESERVED_1";
			case DISCARD -> "BLKIF_OP_DISCARD";
			case INDIRECT -> "BLKIF_OP_INDIRECT";
			default -> "op " + op;
		};
	}

}
