package org.xso.xen.ring;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A frontend and a backend driven through random interleavings of the ring operations,
 * with every index starting just below 2^32. Each side sleeps only after its final check
 * said there was nothing to do and wakes only on a notification; producers notify only
 * when push-and-check says so. The properties: nothing is lost or reordered in either
 * direction, the frontend never has more than a ring of requests outstanding, and no
 * consumer ever sleeps on pending work without a pending notification.
 */
class RingProperties {

	/** Entry sizes that give one-page rings of 1, 2, 4, 8 and 32 slots. */
	@Provide
	Arbitrary<Integer> entrySizes() {
		return Arbitraries.of(4032, 2016, 1008, 504, 112);
	}

	@Provide
	Arbitrary<List<Step>> schedules() {
		Arbitrary<Step> step = Combinators.combine(Arbitraries.of(Action.class), Arbitraries.integers().between(1, 40))
			.as(Step::new);
		return step.list().ofMinSize(1).ofMaxSize(300);
	}

	@Property(tries = 400)
	void deliversEverythingOnceInOrderAndNeverLosesAWakeUp(@ForAll("entrySizes") int entrySize,
			@ForAll @IntRange(min = 0, max = 80) int belowWrap, @ForAll("schedules") List<Step> schedule) {
		int start = -1 - belowWrap;
		Model model = new Model(entrySize, start);
		for (Step step : schedule) {
			model.apply(step);
			model.checkInvariants();
		}
		model.drain(belowWrap + 2L);
		assertThat(model.issued).isGreaterThan(belowWrap + 1L);
		assertThat(Integer.compareUnsigned(model.front.reqProdPvt(), start)).as("wrapped past 2^32").isNegative();
	}

	enum Action {

		FRONT_PRODUCE, FRONT_PUSH, FRONT_CONSUME, FRONT_SLEEP, FRONT_WAKE, BACK_CONSUME, BACK_RESPOND, BACK_PUSH,
		BACK_SLEEP, BACK_WAKE

	}

	record Step(Action action, int count) {
	}

	/**
	 * Both ends of one ring, their sleep states and the two event channels' pending bits.
	 */
	static final class Model {

		final FrontRing front;

		final BackRing back;

		final RingMemory memory = RingMemory.allocate(1);

		final Deque<Long> consumedUnanswered = new ArrayDeque<>();

		long issued;

		long nextRequestAtBack;

		long nextResponseAtFront;

		boolean frontSleeping;

		boolean backSleeping;

		boolean pendingToFront;

		boolean pendingToBack;

		Model(int entrySize, int start) {
			FrontRing.init(this.memory, entrySize);
			this.memory.setIntRelease(SringLayout.REQ_PROD_OFFSET, start);
			this.memory.setIntRelease(SringLayout.RSP_PROD_OFFSET, start);
			this.memory.setIntRelease(SringLayout.REQ_EVENT_OFFSET, start + 1);
			this.memory.setIntRelease(SringLayout.RSP_EVENT_OFFSET, start + 1);
			this.front = FrontRing.attach(this.memory, entrySize);
			this.back = BackRing.attach(this.memory, entrySize);
		}

		void apply(Step step) {
			switch (step.action()) {
				case FRONT_PRODUCE -> frontProduce(step.count());
				case FRONT_PUSH -> this.pendingToBack |= this.front.pushRequestsAndCheckNotify();
				case FRONT_CONSUME -> frontConsume(step.count());
				case FRONT_SLEEP -> frontTrySleep();
				case FRONT_WAKE -> frontWake();
				case BACK_CONSUME -> backConsume(step.count());
				case BACK_RESPOND -> backRespond(step.count());
				case BACK_PUSH -> backPush();
				case BACK_SLEEP -> backTrySleep();
				case BACK_WAKE -> backWake();
			}
		}

		/** The submit path runs whether or not the response handler sleeps. */
		void frontProduce(int n) {
			for (int i = 0; i < n && !this.front.isFull(); i++) {
				this.memory.putLong(this.front.requestSlotOffset(), this.issued++);
				this.front.requestProduced();
			}
		}

		void frontConsume(int n) {
			for (int i = 0; i < n && !this.frontSleeping && this.front.hasUnconsumedResponses(); i++) {
				assertThat(this.memory.getLong(this.front.responseSlotOffset())).as("response order")
					.isEqualTo(this.nextResponseAtFront++);
				this.front.responseConsumed();
			}
		}

		void frontTrySleep() {
			if (!this.frontSleeping && !this.front.finalCheckForResponses()) {
				this.frontSleeping = true;
			}
		}

		void frontWake() {
			if (this.pendingToFront) {
				this.pendingToFront = false;
				this.frontSleeping = false;
			}
		}

		void backConsume(int n) {
			for (int i = 0; i < n && !this.backSleeping && this.back.hasUnconsumedRequests(); i++) {
				long id = this.memory.getLong(this.back.requestSlotOffset());
				assertThat(id).as("request order").isEqualTo(this.nextRequestAtBack++);
				this.back.requestConsumed();
				this.consumedUnanswered.add(id);
			}
		}

		void backRespond(int n) {
			for (int i = 0; i < n && !this.backSleeping && !this.consumedUnanswered.isEmpty(); i++) {
				this.memory.putLong(this.back.responseSlotOffset(), this.consumedUnanswered.poll());
				this.back.responseProduced();
			}
		}

		void backPush() {
			if (!this.backSleeping) {
				this.pendingToFront |= this.back.pushResponsesAndCheckNotify();
			}
		}

		/** The backend sleeps only with every consumed request answered and pushed. */
		void backTrySleep() {
			if (!this.backSleeping && this.consumedUnanswered.isEmpty() && this.back.rspProdPvt() == this.back.rspProd()
					&& !this.back.finalCheckForRequests()) {
				this.backSleeping = true;
			}
		}

		void backWake() {
			if (this.pendingToBack) {
				this.pendingToBack = false;
				this.backSleeping = false;
			}
		}

		void checkInvariants() {
			int outstanding = this.front.reqProdPvt() - this.front.rspCons();
			assertThat(Integer.compareUnsigned(outstanding, this.front.size())).as("outstanding <= size")
				.isLessThanOrEqualTo(0);
			assertThat(this.front.freeRequests()).isBetween(0, this.front.size());
			assertThat(this.backSleeping && this.back.reqProd() != this.back.reqCons() && !this.pendingToBack)
				.as("backend asleep on pushed requests with no notification pending")
				.isFalse();
			assertThat(this.frontSleeping && this.front.rspProd() != this.front.rspCons() && !this.pendingToFront)
				.as("frontend asleep on pushed responses with no notification pending")
				.isFalse();
		}

		/**
		 * Runs both sides to completion, each acting only while awake or once notified,
		 * after issuing at least {@code minIssued} requests in total. If a wake-up had
		 * been lost, work would be left over.
		 */
		void drain(long minIssued) {
			for (int round = 0; round < 10_000 && !idle(minIssued); round++) {
				if (this.issued < minIssued) {
					frontProduce(this.front.size());
				}
				this.pendingToBack |= this.front.pushRequestsAndCheckNotify();
				backWake();
				backConsume(Integer.MAX_VALUE);
				backRespond(Integer.MAX_VALUE);
				backPush();
				backTrySleep();
				frontWake();
				frontConsume(Integer.MAX_VALUE);
				frontTrySleep();
				checkInvariants();
			}
			assertThat(idle(minIssued)).as("drained: %s %s", this.front, this.back).isTrue();
			assertThat(this.nextRequestAtBack).isEqualTo(this.issued);
			assertThat(this.nextResponseAtFront).isEqualTo(this.issued);
		}

		private boolean idle(long minIssued) {
			return this.issued >= minIssued && this.front.reqProdPvt() == this.front.rspCons()
					&& this.front.reqProd() == this.front.reqProdPvt();
		}

	}

}
