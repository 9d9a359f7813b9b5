package org.xso.hypervisor;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SortedMap;

/**
 * The canonical byte encoding of saved state: big-endian fixed-width integers, length-prefixed
 * UTF-8 strings and byte arrays, maps in key order. Equal values always encode to equal bytes, so
 * a SHA-256 over the encoding identifies the value.
 */
public final class CanonicalOutput {

	private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);

	private final DataOutputStream out = new DataOutputStream(bytes);

	public CanonicalOutput writeInt(int v) {
		try {
			out.writeInt(v);
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		return this;
	}

	public CanonicalOutput writeLong(long v) {
		try {
			out.writeLong(v);
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		return this;
	}

	public CanonicalOutput writeBoolean(boolean v) {
		return writeInt(v ? 1 : 0);
	}

	public CanonicalOutput writeBytes(byte[] v) {
		writeInt(v.length);
		try {
			out.write(v);
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
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

	public byte[] toByteArray() {
		return bytes.toByteArray();
	}

}
