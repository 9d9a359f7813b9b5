package org.xso.xen.grant;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A decoded {@code grant_entry_v1_t}; see {@link GrantTableLayout} for the bytes. Encoding is always
 * little-endian, whatever the order of the buffer passed in.
 *
 * @param flags {@code GTF_*} bits, u16
 * @param domid the grantee, u16
 * @param frame the granted frame, u32
 */
public record GrantEntryV1(int flags, int domid, long frame) {

	public static final GrantEntryV1 INVALID = new GrantEntryV1(Gtf.GTF_invalid, 0, 0);

	public GrantEntryV1 {
		if (flags < 0 || flags > 0xFFFF) {
			throw new IllegalArgumentException("flags must be a u16: " + flags);
		}
		if (domid < 0 || domid > 0xFFFF) {
			throw new IllegalArgumentException("domid must be a u16: " + domid);
		}
		if (frame < 0 || frame > 0xFFFF_FFFFL) {
			throw new IllegalArgumentException("frame must be a u32: " + frame);
		}
	}

	/** The type bits ({@link Gtf#GTF_type_mask}). */
	public int type() {
		return Gtf.type(flags);
	}

	public boolean permitsAccess() {
		return type() == Gtf.GTF_permit_access;
	}

	public boolean isReadonly() {
		return (flags & Gtf.GTF_readonly) != 0;
	}

	/** Whether Xen has the frame mapped ({@code GTF_reading} or {@code GTF_writing}). */
	public boolean isInUse() {
		return Gtf.inUse(flags);
	}

	/** Writes the entry at byte offset {@code off} of {@code b} (plain writes). */
	public void encode(ByteBuffer b, int off) {
		GrantTableLayout.checkEntryBounds(b, off);
		ByteBuffer le = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
		le.putShort(GrantTableLayout.flagsOffset(off), (short) flags);
		le.putShort(GrantTableLayout.domidOffset(off), (short) domid);
		le.putInt(GrantTableLayout.frameOffset(off), (int) frame);
	}

	/** Reads the entry at byte offset {@code off} of {@code b} (plain reads). */
	public static GrantEntryV1 decode(ByteBuffer b, int off) {
		GrantTableLayout.checkEntryBounds(b, off);
		ByteBuffer le = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
		return new GrantEntryV1(Short.toUnsignedInt(le.getShort(GrantTableLayout.flagsOffset(off))),
				Short.toUnsignedInt(le.getShort(GrantTableLayout.domidOffset(off))),
				Integer.toUnsignedLong(le.getInt(GrantTableLayout.frameOffset(off))));
	}

	/** The 8 bytes of the entry. */
	public byte[] toBytes() {
		ByteBuffer b = ByteBuffer.allocate(GrantTableLayout.ENTRY_SIZE);
		encode(b, 0);
		return b.array();
	}

}
