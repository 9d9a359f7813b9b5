package org.xso.hypervisor;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.SortedMap;

/**
 * The canonical byte encoding of saved state: big-endian fixed-width integers, length-prefixed
 * UTF-8 strings and byte arrays, maps in key order. Equal values always encode to equal bytes, so
 * a SHA-256 over the encoding identifies the value.
 *
 * <p>
 * Not thread-safe: one encoder builds one value. A guest image is mostly page bytes, so the buffer
 * can be sized up front ({@link #CanonicalOutput(int)}) and pages copied straight from their frames
 * ({@link #writeBytes(ByteBuffer, int, int)}).
 */
public final class CanonicalOutput {

	private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

	private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

	private byte[] buf;

	private int size;

	/** The buffer belongs to a caller of {@link #toByteArray()}: the next write copies it first. */
	private boolean handedOver;

	public CanonicalOutput() {
		this(256);
	}

	/** An encoder expecting about {@code expectedBytes}; it grows past them if needed. */
	public CanonicalOutput(int expectedBytes) {
		this.buf = new byte[Math.max(16, expectedBytes)];
	}

	public CanonicalOutput writeInt(int v) {
		ensure(4);
		INT.set(buf, size, v);
		size += 4;
		return this;
	}

	public CanonicalOutput writeLong(long v) {
		ensure(8);
		LONG.set(buf, size, v);
		size += 8;
		return this;
	}

	public CanonicalOutput writeBoolean(boolean v) {
		return writeInt(v ? 1 : 0);
	}

	public CanonicalOutput writeBytes(byte[] v) {
		writeInt(v.length);
		ensure(v.length);
		System.arraycopy(v, 0, buf, size, v.length);
		size += v.length;
		return this;
	}

	/**
	 * Writes {@code length} bytes of {@code src} from {@code offset} as a byte string, exactly as
	 * {@link #writeBytes(byte[])} would write a copy of them; {@code src}'s position is unchanged.
	 */
	public CanonicalOutput writeBytes(ByteBuffer src, int offset, int length) {
		writeInt(length);
		ensure(length);
		src.get(offset, buf, size, length);
		size += length;
		return this;
	}

	public CanonicalOutput writeString(String v) {
		return writeBytes(v.getBytes(StandardCharsets.UTF_8));
	}

	public CanonicalOutput writeMap(SortedMap<String, String> map) {
		writeInt(map.size());
		for (Map.Entry<String, String> e : map.entrySet()) {
			writeString(e.getKey());
			writeString(e.getValue());
		}
		return this;
	}

	/** Bytes written so far. */
	public int size() {
		return size;
	}

	/**
	 * The bytes written. When the buffer is exactly full (an encoder sized up front) it is handed
	 * over without a copy and the encoder starts a new one for any later write.
	 */
	public byte[] toByteArray() {
		if (size == buf.length && !handedOver) {
			handedOver = true;
			return buf;
		}
		return Arrays.copyOf(buf, size);
	}

	private void ensure(int more) {
		int needed = size + more;
		if (needed < 0) {
			throw new IllegalStateException("canonical encoding larger than 2 GiB");
		}
		if (needed > buf.length || handedOver) {
			buf = Arrays.copyOf(buf, Math.max(needed, needed > buf.length ? buf.length * 2 : buf.length));
			handedOver = false;
		}
	}

}
