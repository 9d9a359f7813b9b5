package org.xso.xen.netif;

import org.xso.xen.ring.RingMemory;
import org.xso.xen.ring.WireFields;

import static org.xso.xen.netif.NetifLayout.RX_REQ_GREF_OFFSET;
import static org.xso.xen.netif.NetifLayout.RX_REQ_ID_OFFSET;
import static org.xso.xen.netif.NetifLayout.RX_REQ_PAD_OFFSET;

/**
 * {@code struct netif_rx_request} (8 bytes): an empty granted page the backend may copy a
 * received packet into.
 *
 * @param id echoed in the response (u16)
 * @param gref grant of the empty page (u32)
 */
public record NetifRxRequest(int id, int gref) {

	public NetifRxRequest {
		WireFields.u16("id", id);
	}

	/** Writes all 8 bytes, pad included. */
	public void encode(RingMemory m, int off) {
		m.putShort(off + RX_REQ_ID_OFFSET, (short) this.id);
		m.putShort(off + RX_REQ_PAD_OFFSET, (short) 0);
		m.putInt(off + RX_REQ_GREF_OFFSET, this.gref);
	}

	public static NetifRxRequest decode(RingMemory m, int off) {
		return new NetifRxRequest(m.getShort(off + RX_REQ_ID_OFFSET) & 0xFFFF, m.getInt(off + RX_REQ_GREF_OFFSET));
	}

	public byte[] toBytes() {
		return WireFields.toBytes(NetifLayout.RX_REQUEST_SIZE, this::encode);
	}

	public static NetifRxRequest fromBytes(byte[] bytes) {
		return WireFields.fromBytes(bytes, NetifLayout.RX_REQUEST_SIZE, m -> decode(m, 0));
	}

}
