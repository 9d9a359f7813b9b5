package org.xso.xen;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The conformance vectors generated from the real Xen headers ({@code xen-abi.json}). The
 * canonical file sits in the {@code shared/vectors} directory next to the project; a copy
 * on the test classpath keeps the tests runnable from a clean clone, and
 * {@code XenAbiVectorsTest} checks that the two are identical whenever the canonical file
 * is there.
 */
public final class XenAbiVectors {

	/**
	 * The canonical file, relative to the project base directory (Maven's working
	 * directory).
	 */
	public static final Path SHARED = Path.of("..", "shared", "vectors", "xen-abi.json");

	/** The copy on the test classpath. */
	public static final String RESOURCE = "/xen-abi.json";

	private static final JsonNode ROOT = load();

	private XenAbiVectors() {
	}

	public static JsonNode root() {
		return ROOT;
	}

	public static JsonNode get(String section) {
		JsonNode node = ROOT.get(section);
		if (node == null) {
			throw new IllegalStateException("xen-abi.json has no section '" + section + "'");
		}
		return node;
	}

	/**
	 * Bytes of the canonical file, or of the classpath copy when the canonical file is
	 * absent.
	 */
	public static byte[] rawBytes() {
		try {
			if (Files.isRegularFile(SHARED)) {
				return Files.readAllBytes(SHARED);
			}
			return resourceBytes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public static byte[] resourceBytes() throws IOException {
		try (InputStream in = XenAbiVectors.class.getResourceAsStream(RESOURCE)) {
			if (in == null) {
				throw new IllegalStateException("xen-abi.json not found: neither " + SHARED.toAbsolutePath().normalize()
						+ " nor the test resource " + RESOURCE + " exists");
			}
			return in.readAllBytes();
		}
	}

	/** The {@code encodings} entry of a struct type. */
	public static JsonNode encoding(String type) {
		for (JsonNode e : get("encodings")) {
			if (e.get("type").asString().equals(type)) {
				return e;
			}
		}
		throw new IllegalStateException("xen-abi.json has no encoding for " + type);
	}

	/**
	 * A hex string such as {@code "0x1122334455667788"} or a plain number, as an unsigned
	 * long.
	 */
	public static long u64(JsonNode node) {
		if (node.isString()) {
			String text = node.asString();
			return text.startsWith("0x") ? Long.parseUnsignedLong(text.substring(2), 16) : Long.parseUnsignedLong(text);
		}
		return node.asLong();
	}

	/**
	 * A number of up to 32 unsigned bits as the Java {@code int} holding the same bits.
	 */
	public static int u32(JsonNode node) {
		return (int) u64(node);
	}

	public static byte[] hex(JsonNode node) {
		return HexFormat.of().parseHex(node.asString());
	}

	private static JsonNode load() {
		return new ObjectMapper().readTree(rawBytes());
	}

}
