package org.xso.xen.grant;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GrantEntryV1Tests {

	/** The {@code grant_entry_v1} encoding of the shared ABI vectors (xen-abi.json). */
	private static final GrantEntryV1 VECTOR = new GrantEntryV1(5, 0, 74565);

	private static final String VECTOR_BYTES = "0500000045230100";

	@Test
	void encodesTheAbiVectorBytes() {
		assertThat(HexFormat.of().formatHex(VECTOR.toBytes())).isEqualTo(VECTOR_BYTES);
	}

	@Test
	void decodesTheAbiVectorBytes() {
		ByteBuffer b = ByteBuffer.wrap(HexFormat.of().parseHex(VECTOR_BYTES));

		assertThat(GrantEntryV1.decode(b, 0)).isEqualTo(VECTOR);
		assertThat(VECTOR.permitsAccess()).isTrue();
		assertThat(VECTOR.isReadonly()).isTrue();
	}

	@Test
	void encodesLittleEndianAtAnOffsetWhateverTheBufferOrder() {
		ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.BIG_ENDIAN);
		GrantEntryV1 entry = new GrantEntryV1(0xFFFF, 0x7FF0, 0xFFFF_FFFFL);

		entry.encode(b, 16);

		assertThat(GrantEntryV1.decode(b, 16)).isEqualTo(entry);
		assertThat(b.get(16)).isEqualTo((byte) 0xFF);
		assertThat(b.get(18)).isEqualTo((byte) 0xF0);
		assertThat(b.get(8)).isZero();
	}

	@Test
	void matchesTheAbiSizeAndOffsets() {
		assertThat(GrantTableLayout.ENTRY_SIZE).isEqualTo(8);
		assertThat(GrantTableLayout.FLAGS_OFFSET).isZero();
		assertThat(GrantTableLayout.DOMID_OFFSET).isEqualTo(2);
		assertThat(GrantTableLayout.FRAME_OFFSET).isEqualTo(4);
		assertThat(GrantTableLayout.ENTRIES_PER_FRAME).isEqualTo(512);
		assertThat(GrantTableLayout.entryOffset(513)).isEqualTo(8);
		assertThat(GrantTableLayout.frameIndex(513)).isEqualTo(1);
	}

	@Test
	void rejectsFieldsWiderThanTheirAbiTypes() {
		assertThatIllegalArgumentException().isThrownBy(() -> new GrantEntryV1(0x10000, 0, 0));
		assertThatIllegalArgumentException().isThrownBy(() -> new GrantEntryV1(0, -1, 0));
		assertThatIllegalArgumentException().isThrownBy(() -> new GrantEntryV1(0, 0, 0x1_0000_0000L));
	}

	@Test
	void refusesToEncodePastTheEndOfTheBuffer() {
		assertThatThrownBy(() -> VECTOR.encode(ByteBuffer.allocate(12), 5))
			.isInstanceOf(IndexOutOfBoundsException.class);
	}

	@Test
	void namesStatusCodesLikeTheHeader() {
		assertThat(Gntst.name(Gntst.GNTST_okay)).isEqualTo("GNTST_okay");
		assertThat(Gntst.name(-3)).isEqualTo("GNTST_bad_gntref");
		assertThat(Gntst.name(-8)).isEqualTo("GNTST_permission_denied");
		assertThat(Gntst.name(-12)).isEqualTo("GNTST_eagain");
		assertThat(Gntst.name(-13)).isEqualTo("GNTST_unknown(-13)");
	}

	@Test
	void keepsTheHeaderFlagValues() {
		assertThat(Gtf.GTF_permit_access | Gtf.GTF_readonly).isEqualTo(5);
		assertThat(Gtf.GTF_reading).isEqualTo(8);
		assertThat(Gtf.GTF_writing).isEqualTo(16);
		assertThat(Gtf.type(Gtf.GTF_transitive | Gtf.GTF_writing)).isEqualTo(Gtf.GTF_transitive);
	}

}
