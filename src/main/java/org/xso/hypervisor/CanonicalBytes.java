package org.xso.hypervisor;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Consumer;

/** Helpers over {@link CanonicalOutput}: the bytes of a value and their SHA-256. */
public final class CanonicalBytes {

	private CanonicalBytes() {
	}

	public static byte[] of(Consumer<CanonicalOutput> writer) {
		CanonicalOutput out = new CanonicalOutput();
		writer.accept(out);
		return out.toByteArray();
	}

	/** Lower-case hex SHA-256 of the bytes. */
	public static String sha256(byte[] bytes) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException("every JRE has SHA-256", e);
		}
	}

}
