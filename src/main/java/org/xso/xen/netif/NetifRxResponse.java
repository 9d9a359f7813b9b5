package org.xso.xen.netif;

import org.xso.xen.ring.RingMemory;
import org.xso.xen.ring.WireFields;

import static org.xso.xen.netif.NetifLayout.RX_RSP_FLAGS_OFFSET;
import static org.xso.xen.netif.NetifLayout.RX_RSP_ID_OFFSET;
import static org.xso.xen.netif.NetifLayout.RX_RSP_OFFSET_OFFSET;
import static org.xso.xen.netif.NetifLayout.RX_RSP_STATUS_OFFSET;

/**
 * {@code struct netif_rx_response} (8 bytes).
 *
 * @param id the request's id (u16)
 * @param offset offset of the data within the page (u16)
 * @param flags {@code NETRXF_*} bits of {@link NetifFlags} (u16)
 * @param status bytes received if positive, else a {@link NetifStatus} code (s16)
 */
public record NetifRxResponse(int id, int offset, int flags, int status) {

	public NetifRxResponse {
		WireFields.u16("id", id);
		WireFields.u16("offset", offset);
		WireFields.u16("flags", flags);
		WireFields.s16("status", status);
	}

	public void encode(RingMemory m, int off) {
		m.putShort(off + RX_RSP_ID_OFFSET, (short) this.id);
		m.putShort(off + RX_RSP_OFFSET_OFFSET, (short) this.offset);
		m.putShort(off + RX_RSP_FLAGS_OFFSET, (short) this.flags);
		m.putShort(off + RX_RSP_STATUS_OFFSET, (short) this.status);
	}

	public static NetifRxResponse decode(RingMemory m, int off) {
		return new NetifRxResponse(m.getShort(off + RX_RSP_ID_OFFSET) & 0xFFFF,
				m.getShort(off + RX_RSP_OFFSET_OFFSET) & 0xFFFF, m.getShort(off + RX_RSP_FLAGS_OFFSET) & 0xFFFF,
				m.getShort(off + RX_RSP_STATUS_OFFSET));
	}

	public boolean hasFlag(int flag) {
		return (this.flags & flag) != 0;
	}

	public byte[] toBytes() {
		return WireFields.toBytes(NetifLayout.RX_RESPONSE_SIZE, this::encode);
	}

	public static NetifRxResponse fromBytes(byte[] bytes) {
		return WireFields.fromBytes(bytes, NetifLayout.RX_RESPONSE_SIZE, m -> decode(m, 0));
	}

}
