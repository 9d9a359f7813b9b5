package org.xso.xen.ring;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.xso.xen.XenAbiVectors;
import org.xso.xen.blkif.BlkifLayout;
import org.xso.xen.blkif.BlkifOp;
import org.xso.xen.blkif.BlkifRequest;
import org.xso.xen.blkif.BlkifResponse;
import org.xso.xen.blkif.BlkifSegment;
import org.xso.xen.blkif.BlkifStatus;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replays {@code ring_trace}: 120 steps the real ring macros took on one blkif page,
 * every index starting at 0xFFFFFFF0 so they all wrap past 2^32. After each step the
 * notify and more-to-do answers and all four shared header fields must equal the C
 * ring's.
 */
class RingTraceTest {

	private final JsonNode trace = XenAbiVectors.get("ring_trace");

	private final RingMemory memory = RingMemory.allocate(this.trace.get("pages").asInt());

	private final Deque<Long> inFlight = new ArrayDeque<>();

	private final Deque<Long> answered = new ArrayDeque<>();

	private long nextId = 0x5EED_0000_0000L;

	@Test
	void replaysTheCRingTraceStepForStep() {
		int start = XenAbiVectors.u32(this.trace.get("start_index"));
		FrontRing.init(this.memory, BlkifLayout.RING_ENTRY_SIZE);
		// "shared header starts with req_prod=rsp_prod=start,
		// req_event=rsp_event=start+1;
		// private indices=start"
		this.memory.setIntRelease(SringLayout.REQ_PROD_OFFSET, start);
		this.memory.setIntRelease(SringLayout.RSP_PROD_OFFSET, start);
		this.memory.setIntRelease(SringLayout.REQ_EVENT_OFFSET, start + 1);
		this.memory.setIntRelease(SringLayout.RSP_EVENT_OFFSET, start + 1);
		FrontRing front = FrontRing.attach(this.memory, BlkifLayout.RING_ENTRY_SIZE);
		BackRing back = BackRing.attach(this.memory, BlkifLayout.RING_ENTRY_SIZE);
		assertThat(front.size()).isEqualTo(this.trace.get("size").asInt()).isEqualTo(back.size());
		assertThat(List.of(front.reqProdPvt(), front.rspCons(), back.reqCons(), back.rspProdPvt())).containsOnly(start);

		for (JsonNode step : this.trace.get("steps")) {
			String what = "step " + step.get("step").asInt() + " " + step.get("op").asString() + " "
					+ step.get("count").asInt();
			int count = step.get("count").asInt();
			switch (step.get("op").asString()) {
				case "front_push_requests" -> assertThat(frontPushes(front, count)).as(what + " notify")
					.isEqualTo(step.get("notify").asBoolean());
				case "back_consume_and_respond" -> {
					assertThat(backConsumesAndResponds(back, count)).as(what + " notify")
						.isEqualTo(step.get("notify").asBoolean());
					assertThat(back.finalCheckForRequests()).as(what + " more_requests")
						.isEqualTo(step.get("more_requests").asBoolean());
				}
				case "front_consume_responses" -> {
					frontConsumes(front, count);
					assertThat(front.finalCheckForResponses()).as(what + " more_responses")
						.isEqualTo(step.get("more_responses").asBoolean());
				}
				default -> throw new IllegalStateException("unknown trace op in " + what);
			}
			assertThat(front.reqProd()).as(what + " req_prod").isEqualTo(XenAbiVectors.u32(step.get("req_prod")));
			assertThat(front.reqEvent()).as(what + " req_event").isEqualTo(XenAbiVectors.u32(step.get("req_event")));
			assertThat(front.rspProd()).as(what + " rsp_prod").isEqualTo(XenAbiVectors.u32(step.get("rsp_prod")));
			assertThat(front.rspEvent()).as(what + " rsp_event").isEqualTo(XenAbiVectors.u32(step.get("rsp_event")));
		}
		assertThat(Integer.compareUnsigned(front.reqProd(), start)).as("indices wrapped past 2^32").isNegative();
		assertThat(this.inFlight).isEmpty();
		assertThat(this.answered).isEmpty();
	}

	private boolean frontPushes(FrontRing front, int count) {
		assertThat(front.freeRequests()).isGreaterThanOrEqualTo(count);
		for (int i = 0; i < count; i++) {
			long id = this.nextId++;
			BlkifRequest.of(BlkifOp.WRITE, 51712, id, id * 8, List.of(new BlkifSegment((int) id, 0, 7)))
				.encode(front.memory(), front.requestSlotOffset());
			front.requestProduced();
			this.inFlight.add(id);
		}
		return front.pushRequestsAndCheckNotify();
	}

	private boolean backConsumesAndResponds(BackRing back, int count) {
		assertThat(back.unconsumedRequests()).isGreaterThanOrEqualTo(count);
		Deque<Long> consumed = new ArrayDeque<>();
		for (int i = 0; i < count; i++) {
			BlkifRequest request = BlkifRequest.decode(back.memory(), back.requestSlotOffset());
			back.requestConsumed();
			assertThat(request.id()).isEqualTo(this.inFlight.poll());
			consumed.add(request.id());
		}
		for (Long id : consumed) {
			new BlkifResponse(id, BlkifOp.WRITE, BlkifStatus.OKAY).encode(back.memory(), back.responseSlotOffset());
			back.responseProduced();
			this.answered.add(id);
		}
		return back.pushResponsesAndCheckNotify();
	}

	private void frontConsumes(FrontRing front, int count) {
		assertThat(front.unconsumedResponses()).isGreaterThanOrEqualTo(count);
		for (int i = 0; i < count; i++) {
			BlkifResponse response = BlkifResponse.decode(front.memory(), front.responseSlotOffset());
			front.responseConsumed();
			assertThat(response.id()).isEqualTo(this.answered.poll());
		}
	}

}
