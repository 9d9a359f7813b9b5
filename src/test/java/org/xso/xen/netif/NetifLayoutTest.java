package org.xso.xen.netif;

import org.junit.jupiter.api.Test;
import org.xso.xen.XenAbiVectors;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Sizes, offsets, ring sizes and constants against the vectors from the Xen headers. */
class NetifLayoutTest {

	private final JsonNode sizes = XenAbiVectors.get("sizes");

	private final JsonNode offsets = XenAbiVectors.get("offsets");

	private final JsonNode constants = XenAbiVectors.get("constants");

	@Test
	void structSizesMatchTheHeaders() {
		assertThat(NetifLayout.TX_REQUEST_SIZE).isEqualTo(this.sizes.get("netif_tx_request").asInt());
		assertThat(NetifLayout.TX_RESPONSE_SIZE).isEqualTo(this.sizes.get("netif_tx_response").asInt());
		assertThat(NetifLayout.RX_REQUEST_SIZE).isEqualTo(this.sizes.get("netif_rx_request").asInt());
		assertThat(NetifLayout.RX_RESPONSE_SIZE).isEqualTo(this.sizes.get("netif_rx_response").asInt());
		assertThat(NetifLayout.EXTRA_INFO_SIZE).isEqualTo(this.sizes.get("netif_extra_info").asInt());
		assertThat(NetifLayout.TX_ENTRY_SIZE).isEqualTo(12);
		assertThat(NetifLayout.RX_ENTRY_SIZE).isEqualTo(8);
	}

	@Test
	void txOffsetsMatchTheHeaders() {
		JsonNode req = this.offsets.get("netif_tx_request");
		assertThat(NetifLayout.TX_REQ_GREF_OFFSET).isEqualTo(req.get("gref").asInt());
		assertThat(NetifLayout.TX_REQ_OFFSET_OFFSET).isEqualTo(req.get("offset").asInt());
		assertThat(NetifLayout.TX_REQ_FLAGS_OFFSET).isEqualTo(req.get("flags").asInt());
		assertThat(NetifLayout.TX_REQ_ID_OFFSET).isEqualTo(req.get("id").asInt());
		assertThat(NetifLayout.TX_REQ_SIZE_OFFSET).isEqualTo(req.get("size").asInt());
		JsonNode rsp = this.offsets.get("netif_tx_response");
		assertThat(NetifLayout.TX_RSP_ID_OFFSET).isEqualTo(rsp.get("id").asInt());
		assertThat(NetifLayout.TX_RSP_STATUS_OFFSET).isEqualTo(rsp.get("status").asInt());
	}

	@Test
	void rxOffsetsMatchTheHeaders() {
		JsonNode req = this.offsets.get("netif_rx_request");
		assertThat(NetifLayout.RX_REQ_ID_OFFSET).isEqualTo(req.get("id").asInt());
		assertThat(NetifLayout.RX_REQ_GREF_OFFSET).isEqualTo(req.get("gref").asInt());
		JsonNode rsp = this.offsets.get("netif_rx_response");
		assertThat(NetifLayout.RX_RSP_ID_OFFSET).isEqualTo(rsp.get("id").asInt());
		assertThat(NetifLayout.RX_RSP_OFFSET_OFFSET).isEqualTo(rsp.get("offset").asInt());
		assertThat(NetifLayout.RX_RSP_FLAGS_OFFSET).isEqualTo(rsp.get("flags").asInt());
		assertThat(NetifLayout.RX_RSP_STATUS_OFFSET).isEqualTo(rsp.get("status").asInt());
	}

	@Test
	void bothRingsHold256SlotsInOnePage() {
		JsonNode table = XenAbiVectors.get("ring_size");
		assertThat(NetifLayout.txRingSize()).isEqualTo(table.get("netif_tx").get("1").asInt()).isEqualTo(256);
		assertThat(NetifLayout.rxRingSize()).isEqualTo(table.get("netif_rx").get("1").asInt()).isEqualTo(256);
	}

	@Test
	void constantsMatchTheHeaders() {
		assertThat(NetifStatus.NETIF_RSP_DROPPED).isEqualTo(constant("NETIF_RSP_DROPPED"));
		assertThat(NetifStatus.NETIF_RSP_ERROR).isEqualTo(constant("NETIF_RSP_ERROR"));
		assertThat(NetifStatus.NETIF_RSP_OKAY).isEqualTo(constant("NETIF_RSP_OKAY"));
		assertThat(NetifStatus.NETIF_RSP_NULL).isEqualTo(constant("NETIF_RSP_NULL"));
		assertThat(NetifFlags.NETTXF_CSUM_BLANK).isEqualTo(constant("NETTXF_csum_blank"));
		assertThat(NetifFlags.NETTXF_DATA_VALIDATED).isEqualTo(constant("NETTXF_data_validated"));
		assertThat(NetifFlags.NETTXF_MORE_DATA).isEqualTo(constant("NETTXF_more_data"));
		assertThat(NetifFlags.NETTXF_EXTRA_INFO).isEqualTo(constant("NETTXF_extra_info"));
	}

	private int constant(String name) {
		JsonNode value = this.constants.get(name);
		assertThat(value).as(name).isNotNull();
		return value.asInt();
	}

}
