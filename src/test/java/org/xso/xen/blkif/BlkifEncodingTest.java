package org.xso.xen.blkif;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.xso.xen.XenAbiVectors;
import org.xso.xen.ring.RingMemory;
import org.xso.xen.ring.SringLayout;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Golden bytes: the records encode to exactly what the C structs hold, and decode back.
 */
class BlkifEncodingTest {

	@Test
	void requestEncodesToTheHeaderBytesAndDecodesBack() {
		JsonNode vector = XenAbiVectors.encoding("blkif_request");
		JsonNode f = vector.get("fields");
		List<BlkifSegment> segments = new ArrayList<>();
		for (JsonNode s : f.get("seg")) {
			segments.add(new BlkifSegment(s.get(0).asInt(), s.get(1).asInt(), s.get(2).asInt()));
		}
		BlkifRequest request = new BlkifRequest(f.get("operation").asInt(), f.get("nr_segments").asInt(),
				f.get("handle").asInt(), XenAbiVectors.u64(f.get("id")), XenAbiVectors.u64(f.get("sector_number")),
				segments);
		byte[] expected = XenAbiVectors.hex(vector.get("bytes"));

		assertThat(request.toBytes()).isEqualTo(expected);
		assertThat(BlkifRequest.fromBytes(expected)).isEqualTo(request);
	}

	@Test
	void responseEncodesToTheHeaderBytesAndDecodesBack() {
		JsonNode vector = XenAbiVectors.encoding("blkif_response");
		JsonNode f = vector.get("fields");
		BlkifResponse response = new BlkifResponse(XenAbiVectors.u64(f.get("id")), f.get("operation").asInt(),
				f.get("status").asInt());
		byte[] expected = XenAbiVectors.hex(vector.get("bytes"));

		assertThat(response.toBytes()).isEqualTo(expected);
		assertThat(BlkifResponse.fromBytes(expected)).isEqualTo(response);
	}

	@Test
	void requestOverwritesStaleBytesOfItsRingSlot() {
		RingMemory m = RingMemory.allocate(1);
		int off = SringLayout.entryOffset(31, BlkifLayout.RING_ENTRY_SIZE);
		m.putBytes(off, filled(BlkifLayout.REQUEST_SIZE, (byte) 0x5A), 0, BlkifLayout.REQUEST_SIZE);
		BlkifRequest request = BlkifRequest.of(BlkifOp.READ, 0xCA00, 1L, 2L, List.of(new BlkifSegment(9, 1, 2)));

		request.encode(m, off);

		byte[] slot = new byte[BlkifLayout.REQUEST_SIZE];
		m.getBytes(off, slot, 0, slot.length);
		assertThat(slot).isEqualTo(request.toBytes());
		assertThat(BlkifRequest.decode(m, off)).isEqualTo(request);
	}

	@Test
	void responseOverwritesThePadBytesOfTheRequestItAnswers() {
		RingMemory m = RingMemory.allocate(1);
		m.putBytes(64, filled(BlkifLayout.RESPONSE_SIZE, (byte) 0xEE), 0, BlkifLayout.RESPONSE_SIZE);
		new BlkifResponse(7L, BlkifOp.READ, BlkifStatus.EOPNOTSUPP).encode(m, 64);
		byte[] slot = new byte[BlkifLayout.RESPONSE_SIZE];
		m.getBytes(64, slot, 0, slot.length);
		assertThat(slot).isEqualTo(HexFormat.of().parseHex("07000000000000000000feff00000000"));
	}

	@Test
	void discardRequestPutsEachFieldAtItsOffset() {
		BlkifDiscardRequest discard = new BlkifDiscardRequest(BlkifLayout.BLKIF_DISCARD_SECURE, 0x0301,
				0x1122334455667788L, 0x0102030405060708L, 0x8000L);
		byte[] bytes = discard.toBytes();
		assertThat(bytes).isEqualTo(HexFormat.of()
			.parseHex("0501010300000000" + "8877665544332211" + "0807060504030201" + "0080000000000000"));
		assertThat(BlkifDiscardRequest.fromBytes(bytes)).isEqualTo(discard);
		assertThat(discard.secure()).isTrue();
	}

	@Test
	void indirectRequestPutsEachFieldAtItsOffset() {
		BlkifIndirectRequest indirect = new BlkifIndirectRequest(BlkifOp.WRITE, 513, 0x42L, 0x1000L, 0xCA00,
				List.of(0x11223344, 0x55667788));
		byte[] bytes = indirect.toBytes();
		assertThat(bytes).isEqualTo(HexFormat.of()
			.parseHex("0601010200000000" + "4200000000000000" + "0010000000000000" + "00ca0000" + "44332211"
					+ "88776655" + "00000000".repeat(6) + "00000000"));
		assertThat(BlkifIndirectRequest.fromBytes(bytes)).isEqualTo(indirect);
	}

	@Test
	void indirectRequestNeedsOneGrefPerStartedIndirectPage() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new BlkifIndirectRequest(BlkifOp.READ, 513, 1L, 0L, 0, List.of(1)))
			.withMessageContaining("needs 2 indirect grefs");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new BlkifIndirectRequest(BlkifOp.READ, 4097, 1L, 0L, 0, List.of(1, 2, 3, 4, 5, 6, 7, 8)))
			.withMessageEndingWith(": 4097");
	}

	@Test
	void indirectPageHolds512SegmentDescriptors() {
		ByteBuffer page = ByteBuffer.allocateDirect(4096); // big-endian view: must not
															// matter
		BlkifIndirectPage.writeSegment(page, 0, new BlkifSegment(0x01020304, 0, 7));
		BlkifIndirectPage.writeSegment(page, 511, new BlkifSegment(-1, 3, 4));
		assertThat(page.get(0)).isEqualTo((byte) 0x04);
		assertThat(page.get(5)).isEqualTo((byte) 7);
		assertThat(BlkifIndirectPage.readSegment(page, 511)).isEqualTo(new BlkifSegment(-1, 3, 4));
		assertThat(BlkifIndirectPage.readSegment(page, 0)).isEqualTo(new BlkifSegment(0x01020304, 0, 7));
		assertThat(BlkifIndirectPage.pageOfSegment(513)).isEqualTo(1);
		assertThat(BlkifIndirectPage.indexInPage(513)).isEqualTo(1);
	}

	@Test
	void peeksTheOperationAndIdOfEveryRequestShape() {
		RingMemory m = RingMemory.allocate(1);
		new BlkifDiscardRequest(0, 1, 77L, 0L, 8L).encode(m, 64);
		new BlkifIndirectRequest(BlkifOp.READ, 1, 78L, 0L, 1, List.of(5)).encode(m, 64 + 112);
		BlkifRequest.of(BlkifOp.FLUSH_DISKCACHE, 1, 79L, 0L, List.of()).encode(m, 64 + 224);
		assertThat(BlkifOp.peekOperation(m, 64)).isEqualTo(BlkifOp.DISCARD);
		assertThat(BlkifOp.peekOperation(m, 64 + 112)).isEqualTo(BlkifOp.INDIRECT);
		assertThat(BlkifOp.peekOperation(m, 64 + 224)).isEqualTo(BlkifOp.FLUSH_DISKCACHE);
		assertThat(List.of(BlkifOp.peekId(m, 64), BlkifOp.peekId(m, 176), BlkifOp.peekId(m, 288))).containsExactly(77L,
				78L, 79L);
	}

	@Test
	void refusesToDecodeMoreThanElevenDirectSegmentsButStillYieldsTheId() {
		RingMemory m = RingMemory.allocate(1);
		BlkifRequest.writeHeader(m, 64, BlkifOp.READ, 12, 0, 0xABCL, 0L);
		assertThatIllegalArgumentException().isThrownBy(() -> BlkifRequest.decode(m, 64))
			.withMessage("nr_segments must be 0..11: 12");
		assertThat(BlkifOp.peekId(m, 64)).isEqualTo(0xABCL);
	}

	@Test
	void rejectsSegmentsOutsideTheFrame() {
		assertThatIllegalArgumentException().isThrownBy(() -> new BlkifSegment(1, 3, 2))
			.withMessageContaining("first_sect=3 last_sect=2");
		assertThatIllegalArgumentException().isThrownBy(() -> new BlkifSegment(1, 0, 8))
			.withMessageContaining("last_sect=8");
	}

	@Test
	void rejectsANrSegmentsThatDisagreesWithTheSegments() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new BlkifRequest(BlkifOp.READ, 2, 0, 1L, 0L, List.of(new BlkifSegment(1, 0, 7))))
			.withMessageContaining("nr_segments=2 segments=1");
	}

	@Test
	void sendsDiscardAndIndirectToTheirOwnShapes() {
		assertThatIllegalArgumentException().isThrownBy(() -> BlkifRequest.of(BlkifOp.DISCARD, 0, 1L, 0L, List.of()))
			.withMessageContaining("BLKIF_OP_DISCARD");
	}

	@Test
	void rejectsOutOfRangeWireValues() {
		assertThatIllegalArgumentException().isThrownBy(() -> new BlkifResponse(1L, 0, 40_000))
			.withMessage("status must be -32768..32767: 40000");
		assertThatIllegalArgumentException().isThrownBy(() -> BlkifRequest.of(256, 0, 1L, 0L, List.of()))
			.withMessage("operation must be 0..255: 256");
		assertThatIllegalArgumentException().isThrownBy(() -> BlkifRequest.of(0, 65536, 1L, 0L, List.of()))
			.withMessage("handle must be 0..65535: 65536");
	}

	private static byte[] filled(int n, byte b) {
		byte[] bytes = new byte[n];
		Arrays.fill(bytes, b);
		return bytes;
	}

}
