package org.xso.xen.netif;

import org.junit.jupiter.api.Test;
import org.xso.xen.XenAbiVectors;
import org.xso.xen.ring.BackRing;
import org.xso.xen.ring.FrontRing;
import org.xso.xen.ring.RingMemory;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Golden bytes: the records encode to exactly what the C structs hold, and decode back.
 */
class NetifEncodingTest {

	@Test
	void txRequestMatchesTheHeaderBytes() {
		JsonNode v = XenAbiVectors.encoding("netif_tx_request");
		JsonNode f = v.get("fields");
		NetifTxRequest request = new NetifTxRequest(XenAbiVectors.u32(f.get("gref")), f.get("offset").asInt(),
				f.get("flags").asInt(), f.get("id").asInt(), f.get("size").asInt());
		byte[] expected = XenAbiVectors.hex(v.get("bytes"));

		assertThat(request.toBytes()).isEqualTo(expected);
		assertThat(NetifTxRequest.fromBytes(expected)).isEqualTo(request);
		assertThat(request.hasFlag(NetifFlags.NETTXF_MORE_DATA)).isTrue();
		assertThat(request.hasFlag(NetifFlags.NETTXF_DATA_VALIDATED)).isFalse();
	}

	@Test
	void txResponseMatchesTheHeaderBytes() {
		JsonNode v = XenAbiVectors.encoding("netif_tx_response");
		JsonNode f = v.get("fields");
		NetifTxResponse response = new NetifTxResponse(f.get("id").asInt(), f.get("status").asInt());
		byte[] expected = XenAbiVectors.hex(v.get("bytes"));

		assertThat(response.toBytes()).isEqualTo(expected);
		assertThat(NetifTxResponse.fromBytes(expected)).isEqualTo(response);
	}

	@Test
	void rxRequestMatchesTheHeaderBytes() {
		JsonNode v = XenAbiVectors.encoding("netif_rx_request");
		JsonNode f = v.get("fields");
		NetifRxRequest request = new NetifRxRequest(f.get("id").asInt(), XenAbiVectors.u32(f.get("gref")));
		byte[] expected = XenAbiVectors.hex(v.get("bytes"));

		assertThat(request.toBytes()).isEqualTo(expected);
		assertThat(NetifRxRequest.fromBytes(expected)).isEqualTo(request);
	}

	@Test
	void rxResponseMatchesTheHeaderBytes() {
		JsonNode v = XenAbiVectors.encoding("netif_rx_response");
		JsonNode f = v.get("fields");
		NetifRxResponse response = new NetifRxResponse(f.get("id").asInt(), f.get("offset").asInt(),
				f.get("flags").asInt(), f.get("status").asInt());
		byte[] expected = XenAbiVectors.hex(v.get("bytes"));

		assertThat(response.toBytes()).isEqualTo(expected);
		assertThat(NetifRxResponse.fromBytes(expected)).isEqualTo(response);
		assertThat(response.hasFlag(NetifFlags.NETRXF_DATA_VALIDATED)).isTrue();
	}

	@Test
	void decodesUnsignedSixteenBitFieldsWithoutSignExtension() {
		NetifTxRequest request = new NetifTxRequest(-1, 0xFFFF, 0x8000, 0xFFFF, 0xFFFF);
		assertThat(NetifTxRequest.fromBytes(request.toBytes())).isEqualTo(request);
		NetifRxResponse response = new NetifRxResponse(0xFFFF, 0, 0, NetifStatus.NETIF_RSP_DROPPED);
		assertThat(NetifRxResponse.fromBytes(response.toBytes()).status()).isEqualTo(-2);
	}

	@Test
	void rejectsOutOfRangeWireValues() {
		assertThatIllegalArgumentException().isThrownBy(() -> new NetifTxRequest(1, 0, 0, 65536, 60))
			.withMessage("id must be 0..65535: 65536");
		assertThatIllegalArgumentException().isThrownBy(() -> new NetifTxResponse(1, -40_000))
			.withMessage("status must be -32768..32767: -40000");
		assertThatIllegalArgumentException().isThrownBy(() -> NetifTxRequest.fromBytes(new byte[8]))
			.withMessage("entry must be 12 bytes: 8");
	}

	@Test
	void carriesTxRequestsAndResponsesThroughA256SlotRing() {
		RingMemory memory = RingMemory.allocate(1);
		FrontRing front = FrontRing.init(memory, NetifLayout.TX_ENTRY_SIZE);
		BackRing back = BackRing.init(memory, NetifLayout.TX_ENTRY_SIZE);
		for (int id = 0; id < 256; id++) {
			new NetifTxRequest(1000 + id, 0, 0, id, 60).encode(memory, front.requestSlotOffset());
			front.requestProduced();
		}
		assertThat(front.isFull()).isTrue();
		assertThat(front.pushRequestsAndCheckNotify()).isTrue();
		for (int id = 0; id < 256; id++) {
			assertThat(NetifTxRequest.decode(memory, back.requestSlotOffset()).id()).isEqualTo(id);
			back.requestConsumed();
			new NetifTxResponse(id, NetifStatus.NETIF_RSP_OKAY).encode(memory, back.responseSlotOffset());
			back.responseProduced();
		}
		assertThat(back.pushResponsesAndCheckNotify()).isTrue();
		assertThat(front.unconsumedResponses()).isEqualTo(256);
		assertThat(NetifTxResponse.decode(memory, front.responseSlotOffset())).isEqualTo(new NetifTxResponse(0, 0));
	}

}
