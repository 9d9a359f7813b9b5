package org.xso.xen.ring;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class BackRingTest {

	private static final int ENTRY = 112;

	private final RingMemory memory = RingMemory.allocate(1);

	@Test
	void initialisesItsPrivateIndicesToZeroWithoutTouchingTheHeader() {
		this.memory.setIntRelease(SringLayout.REQ_EVENT_OFFSET, 77);
		BackRing back = BackRing.init(this.memory, ENTRY);
		assertThat(back.reqCons()).isZero();
		assertThat(back.rspProdPvt()).isZero();
		assertThat(back.reqEvent()).isEqualTo(77);
	}

	@Test
	void attachesAtRspProdSoUnansweredRequestsAreConsumedAgain() {
		this.memory.setIntRelease(SringLayout.REQ_PROD_OFFSET, 12);
		this.memory.setIntRelease(SringLayout.RSP_PROD_OFFSET, 9);
		BackRing back = BackRing.attach(this.memory, ENTRY);
		assertThat(back.reqCons()).isEqualTo(9);
		assertThat(back.rspProdPvt()).isEqualTo(9);
		assertThat(back.unconsumedRequests()).isEqualTo(3);
	}

	@Test
	void boundsUnconsumedRequestsByTheRingWhateverReqProdSays() {
		BackRing back = BackRing.attach(this.memory, ENTRY, 0xFFFF_FFF0);
		this.memory.setIntRelease(SringLayout.REQ_PROD_OFFSET, 0x7000_0000); // a lying
																				// frontend
		assertThat(back.unconsumedRequests()).isEqualTo(32);
		assertThat(back.requestProdOverflow()).isTrue();
		for (int i = 0; i < 32; i++) {
			back.requestConsumed();
		}
		assertThat(back.unconsumedRequests()).isZero();
		assertThat(back.requestConsOverflow()).isTrue();
		assertThatIllegalStateException().isThrownBy(back::requestConsumed).withMessageContaining("overflow");
	}

	@Test
	void detectsReqProdMoreThanARingAhead() {
		BackRing back = BackRing.attach(this.memory, ENTRY, -4);
		assertThat(back.requestProdOverflow(28)).isFalse(); // exactly 32 ahead, across
															// 2^32
		assertThat(back.requestProdOverflow(29)).isTrue();
		assertThat(back.requestProdOverflow(-5)).as("behind is a huge unsigned distance").isTrue();
	}

	@Test
	void refusesAResponseWithoutAConsumedRequest() {
		BackRing back = BackRing.attach(this.memory, ENTRY, 3);
		assertThatIllegalStateException().isThrownBy(back::responseProduced)
			.withMessageContaining("no consumed request");
	}

	@Test
	void respondsInTheSlotOfTheRequestItAnswers() {
		this.memory.setIntRelease(SringLayout.REQ_PROD_OFFSET, 1);
		BackRing back = BackRing.attach(this.memory, ENTRY, -1);
		int requestSlot = back.requestSlotOffset();
		back.requestConsumed();
		assertThat(back.responseSlotOffset()).isEqualTo(requestSlot).isEqualTo(SringLayout.entryOffset(31, ENTRY));
		back.responseProduced();
		assertThat(back.responseSlotOffset()).isEqualTo(SringLayout.entryOffset(0, ENTRY));
	}

	@Test
	void doesNotNotifyWhenTheEventIndexWasAlreadyPassed() {
		this.memory.setIntRelease(SringLayout.REQ_PROD_OFFSET, 3);
		this.memory.setIntRelease(SringLayout.RSP_PROD_OFFSET, 1);
		this.memory.setIntRelease(SringLayout.RSP_EVENT_OFFSET, 1); // event == old
		BackRing back = BackRing.attach(this.memory, ENTRY, 1);
		back.requestConsumed();
		back.responseProduced();
		assertThat(back.pushResponsesAndCheckNotify()).isFalse();
		this.memory.setIntRelease(SringLayout.RSP_EVENT_OFFSET, 3);
		back.requestConsumed();
		back.responseProduced();
		assertThat(back.pushResponsesAndCheckNotify()).isTrue();
	}

	@Test
	void armsReqEventOnlyWhenNoRequestIsPending() {
		this.memory.setIntRelease(SringLayout.REQ_PROD_OFFSET, 1);
		this.memory.setIntRelease(SringLayout.REQ_EVENT_OFFSET, 1);
		BackRing back = BackRing.attach(this.memory, ENTRY, 0);
		assertThat(back.finalCheckForRequests()).isTrue();
		assertThat(back.reqEvent()).isEqualTo(1);
		back.requestConsumed();
		assertThat(back.finalCheckForRequests()).isFalse();
		assertThat(back.reqEvent()).isEqualTo(2);
	}

}
