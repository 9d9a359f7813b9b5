package org.xso.hypervisor;

import java.nio.ByteBuffer;
import java.nio.BufferUnderflowException;
import java.nio.charset.StandardCharsets;
import java.util.SortedMap;
import java.util.TreeMap;

/** Reads what {@link CanonicalOutput} wrote; any malformation is an {@link InvalidEncodingException}. */
public final class CanonicalInput {

	private final ByteBuffer in;

	public CanonicalInput(byte[] bytes) {
		this.in = ByteBuffer.wrap(bytes);
	}

	/** Reads {@code bytes} from its position to its limit (big-endian whatever its order). */
	public CanonicalInput(ByteBuffer bytes) {
		this.in = bytes.slice().order(java.nio.ByteOrder.BIG_ENDIAN);
	}

	public int readInt() {
		try {
			return in.getInt();
		}
		catch (BufferUnderflowException e) {
			throw new InvalidEncodingException("truncated at byte " + in.position());
		}
	}

	public long readLong() {
		try {
			return in.getLong();
		}
		catch (BufferUnderflowException e) {
			throw new InvalidEncodingException("truncated at byte " + in.position());
		}
	}

	public boolean readBoolean() {
		int v = readInt();
		if (v != 0 && v != 1) {
			throw new InvalidEncodingException("boolean must be 0 or 1: " + v);
		}
		return v == 1;
	}

	public byte[] readBytes() {
		int n = readInt();
		if (n < 0 || n > in.remaining()) {
			throw new InvalidEncodingException("byte string of " + n + " at byte " + (in.position() - 4) + " with "
					+ in.remaining() + " left");
		}
		byte[] b = new byte[n];
		in.get(b);
		return b;
	}

	/**
	 * Reads a byte string that must be exactly {@code length} bytes into {@code dst} at
	 * {@code offset} ({@code dst}'s position is unchanged), without an intermediate array.
	 */
	public void readBytes(ByteBuffer dst, int offset, int length) {
		int n = readInt();
		if (n != length || n > in.remaining()) {
			throw new InvalidEncodingException("byte string of " + n + " at byte " + (in.position() - 4) + " where "
					+ length + " are expected, with " + in.remaining() + " left");
		}
		dst.put(offset, in, in.position(), n);
		in.position(in.position() + n);
	}

	/** Reads {@code n} bytes with no length prefix into {@code dst} at {@code offset}. */
	public void readRaw(ByteBuffer dst, int offset, int n) {
		if (n < 0 || n > in.remaining()) {
			throw new InvalidEncodingException(n + " bytes at byte " + in.position() + " with " + in.remaining() + " left");
		}
		dst.put(offset, in, in.position(), n);
		in.position(in.position() + n);
	}

	public String readString() {
		return new String(readBytes(), StandardCharsets.UTF_8);
	}

	public SortedMap<String, String> readMap() {
		int n = readCount(in.remaining() / 8);
		SortedMap<String, String> m = new TreeMap<>();
		for (int i = 0; i < n; i++) {
			m.put(readString(), readString());
		}
		return m;
	}

	/** A count that cannot exceed {@code max} (what is left to read bounds it). */
	public int readCount(int max) {
		int n = readInt();
		if (n < 0 || n > max) {
			throw new InvalidEncodingException("count out of range at byte " + (in.position() - 4) + ": " + n);
		}
		return n;
	}

	public int remaining() {
		return in.remaining();
	}

	public void expectEnd() {
		if (in.hasRemaining()) {
			throw new InvalidEncodingException(in.remaining() + " trailing bytes");
		}
	}

	/** The bytes are not a valid encoding. */
	public static final class InvalidEncodingException extends RuntimeException {

		public InvalidEncodingException(String message) {
			super(message);
		}

	}

}
