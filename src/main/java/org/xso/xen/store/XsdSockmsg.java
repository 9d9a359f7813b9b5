package org.xso.xen.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The {@code struct xsd_sockmsg} header that precedes every xenstore message, little-endian:
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                         type (XS_*)                           |  0
 *  +---------------------------------------------------------------+
 *  |                  req_id (echoed in the reply)                 |  4
 *  +---------------------------------------------------------------+
 *  |                 tx_id (0 outside a transaction)               |  8
 *  +---------------------------------------------------------------+
 *  |              len (payload bytes that follow, <= 4096)         | 12
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * All four fields are {@code uint32_t}; they are held in {@code int}s with unsigned meaning.
 */
public record XsdSockmsg(int type, int reqId, int txId, int len) {

	public static final int TYPE_OFFSET = 0;

	public static final int REQ_ID_OFFSET = 4;

	public static final int TX_ID_OFFSET = 8;

	public static final int LEN_OFFSET = 12;

	/** {@code sizeof(struct xsd_sockmsg)}. */
	public static final int SIZE = 16;

	public XsdSockmsg {
		if (len < 0 || len > XsWire.XENSTORE_PAYLOAD_MAX) {
			throw new IllegalArgumentException(
					"len must be 0.." + XsWire.XENSTORE_PAYLOAD_MAX + ": " + Integer.toUnsignedString(len));
		}
	}

	/** Writes the header at {@code buffer}'s position, advancing it by {@link #SIZE}. */
	public void encode(ByteBuffer buffer) {
		ByteBuffer le = buffer.slice(buffer.position(), SIZE).order(ByteOrder.LITTLE_ENDIAN);
		le.putInt(TYPE_OFFSET, type).putInt(REQ_ID_OFFSET, reqId).putInt(TX_ID_OFFSET, txId).putInt(LEN_OFFSET, len);
		buffer.position(buffer.position() + SIZE);
	}

	public byte[] encode() {
		byte[] bytes = new byte[SIZE];
		encode(ByteBuffer.wrap(bytes));
		return bytes;
	}

	/**
	 * Reads a header at {@code buffer}'s position, advancing it by {@link #SIZE}.
	 * @throws IllegalArgumentException if {@code len} exceeds the payload maximum
	 */
	public static XsdSockmsg decode(ByteBuffer buffer) {
		if (buffer.remaining() < SIZE) {
			throw new IllegalArgumentException("xsd_sockmsg needs " + SIZE + " bytes: " + buffer.remaining());
		}
		ByteBuffer le = buffer.slice(buffer.position(), SIZE).order(ByteOrder.LITTLE_ENDIAN);
		XsdSockmsg msg = new XsdSockmsg(le.getInt(TYPE_OFFSET), le.getInt(REQ_ID_OFFSET), le.getInt(TX_ID_OFFSET),
				le.getInt(LEN_OFFSET));
		buffer.position(buffer.position() + SIZE);
		return msg;
	}

	public static XsdSockmsg decode(byte[] bytes) {
		return decode(ByteBuffer.wrap(bytes));
	}

}
