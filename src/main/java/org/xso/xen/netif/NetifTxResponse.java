package org.xso.xen.netif;

import org.xso.xen.ring.RingMemory;
import org.xso.xen.ring.WireFields;

import static org.xso.xen.netif.NetifLayout.TX_RSP_ID_OFFSET;
import static org.xso.xen.netif.NetifLayout.TX_RSP_STATUS_OFFSET;

/**
 * {@code struct netif_tx_response} (4 bytes).
 *
 * @param id the request's id (u16)
 * @param status a {@link NetifStatus} code (s16)
 */
public record NetifTxResponse(int id, int status) {

	public NetifTxResponse {
		WireFields.u16("id", id);
		WireFields.s16("status", status);
	}

	public void encode(RingMemory m, int off) {
		m.putShort(off + TX_RSP_ID_OFFSET, (short) this.id);
		m.putShort(off + TX_RSP_STATUS_OFFSET, (short) this.status);
	}

	public static NetifTxResponse decode(RingMemory m, int off) {
		return new NetifTxResponse(m.getShort(off + TX_RSP_ID_OFFSET) & 0xFFFF, m.getShort(off + TX_RSP_STATUS_OFFSET));
	}

	public byte[] toBytes() {
		return WireFields.toBytes(NetifLayout.TX_RESPONSE_SIZE, this::encode);
	}

	public static NetifTxResponse fromBytes(byte[] bytes) {
		return WireFields.fromBytes(bytes, NetifLayout.TX_RESPONSE_SIZE, m -> decode(m, 0));
	}

}
