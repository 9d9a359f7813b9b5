package org.xso.xen.ring;

import java.util.function.Function;

/**
 * Range checks for fixed-width wire fields held in Java {@code int}s, and the byte-array
 * bridge the ring entry records use for {@code toBytes}/{@code fromBytes}. Range failures
 * throw {@link IllegalArgumentException} naming the field and the rejected value.
 */
public final class WireFields {

	private WireFields() {
	}

	/** Checks an unsigned 8-bit field: 0..255. */
	public static int u8(String field, int value) {
		if ((value & ~0xFF) != 0) {
			throw new IllegalArgumentException(field + " must be 0..255: " + value);
		}
		return value;
	}

	/** Checks an unsigned 16-bit field: 0..65535. */
	public static int u16(String field, int value) {
		if ((value & ~0xFFFF) != 0) {
			throw new IllegalArgumentException(field + " must be 0..65535: " + value);
		}
		return value;
	}

	/** Checks a signed 16-bit field: -32768..32767. */
	public static int s16(String field, int value) {
		if (value != (short) value) {
			throw new IllegalArgumentException(field + " must be -32768..32767: " + value);
		}
		return value;
	}

	/**
	 * Encodes one entry at offset 0 of a scratch page and returns its {@code size} bytes.
	 */
	public static byte[] toBytes(int size, EntryWriter writer) {
		RingMemory scratch = RingMemory.allocate(1);
		writer.write(scratch, 0);
		byte[] bytes = new byte[size];
		scratch.getBytes(0, bytes, 0, size);
		return bytes;
	}

	/** Decodes one entry of exactly {@code size} bytes through a scratch page. */
	public static <T> T fromBytes(byte[] bytes, int size, Function<RingMemory, T> reader) {
		if (bytes.length != size) {
			throw new IllegalArgumentException("entry must be " + size + " bytes: " + bytes.length);
		}
		RingMemory scratch = RingMemory.allocate(1);
		scratch.putBytes(0, bytes, 0, size);
		return reader.apply(scratch);
	}

	/** Writes one entry into ring memory at a byte offset. */
	@FunctionalInterface
	public interface EntryWriter {

		void write(RingMemory memory, int off);

	}

}
