package org.xso.xen.blkif;

import org.junit.jupiter.api.Test;
import org.xso.xen.XenAbiVectors;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Sizes, offsets, ring sizes and constants against the vectors from the Xen headers. */
class BlkifLayoutTest {

	private final JsonNode sizes = XenAbiVectors.get("sizes");

	private final JsonNode offsets = XenAbiVectors.get("offsets");

	private final JsonNode constants = XenAbiVectors.get("constants");

	@Test
	void structSizesMatchTheHeaders() {
		assertThat(BlkifLayout.REQUEST_SIZE).isEqualTo(this.sizes.get("blkif_request").asInt());
		assertThat(BlkifLayout.RESPONSE_SIZE).isEqualTo(this.sizes.get("blkif_response").asInt());
		assertThat(BlkifLayout.SEGMENT_SIZE).isEqualTo(this.sizes.get("blkif_request_segment").asInt());
		assertThat(BlkifLayout.DISCARD_SIZE).isEqualTo(this.sizes.get("blkif_request_discard").asInt());
		assertThat(BlkifLayout.INDIRECT_SIZE).isEqualTo(this.sizes.get("blkif_request_indirect").asInt());
		assertThat(BlkifLayout.RING_ENTRY_SIZE).isEqualTo(112);
	}

	@Test
	void requestOffsetsMatchTheHeaders() {
		JsonNode req = this.offsets.get("blkif_request");
		assertThat(BlkifLayout.REQ_OPERATION_OFFSET).isEqualTo(req.get("operation").asInt());
		assertThat(BlkifLayout.REQ_NR_SEGMENTS_OFFSET).isEqualTo(req.get("nr_segments").asInt());
		assertThat(BlkifLayout.REQ_HANDLE_OFFSET).isEqualTo(req.get("handle").asInt());
		assertThat(BlkifLayout.REQ_ID_OFFSET).isEqualTo(req.get("id").asInt());
		assertThat(BlkifLayout.REQ_SECTOR_NUMBER_OFFSET).isEqualTo(req.get("sector_number").asInt());
		assertThat(BlkifLayout.REQ_SEG_OFFSET).isEqualTo(req.get("seg").asInt());
		assertThat(BlkifLayout.segmentOffset(BlkifOp.BLKIF_MAX_SEGMENTS_PER_REQUEST))
			.isEqualTo(BlkifLayout.REQUEST_SIZE);
	}

	@Test
	void responseOffsetsMatchTheHeaders() {
		JsonNode rsp = this.offsets.get("blkif_response");
		assertThat(BlkifLayout.RSP_ID_OFFSET).isEqualTo(rsp.get("id").asInt());
		assertThat(BlkifLayout.RSP_OPERATION_OFFSET).isEqualTo(rsp.get("operation").asInt());
		assertThat(BlkifLayout.RSP_STATUS_OFFSET).isEqualTo(rsp.get("status").asInt());
	}

	@Test
	void indirectGrefsEndInsideTheIndirectRequest() {
		assertThat(BlkifLayout.indirectGrefOffset(BlkifOp.BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST))
			.isEqualTo(BlkifLayout.INDIRECT_PAD3_OFFSET)
			.isEqualTo(BlkifLayout.INDIRECT_SIZE - 4);
		assertThat(BlkifLayout.DISCARD_NR_SECTORS_OFFSET + 8).isEqualTo(BlkifLayout.DISCARD_SIZE);
	}

	@Test
	void ringSizesMatchTheHeadersForOneToSixteenPages() {
		JsonNode table = XenAbiVectors.get("ring_size").get("blkif");
		assertThat(table.propertyNames()).containsExactly("1", "2", "4", "8", "16");
		for (String pages : table.propertyNames()) {
			assertThat(BlkifLayout.ringSize(Integer.parseInt(pages))).as("%s pages", pages)
				.isEqualTo(table.get(pages).asInt());
		}
	}

	@Test
	void constantsMatchTheHeaders() {
		assertThat(BlkifOp.READ).isEqualTo(constant("BLKIF_OP_READ"));
		assertThat(BlkifOp.WRITE).isEqualTo(constant("BLKIF_OP_WRITE"));
		assertThat(BlkifOp.WRITE_BARRIER).isEqualTo(constant("BLKIF_OP_WRITE_BARRIER"));
		assertThat(BlkifOp.FLUSH_DISKCACHE).isEqualTo(constant("BLKIF_OP_FLUSH_DISKCACHE"));
		assertThat(BlkifOp.DISCARD).isEqualTo(constant("BLKIF_OP_DISCARD"));
		assertThat(BlkifOp.INDIRECT).isEqualTo(constant("BLKIF_OP_INDIRECT"));
		assertThat(BlkifOp.BLKIF_MAX_SEGMENTS_PER_REQUEST).isEqualTo(constant("BLKIF_MAX_SEGMENTS_PER_REQUEST"));
		assertThat(BlkifOp.BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST)
			.isEqualTo(constant("BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST"));
		assertThat(BlkifOp.SEGMENTS_PER_INDIRECT_FRAME).isEqualTo(4096 / BlkifLayout.SEGMENT_SIZE);
		assertThat(BlkifStatus.OKAY).isEqualTo(constant("BLKIF_RSP_OKAY"));
		assertThat(BlkifStatus.ERROR).isEqualTo(constant("BLKIF_RSP_ERROR"));
		assertThat(BlkifStatus.EOPNOTSUPP).isEqualTo(constant("BLKIF_RSP_EOPNOTSUPP"));
	}

	private int constant(String name) {
		JsonNode value = this.constants.get(name);
		assertThat(value).as(name).isNotNull();
		return value.asInt();
	}

}
