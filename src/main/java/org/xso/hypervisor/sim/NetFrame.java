package org.xso.hypervisor.sim;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.zip.CRC32;

/**
 * The Ethernet frames the simulated network carries, in network byte order: destination and
 * source MAC, an EtherType, then the net workload's payload, which names the packet for
 * accounting.
 *
 * <pre>
 *  0 dst MAC (6) | 6 src MAC (6) | 12 EtherType 0x88B5 (2)
 * 14 flow u64 | 22 seq u64 | 30 length u32 (whole frame) | 34 crc32 u32 | 38 pattern ...
 * </pre>
 *
 * The CRC covers the payload from offset 14 with the CRC field left out, so a bridge that rewrites
 * the MAC addresses (the echo endpoint swaps them) keeps the frame intact. Stateless: any thread,
 * on a page the caller owns.
 */
final class NetFrame {

	static final int ETH_HLEN = 14;

	/** IEEE 802 local experimental EtherType 1. */
	static final int ETHERTYPE = 0x88B5;

	static final int HEADER_LENGTH = 38;

	static final int MIN_LENGTH = 60;

	static final int MAX_LENGTH = 1514;

	static final long BROADCAST = 0xFFFF_FFFF_FFFFL;

	private static final int FLOW = 14;

	private static final int SEQ = 22;

	private static final int LENGTH = 30;

	private static final int CRC = 34;

	/** What a frame says about itself. */
	record Header(long dst, long src, int etherType, long flow, long seq, int length, boolean intact) {

		boolean ours() {
			return this.etherType == ETHERTYPE;
		}

	}

	private NetFrame() {
	}

	/** A workload packet's length, 60..1514, fixed by its sequence number. */
	static int lengthFor(long seq) {
		return MIN_LENGTH + (int) Math.floorMod(seq * 7919L, MAX_LENGTH - MIN_LENGTH + 1);
	}

	/** Writes a whole frame at {@code off} of {@code page}. */
	static void write(ByteBuffer page, int off, long dst, long src, long flow, long seq, int length) {
		if (length < HEADER_LENGTH || length > MAX_LENGTH) {
			throw new IllegalArgumentException(
					"frame length must be " + HEADER_LENGTH + ".." + MAX_LENGTH + ": " + length);
		}
		ByteBuffer b = be(page);
		putMac(b, off, dst);
		putMac(b, off + 6, src);
		b.putShort(off + 12, (short) ETHERTYPE);
		b.putLong(off + FLOW, flow);
		b.putLong(off + SEQ, seq);
		b.putInt(off + LENGTH, length);
		for (int i = HEADER_LENGTH; i < length; i++) {
			b.put(off + i, (byte) (seq * 31 + i));
		}
		b.putInt(off + CRC, crc(b, off, length));
	}

	/** Parses the frame of {@code length} bytes at {@code off}. */
	static Header read(ByteBuffer page, int off, int length) {
		ByteBuffer b = be(page);
		if (length < ETH_HLEN) {
			return new Header(0, 0, 0, 0, 0, length, false);
		}
		long dst = mac(b, off);
		long src = mac(b, off + 6);
		int type = b.getShort(off + 12) & 0xFFFF;
		if (type != ETHERTYPE || length < HEADER_LENGTH) {
			return new Header(dst, src, type, 0, 0, length, false);
		}
		int stated = b.getInt(off + LENGTH);
		boolean intact = stated == length && b.getInt(off + CRC) == crc(b, off, length);
		return new Header(dst, src, type, b.getLong(off + FLOW), b.getLong(off + SEQ), length, intact);
	}

	static long destination(ByteBuffer page) {
		return mac(be(page), 0);
	}

	static long source(ByteBuffer page) {
		return mac(be(page), 6);
	}

	/** Rewrites both MAC addresses of the frame at the start of {@code page}. */
	static void readdress(ByteBuffer page, long dst, long src) {
		ByteBuffer b = be(page);
		putMac(b, 0, dst);
		putMac(b, 6, src);
	}

	static long parseMac(String mac) {
		String[] octets = mac.split(":");
		if (octets.length != 6) {
			throw new IllegalArgumentException("not a MAC address: " + mac);
		}
		long v = 0;
		for (String o : octets) {
			v = v << 8 | Integer.parseInt(o, 16);
		}
		return v;
	}

	static String formatMac(long mac) {
		StringBuilder s = new StringBuilder(17);
		for (int shift = 40; shift >= 0; shift -= 8) {
			if (shift < 40) {
				s.append(':');
			}
			s.append(String.format(Locale.ROOT, "%02x", (mac >>> shift) & 0xFF));
		}
		return s.toString();
	}

	private static int crc(ByteBuffer b, int off, int length) {
		CRC32 crc = new CRC32();
		byte[] head = new byte[CRC - ETH_HLEN];
		b.get(off + ETH_HLEN, head);
		crc.update(head);
		byte[] rest = new byte[length - HEADER_LENGTH];
		b.get(off + HEADER_LENGTH, rest);
		crc.update(rest);
		return (int) crc.getValue();
	}

	private static ByteBuffer be(ByteBuffer page) {
		return page.duplicate().order(ByteOrder.BIG_ENDIAN);
	}

	private static long mac(ByteBuffer b, int off) {
		return (b.getShort(off) & 0xFFFFL) << 32 | (b.getInt(off + 2) & 0xFFFF_FFFFL);
	}

	private static void putMac(ByteBuffer b, int off, long mac) {
		b.putShort(off, (short) (mac >>> 32));
		b.putInt(off + 2, (int) mac);
	}

}
