package org.xso.xen.ring;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class FrontRingTest {

	private static final int ENTRY = 112;

	private final RingMemory memory = RingMemory.allocate(1);

	@Test
	void initialisesTheSharedHeaderLikeSharedRingInit() {
		for (int off = 0; off < SringLayout.HEADER_LENGTH; off += 8) {
			this.memory.putLong(off, -1L);
		}
		FrontRing front = FrontRing.init(this.memory, ENTRY);
		assertThat(front.reqProd()).isZero();
		assertThat(front.rspProd()).isZero();
		assertThat(front.reqEvent()).isEqualTo(1);
		assertThat(front.rspEvent()).isEqualTo(1);
		for (int off = SringLayout.PAD_OFFSET; off < SringLayout.HEADER_LENGTH; off++) {
			assertThat(this.memory.getByte(off)).as("pad byte %d", off).isZero();
		}
		assertThat(front.reqProdPvt()).isZero();
		assertThat(front.rspCons()).isZero();
		assertThat(front.size()).isEqualTo(32);
		assertThat(front.freeRequests()).isEqualTo(32);
	}

	@Test
	void attachesAtTheSharedProducerIndices() {
		this.memory.setIntRelease(SringLayout.REQ_PROD_OFFSET, 0xFFFF_FFFE);
		this.memory.setIntRelease(SringLayout.RSP_PROD_OFFSET, 0xFFFF_FFF0);
		FrontRing front = FrontRing.attach(this.memory, ENTRY);
		assertThat(front.reqProdPvt()).isEqualTo(0xFFFF_FFFE);
		assertThat(front.rspCons()).isEqualTo(0xFFFF_FFF0);
		assertThat(front.freeRequests()).isEqualTo(32 - 14);
	}

	@Test
	void refusesToProduceIntoAFullRing() {
		FrontRing front = FrontRing.attach(this.memory, ENTRY, 0xFFFF_FFF0);
		for (int i = 0; i < 32; i++) {
			front.requestSlotOffset();
			front.requestProduced();
		}
		assertThat(front.isFull()).isTrue();
		assertThat(front.reqProdPvt()).isEqualTo(0x10);
		assertThatIllegalStateException().isThrownBy(front::requestSlotOffset).withMessageContaining("ring full");
		assertThatIllegalStateException().isThrownBy(front::requestProduced).withMessageContaining("ring full");
	}

	@Test
	void wrapsPastTwoToThe32() {
		FrontRing front = FrontRing.attach(this.memory, ENTRY, -2);
		assertThat(front.requestSlotOffset()).isEqualTo(SringLayout.entryOffset(30, ENTRY));
		front.requestProduced();
		front.requestProduced();
		assertThat(front.reqProdPvt()).isZero();
		assertThat(front.requestSlotOffset()).isEqualTo(SringLayout.entryOffset(0, ENTRY));
		assertThat(front.freeRequests()).isEqualTo(30);
		assertThat(front.requestSlotOffset(-1)).isEqualTo(SringLayout.entryOffset(31, ENTRY));
	}

	@Test
	void notifiesWhenReqEventLiesInThePushedRange() {
		FrontRing front = FrontRing.attach(this.memory, ENTRY, 10);
		this.memory.setIntRelease(SringLayout.REQ_PROD_OFFSET, 10);
		this.memory.setIntRelease(SringLayout.REQ_EVENT_OFFSET, 13);
		produce(front, 2); // (10, 12]
		assertThat(front.pushRequestsAndCheckNotify()).isFalse();
		produce(front, 1); // (12, 13]
		assertThat(front.pushRequestsAndCheckNotify()).isTrue();
		assertThat(front.reqProd()).isEqualTo(13);
	}

	@Test
	void doesNotNotifyWhenTheEventIndexWasAlreadyPassed() {
		FrontRing front = FrontRing.attach(this.memory, ENTRY, 20);
		this.memory.setIntRelease(SringLayout.REQ_PROD_OFFSET, 20);
		this.memory.setIntRelease(SringLayout.REQ_EVENT_OFFSET, 20); // event == old: not
																		// in (old, new]
		produce(front, 3);
		assertThat(front.pushRequestsAndCheckNotify()).isFalse();
	}

	@Test
	void notifiesAcrossTheWrapOfTwoToThe32() {
		FrontRing front = FrontRing.attach(this.memory, ENTRY, -3);
		this.memory.setIntRelease(SringLayout.REQ_PROD_OFFSET, -3);
		this.memory.setIntRelease(SringLayout.REQ_EVENT_OFFSET, 1);
		produce(front, 4); // (0xFFFFFFFD, 1]
		assertThat(front.pushRequestsAndCheckNotify()).isTrue();
	}

	@Test
	void armsRspEventOnlyWhenNoResponseIsPending() {
		FrontRing front = FrontRing.attach(this.memory, ENTRY, 5);
		this.memory.setIntRelease(SringLayout.RSP_EVENT_OFFSET, 1);
		this.memory.setIntRelease(SringLayout.RSP_PROD_OFFSET, 6);
		assertThat(front.finalCheckForResponses()).isTrue();
		assertThat(front.rspEvent()).as("untouched while work is pending").isEqualTo(1);
		front.responseConsumed();
		assertThat(front.finalCheckForResponses()).isFalse();
		assertThat(front.rspEvent()).isEqualTo(7);
	}

	private static void produce(FrontRing front, int n) {
		for (int i = 0; i < n; i++) {
			front.memory().putLong(front.requestSlotOffset(), i);
			front.requestProduced();
		}
	}

}
