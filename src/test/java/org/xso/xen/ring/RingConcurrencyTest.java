package org.xso.xen.ring;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A frontend thread and a backend thread on one ring with the real barriers, an event
 * channel made of {@link LockSupport#unpark}, and sleeps that last until a kick. A sleep
 * that ends by timeout with work waiting and no kick sent since it began is a lost
 * wake-up. Not a substitute for JCStress, but it runs the acquire/release/fence paths
 * under real concurrency on every build.
 */
class RingConcurrencyTest {

	private static final int REQUESTS = 200_000;

	private static final long SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

	private final RingMemory memory = RingMemory.allocate(1);

	private final FrontRing front = FrontRing.init(this.memory, 112);

	private final BackRing back = BackRing.init(this.memory, 112);

	private final AtomicInteger kicksToBack = new AtomicInteger();

	private final AtomicInteger kicksToFront = new AtomicInteger();

	private final AtomicInteger lostWakeUps = new AtomicInteger();

	private final AtomicReference<Throwable> failure = new AtomicReference<>();

	private volatile Thread frontThread;

	private volatile Thread backThread;

	@Test
	@Timeout(60)
	void passesEveryRequestAndResponseInOrderWithoutLosingAWakeUp() throws InterruptedException {
		this.frontThread = new Thread(guarded(this::runFront), "front");
		this.backThread = new Thread(guarded(this::runBack), "back");
		this.frontThread.start();
		this.backThread.start();
		this.frontThread.join();
		this.backThread.join();
		assertThat(this.failure.get()).isNull();
		assertThat(this.lostWakeUps.get()).isZero();
		assertThat(this.front.rspCons()).isEqualTo(REQUESTS);
		assertThat(this.back.rspProdPvt()).isEqualTo(REQUESTS);
	}

	private void runFront() {
		long issued = 0;
		long received = 0;
		while (received < REQUESTS && this.failure.get() == null) {
			while (issued < REQUESTS && !this.front.isFull()) {
				this.memory.putLong(this.front.requestSlotOffset(), issued++);
				this.front.requestProduced();
			}
			if (this.front.pushRequestsAndCheckNotify()) {
				kick(this.kicksToBack, this.backThread);
			}
			while (this.front.hasUnconsumedResponses()) {
				long id = this.memory.getLong(this.front.responseSlotOffset());
				if (id != received++) {
					throw new AssertionError("response " + id + " out of order, expected " + (received - 1));
				}
				this.front.responseConsumed();
			}
			boolean canIssue = issued < REQUESTS && !this.front.isFull();
			int kicks = this.kicksToFront.get();
			if (!canIssue && received < REQUESTS && !this.front.finalCheckForResponses()) {
				sleep(this.kicksToFront, kicks, this.front::hasUnconsumedResponses, this.backThread);
			}
		}
	}

	private void runBack() {
		long expected = 0;
		while (this.back.rspProdPvt() != REQUESTS && this.failure.get() == null) {
			while (this.back.hasUnconsumedRequests()) {
				long id = this.memory.getLong(this.back.requestSlotOffset());
				if (id != expected++) {
					throw new AssertionError("request " + id + " out of order, expected " + (expected - 1));
				}
				this.back.requestConsumed();
				this.memory.putLong(this.back.responseSlotOffset(), id);
				this.back.responseProduced();
			}
			if (this.back.pushResponsesAndCheckNotify()) {
				kick(this.kicksToFront, this.frontThread);
			}
			int kicks = this.kicksToBack.get();
			if (this.back.rspProdPvt() != REQUESTS && !this.back.finalCheckForRequests()) {
				sleep(this.kicksToBack, kicks, this.back::hasUnconsumedRequests, this.frontThread);
			}
		}
	}

	private static void kick(AtomicInteger kicks, Thread peer) {
		kicks.incrementAndGet();
		LockSupport.unpark(peer);
	}

	/**
	 * Sleeps until a kick newer than {@code before} (read before the final check) or a
	 * timeout. Work waiting at the timeout with no kick is a lost wake-up only if the peer is
	 * asleep too: a peer that is still runnable may have published the work and not yet kicked
	 * (on a busy machine it can wait longer than the timeout for a core), so the sleep goes on.
	 */
	private void sleep(AtomicInteger kicks, int before, BooleanSupplier workWaiting, Thread peer) {
		long deadline = System.nanoTime() + SLEEP_NANOS;
		while (kicks.get() == before && this.failure.get() == null) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				if (workWaiting.getAsBoolean() && kicks.get() == before) {
					if (peer.getState() == Thread.State.RUNNABLE) {
						deadline = System.nanoTime() + SLEEP_NANOS;
						continue;
					}
					this.lostWakeUps.incrementAndGet();
				}
				return;
			}
			LockSupport.parkNanos(left);
		}
	}

	private Runnable guarded(Runnable body) {
		return () -> {
			try {
				body.run();
			}
			catch (Throwable ex) {
				this.failure.compareAndSet(null, ex);
				LockSupport.unpark(this.frontThread);
				LockSupport.unpark(this.backThread);
			}
		};
	}

}
