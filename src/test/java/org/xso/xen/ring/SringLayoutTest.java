package org.xso.xen.ring;

import org.junit.jupiter.api.Test;
import org.xso.xen.XenAbiVectors;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SringLayoutTest {

	@Test
	void headerMatchesTheXenSringOffsets() {
		JsonNode sring = XenAbiVectors.get("offsets").get("sring");
		assertThat(SringLayout.REQ_PROD_OFFSET).isEqualTo(sring.get("req_prod").asInt());
		assertThat(SringLayout.REQ_EVENT_OFFSET).isEqualTo(sring.get("req_event").asInt());
		assertThat(SringLayout.RSP_PROD_OFFSET).isEqualTo(sring.get("rsp_prod").asInt());
		assertThat(SringLayout.RSP_EVENT_OFFSET).isEqualTo(sring.get("rsp_event").asInt());
		assertThat(SringLayout.HEADER_LENGTH).isEqualTo(sring.get("ring").asInt())
			.isEqualTo(XenAbiVectors.get("sizes").get("sring_header").asInt());
		assertThat(SringLayout.PAD_OFFSET + SringLayout.PAD_LENGTH).isEqualTo(SringLayout.HEADER_LENGTH);
	}

	@Test
	void roundsTheEntryCountDownToAPowerOfTwo() {
		assertThat(SringLayout.ringSize(4096, 112)).isEqualTo(32); // 36 fit
		assertThat(SringLayout.ringSize(4096, 12)).isEqualTo(256); // 336 fit
		assertThat(SringLayout.ringSize(4096, 8)).isEqualTo(256); // 504 fit
		assertThat(SringLayout.ringSize(65536, 112)).isEqualTo(512);
		assertThat(SringLayout.ringSize(4096, 4032)).isEqualTo(1);
	}

	@Test
	void rejectsARingWithoutRoomForOneEntry() {
		assertThatIllegalArgumentException().isThrownBy(() -> SringLayout.ringSize(4096, 4033))
			.withMessageContaining("4033");
		assertThatIllegalArgumentException().isThrownBy(() -> SringLayout.ringSize(4096, 0))
			.withMessageContaining("entrySize");
	}

	@Test
	void placesEntriesAfterTheHeader() {
		assertThat(SringLayout.entryOffset(0, 112)).isEqualTo(64);
		assertThat(SringLayout.entryOffset(31, 112)).isEqualTo(64 + 31 * 112);
	}

	@Test
	void acceptsPowerOfTwoPageCountsUpToSixteen() {
		for (int pages = 1; pages <= 16; pages <<= 1) {
			SringLayout.checkRingPages(pages);
		}
		assertThat(SringLayout.MAX_RING_PAGES).isEqualTo(1 << SringLayout.MAX_RING_PAGE_ORDER).isEqualTo(16);
	}

	@Test
	void rejectsOtherPageCounts() {
		for (int pages : new int[] { 0, 3, 6, 32, -1 }) {
			assertThatIllegalArgumentException().isThrownBy(() -> SringLayout.checkRingPages(pages))
				.withMessageEndingWith("pages=" + pages);
		}
	}

}
