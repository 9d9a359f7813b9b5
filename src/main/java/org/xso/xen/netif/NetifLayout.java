package org.xso.xen.netif;

import org.xso.xen.ring.SringLayout;

/**
 * Byte layout of the netif ring entries ({@code netif_tx_request},
 * {@code netif_tx_response}, {@code netif_rx_request}, {@code netif_rx_response},
 * {@code netif_extra_info}). Offsets are relative to the start of the entry; every field
 * is naturally aligned.
 *
 * <pre>
 * netif_tx_request (12 bytes)          netif_tx_response (4 bytes)
 *  0 gref u32                           0 id u16 | 2 status s16
 *  4 offset u16 | 6 flags u16
 *  8 id u16     | 10 size u16          netif_rx_request (8 bytes)
 *                                       0 id u16 | 2 pad u16 | 4 gref u32
 * netif_rx_response (8 bytes)
 *  0 id u16 | 2 offset u16 | 4 flags u16 | 6 status s16
 * </pre>
 *
 * The tx ring entry is the union of tx request and response ({@value #TX_ENTRY_SIZE}
 * bytes), the rx ring entry that of rx request and response ({@value #RX_ENTRY_SIZE}
 * bytes). One page holds 336 or 504 of them, rounded down to 256 slots for both rings.
 */
public final class NetifLayout {

	public static final int TX_REQUEST_SIZE = 12;

	public static final int TX_RESPONSE_SIZE = 4;

	public static final int RX_REQUEST_SIZE = 8;

	public static final int RX_RESPONSE_SIZE = 8;

	public static final int EXTRA_INFO_SIZE = 8;

	public static final int TX_ENTRY_SIZE = Math.max(TX_REQUEST_SIZE, TX_RESPONSE_SIZE);

	public static final int RX_ENTRY_SIZE = Math.max(RX_REQUEST_SIZE, RX_RESPONSE_SIZE);

	// netif_tx_request
	public static final int TX_REQ_GREF_OFFSET = 0;

	public static final int TX_REQ_OFFSET_OFFSET = 4;

	public static final int TX_REQ_FLAGS_OFFSET = 6;

	public static final int TX_REQ_ID_OFFSET = 8;

	public static final int TX_REQ_SIZE_OFFSET = 10;

	// netif_tx_response
	public static final int TX_RSP_ID_OFFSET = 0;

	public static final int TX_RSP_STATUS_OFFSET = 2;

	// netif_rx_request
	public static final int RX_REQ_ID_OFFSET = 0;

	public static final int RX_REQ_PAD_OFFSET = 2;

	public static final int RX_REQ_GREF_OFFSET = 4;

	// netif_rx_response
	public static final int RX_RSP_ID_OFFSET = 0;

	public static final int RX_RSP_OFFSET_OFFSET = 2;

	public static final int RX_RSP_FLAGS_OFFSET = 4;

	public static final int RX_RSP_STATUS_OFFSET = 6;

	/** {@code XEN_NETIF_NR_SLOTS_MIN}: slots a backend must accept for one packet. */
	public static final int XEN_NETIF_NR_SLOTS_MIN = 18;

	/** {@code XEN_NETIF_MAX_TX_SIZE}: largest packet size a tx request can state. */
	public static final int XEN_NETIF_MAX_TX_SIZE = 0xFFFF;

	private NetifLayout() {
	}

	/** Slots of a one-page tx ring: 256. */
	public static int txRingSize() {
		return SringLayout.ringSize(SringLayout.PAGE_SIZE, TX_ENTRY_SIZE);
	}

	/** Slots of a one-page rx ring: 256. */
	public static int rxRingSize() {
		return SringLayout.ringSize(SringLayout.PAGE_SIZE, RX_ENTRY_SIZE);
	}

}
