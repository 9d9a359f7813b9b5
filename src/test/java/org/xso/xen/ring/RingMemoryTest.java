package org.xso.xen.ring;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class RingMemoryTest {

	@Test
	void spansAllPagesContiguously() {
		RingMemory m = RingMemory.allocate(4);
		assertThat(m.pageCount()).isEqualTo(4);
		assertThat(m.length()).isEqualTo(4 * 4096);
		m.putInt(2 * 4096 + 12, 0xCAFEBABE);
		assertThat(m.page(2).getInt(12)).isEqualTo(0xCAFEBABE);
		assertThat(m.page(2).order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
	}

	@Test
	void storesLittleEndian() {
		RingMemory m = RingMemory.allocate(1);
		m.putLong(8, 0x1122334455667788L);
		m.putShort(16, (short) 0xABCD);
		assertThat(m.page(0).get(8)).isEqualTo((byte) 0x88);
		assertThat(m.page(0).get(15)).isEqualTo((byte) 0x11);
		assertThat(m.page(0).get(16)).isEqualTo((byte) 0xCD);
		assertThat(m.getLong(8)).isEqualTo(0x1122334455667788L);
	}

	@Test
	void sharesThePagesItWraps() {
		ByteBuffer page = ByteBuffer.allocateDirect(4096);
		RingMemory m = RingMemory.of(page);
		m.setIntRelease(SringLayout.REQ_PROD_OFFSET, 7);
		assertThat(page.order(ByteOrder.LITTLE_ENDIAN).getInt(0)).isEqualTo(7);
		page.putInt(4, 9);
		assertThat(m.getIntAcquire(SringLayout.REQ_EVENT_OFFSET)).isEqualTo(9);
	}

	@Test
	void copiesBytesAcrossPageBoundaries() {
		RingMemory m = RingMemory.allocate(2);
		byte[] src = new byte[100];
		for (int i = 0; i < src.length; i++) {
			src[i] = (byte) (i + 1);
		}
		m.putBytes(4096 - 40, src, 0, src.length);
		assertThat(m.getByte(4095)).isEqualTo((byte) 40);
		assertThat(m.getByte(4096)).isEqualTo((byte) 41);
		byte[] dst = new byte[104];
		m.getBytes(4096 - 40, dst, 2, 100);
		assertThat(dst).startsWith(0, 0, 1, 2, 3).endsWith(99, 100, 0, 0);
	}

	@Test
	void rejectsByteRangesOutsideTheRing() {
		RingMemory m = RingMemory.allocate(1);
		assertThatExceptionOfType(IndexOutOfBoundsException.class)
			.isThrownBy(() -> m.getBytes(4090, new byte[8], 0, 8));
	}

	@Test
	void zeroesEveryPage() {
		RingMemory m = RingMemory.allocate(2);
		m.putLong(0, -1L);
		m.putLong(8184, -1L);
		m.zero();
		assertThat(m.getLong(0)).isZero();
		assertThat(m.getLong(8184)).isZero();
	}

	@Test
	void rejectsHeapPages() {
		assertThatIllegalArgumentException().isThrownBy(() -> RingMemory.of(ByteBuffer.allocate(4096)))
			.withMessageContaining("direct");
	}

	@Test
	void rejectsPagesOfTheWrongSize() {
		assertThatIllegalArgumentException().isThrownBy(() -> RingMemory.of(ByteBuffer.allocateDirect(8192)))
			.withMessageContaining("8192");
	}

	@Test
	void rejectsMisalignedPage() {
		ByteBuffer backing = ByteBuffer.allocateDirect(4096 + 8);
		ByteBuffer misaligned = backing.position(4).slice().limit(4096);
		ByteBuffer exact = misaligned.slice();
		assertThatIllegalArgumentException().isThrownBy(() -> RingMemory.of(exact))
			.withMessageContaining("not 8-byte aligned");
	}

	@Test
	void rejectsPageCountsThatAreNotPowersOfTwo() {
		List<ByteBuffer> three = List.of(ByteBuffer.allocateDirect(4096), ByteBuffer.allocateDirect(4096),
				ByteBuffer.allocateDirect(4096));
		assertThatIllegalArgumentException().isThrownBy(() -> new RingMemory(three)).withMessageEndingWith("pages=3");
	}

	@Test
	void rejectsScalarAccessesStraddlingAPage() {
		assumeTrue(RingMemory.class.desiredAssertionStatus(), "needs -ea");
		RingMemory m = RingMemory.allocate(2);
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> m.getLong(4092))
			.withMessageContaining("straddles");
	}

}
