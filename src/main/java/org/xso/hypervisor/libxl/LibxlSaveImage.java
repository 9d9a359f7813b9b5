package org.xso.hypervisor.libxl;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.HypervisorException.Reason;

/**
 * The memory image of a {@link org.xso.hypervisor.SavedDomain} saved by the libxl adapter: the
 * domain's libxl configuration (JSON, what {@code libxl_domain_create_restore} needs besides the
 * stream) and the save stream {@code libxl_domain_suspend} wrote, which holds the guest's memory
 * and with it its rings, grant table, shadow and driver state.
 *
 * <pre>
 *   0      8       12          16            16+n
 *   +------+-------+-----------+-------------+-----------------------+
 *   | magic| ver=1 | json len n| config JSON | libxl save stream ... |
 *   +------+-------+-----------+-------------+-----------------------+
 * </pre>
 *
 * Integers are big-endian; magic is "XSOLIBXL".
 */
record LibxlSaveImage(String configJson, byte[] stream) {

	private static final byte[] MAGIC = "XSOLIBXL".getBytes(StandardCharsets.US_ASCII);

	static final int VERSION = 1;

	private static final int HEADER_LENGTH = 16;

	/**
	 * The encoded image of a save stream still in its file, read straight into the result: a save
	 * image is the guest's whole memory, and a second copy of it on the heap is what ran a 384 MB
	 * heap out of memory on a real host with a 128 MB guest.
	 * @param deadlineNanos the {@link System#nanoTime()} by which the read must be done; past it,
	 * the read stops with {@link Reason#BACKEND_TIMEOUT}
	 */
	static byte[] encode(String configJson, java.nio.file.Path stream, long deadlineNanos) throws java.io.IOException {
		byte[] json = configJson.getBytes(StandardCharsets.UTF_8);
		try (java.nio.channels.FileChannel in = java.nio.channels.FileChannel.open(stream)) {
			long length = in.size();
			if (HEADER_LENGTH + json.length + length > Integer.MAX_VALUE - 16) {
				throw new HypervisorException(Reason.INTERNAL,
						"the save image " + stream + " (" + length + " bytes) is over the 2 GiB an image can have");
			}
			ByteBuffer out = ByteBuffer.allocate((int) (HEADER_LENGTH + json.length + length))
				.put(MAGIC)
				.putInt(VERSION)
				.putInt(json.length)
				.put(json);
			// 1 MiB at a time: a read into a heap buffer goes through a temporary direct buffer of
			// the same size, which the JDK keeps per thread (a whole image's worth of native memory
			// per operation thread, which got the JVM OOM-killed on a real host)
			while (out.hasRemaining()) {
				if (System.nanoTime() - deadlineNanos > 0) {
					throw new HypervisorException(Reason.BACKEND_TIMEOUT, "reading the save image " + stream
							+ " missed its deadline with " + out.remaining() + " bytes left");
				}
				out.limit(Math.min(out.capacity(), out.position() + (1 << 20)));
				if (in.read(out) < 0) {
					throw new java.io.EOFException("the save image " + stream + " shrank while it was read");
				}
				out.limit(out.capacity());
			}
			return out.array();
		}
	}

	static LibxlSaveImage decode(byte[] bytes) {
		ByteBuffer in = ByteBuffer.wrap(bytes);
		if (bytes.length < HEADER_LENGTH || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
			throw new HypervisorException(Reason.INVALID_IMAGE, "not a libxl adapter image (no XSOLIBXL header)");
		}
		in.position(MAGIC.length);
		int version = in.getInt();
		int n = in.getInt();
		if (version != VERSION || n < 0 || n > in.remaining()) {
			throw new HypervisorException(Reason.INVALID_IMAGE,
					"libxl adapter image version " + version + " with config length " + n + " is not readable");
		}
		byte[] json = new byte[n];
		in.get(json);
		byte[] stream = new byte[in.remaining()];
		in.get(stream);
		return new LibxlSaveImage(new String(json, StandardCharsets.UTF_8), stream);
	}

}
