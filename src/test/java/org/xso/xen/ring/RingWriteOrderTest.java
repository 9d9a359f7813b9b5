package org.xso.xen.ring;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;
import org.mockito.MockedStatic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.when;

/**
 * The order of plain writes, releases, fences and acquires that {@code io/ring.h}
 * prescribes, checked on a mocked {@link RingMemory} (the only class that touches shared
 * memory).
 */
class RingWriteOrderTest {

	private final RingMemory memory = mock(RingMemory.class);

	private MockedStatic<RingMemory> fences;

	@BeforeEach
	void mockFences() {
		when(this.memory.length()).thenReturn(4096);
		this.fences = mockStatic(RingMemory.class);
	}

	@AfterEach
	void closeFences() {
		this.fences.close();
	}

	@Test
	void publishesReqProdAfterTheRequestAndFencesBeforeReadingReqEvent() {
		FrontRing front = FrontRing.attach(this.memory, 112, 0);
		when(this.memory.getInt(SringLayout.REQ_PROD_OFFSET)).thenReturn(0);
		when(this.memory.getIntAcquire(SringLayout.REQ_EVENT_OFFSET)).thenReturn(1);
		this.memory.putLong(front.requestSlotOffset(), 42L);
		front.requestProduced();

		assertThat(front.pushRequestsAndCheckNotify()).isTrue();

		InOrder order = inOrder(this.memory, RingMemory.class);
		order.verify(this.memory).putLong(64, 42L);
		order.verify(this.memory).setIntRelease(SringLayout.REQ_PROD_OFFSET, 1);
		order.verify(this.fences, RingMemory::fullFence);
		order.verify(this.memory).getIntAcquire(SringLayout.REQ_EVENT_OFFSET);
	}

	@Test
	void publishesRspProdAfterTheResponseAndFencesBeforeReadingRspEvent() {
		BackRing back = BackRing.attach(this.memory, 112, 0);
		when(this.memory.getIntAcquire(SringLayout.RSP_EVENT_OFFSET)).thenReturn(1);
		back.requestConsumed();
		this.memory.putLong(back.responseSlotOffset(), 42L);
		back.responseProduced();

		assertThat(back.pushResponsesAndCheckNotify()).isTrue();

		InOrder order = inOrder(this.memory, RingMemory.class);
		order.verify(this.memory).putLong(64, 42L);
		order.verify(this.memory).setIntRelease(SringLayout.RSP_PROD_OFFSET, 1);
		order.verify(this.fences, RingMemory::fullFence);
		order.verify(this.memory).getIntAcquire(SringLayout.RSP_EVENT_OFFSET);
	}

	@Test
	void setsRspEventThenFencesThenRechecksRspProd() {
		FrontRing front = FrontRing.attach(this.memory, 112, 7);
		when(this.memory.getIntAcquire(SringLayout.RSP_PROD_OFFSET)).thenReturn(7);

		assertThat(front.finalCheckForResponses()).isFalse();

		InOrder order = inOrder(this.memory, RingMemory.class);
		order.verify(this.memory).getIntAcquire(SringLayout.RSP_PROD_OFFSET);
		order.verify(this.memory).setIntRelease(SringLayout.RSP_EVENT_OFFSET, 8);
		order.verify(this.fences, RingMemory::fullFence);
		order.verify(this.memory).getIntAcquire(SringLayout.RSP_PROD_OFFSET);
		order.verifyNoMoreInteractions();
	}

	@Test
	void setsReqEventThenFencesThenRechecksReqProd() {
		BackRing back = BackRing.attach(this.memory, 112, 7);
		when(this.memory.getIntAcquire(SringLayout.REQ_PROD_OFFSET)).thenReturn(7);

		assertThat(back.finalCheckForRequests()).isFalse();

		InOrder order = inOrder(this.memory, RingMemory.class);
		order.verify(this.memory).getIntAcquire(SringLayout.REQ_PROD_OFFSET);
		order.verify(this.memory).setIntRelease(SringLayout.REQ_EVENT_OFFSET, 8);
		order.verify(this.fences, RingMemory::fullFence);
		order.verify(this.memory).getIntAcquire(SringLayout.REQ_PROD_OFFSET);
		order.verifyNoMoreInteractions();
	}

	@Test
	void readsRspProdWithAcquireBeforeTheResponseItCovers() {
		FrontRing front = FrontRing.attach(this.memory, 112, 0);
		when(this.memory.getIntAcquire(SringLayout.RSP_PROD_OFFSET)).thenReturn(1);
		when(this.memory.getLong(anyInt())).thenReturn(42L);

		if (front.hasUnconsumedResponses()) {
			this.memory.getLong(front.responseSlotOffset());
			front.responseConsumed();
		}

		InOrder order = inOrder(this.memory);
		order.verify(this.memory).getIntAcquire(SringLayout.RSP_PROD_OFFSET);
		order.verify(this.memory).getLong(64);
	}

}
