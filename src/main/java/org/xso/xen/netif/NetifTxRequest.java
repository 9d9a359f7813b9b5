package org.xso.xen.netif;

import org.xso.xen.ring.RingMemory;
import org.xso.xen.ring.WireFields;

import static org.xso.xen.netif.NetifLayout.TX_REQ_FLAGS_OFFSET;
import static org.xso.xen.netif.NetifLayout.TX_REQ_GREF_OFFSET;
import static org.xso.xen.netif.NetifLayout.TX_REQ_ID_OFFSET;
import static org.xso.xen.netif.NetifLayout.TX_REQ_OFFSET_OFFSET;
import static org.xso.xen.netif.NetifLayout.TX_REQ_SIZE_OFFSET;

/**
 * {@code struct netif_tx_request} (12 bytes): one fragment of a packet the frontend
 * transmits.
 *
 * @param gref grant of the page holding the fragment (u32)
 * @param offset offset of the fragment within the page (u16)
 * @param flags {@code NETTXF_*} bits of {@link NetifFlags} (u16)
 * @param id echoed in the response (u16)
 * @param size fragment size, or the whole packet size in the first slot of a packet (u16)
 */
public record NetifTxRequest(int gref, int offset, int flags, int id, int size) {

	public NetifTxRequest {
		WireFields.u16("offset", offset);
		WireFields.u16("flags", flags);
		WireFields.u16("id", id);
		WireFields.u16("size", size);
	}

	public void encode(RingMemory m, int off) {
		m.putInt(off + TX_REQ_GREF_OFFSET, this.gref);
		m.putShort(off + TX_REQ_OFFSET_OFFSET, (short) this.offset);
		m.putShort(off + TX_REQ_FLAGS_OFFSET, (short) this.flags);
		m.putShort(off + TX_REQ_ID_OFFSET, (short) this.id);
		m.putShort(off + TX_REQ_SIZE_OFFSET, (short) this.size);
	}

	public static NetifTxRequest decode(RingMemory m, int off) {
		return new NetifTxRequest(m.getInt(off + TX_REQ_GREF_OFFSET), m.getShort(off + TX_REQ_OFFSET_OFFSET) & 0xFFFF,
				m.getShort(off + TX_REQ_FLAGS_OFFSET) & 0xFFFF, m.getShort(off + TX_REQ_ID_OFFSET) & 0xFFFF,
				m.getShort(off + TX_REQ_SIZE_OFFSET) & 0xFFFF);
	}

	public boolean hasFlag(int flag) {
		return (this.flags & flag) != 0;
	}

	public byte[] toBytes() {
		return WireFields.toBytes(NetifLayout.TX_REQUEST_SIZE, this::encode);
	}

	public static NetifTxRequest fromBytes(byte[] bytes) {
		return WireFields.fromBytes(bytes, NetifLayout.TX_REQUEST_SIZE, m -> decode(m, 0));
	}

}
