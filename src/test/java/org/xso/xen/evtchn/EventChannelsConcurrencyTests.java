package org.xso.xen.evtchn;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.xso.xen.DomId;
import org.xso.xen.EvtchnPort;

import static org.assertj.core.api.Assertions.assertThat;

class EventChannelsConcurrencyTests {

	private static final int SENDS_PER_THREAD = 20_000;

	@Test
	void accountsForEverySendFromTwoThreads() throws Exception {
		EventChannels channels = new EventChannels();
		DomId front = DomId.guest(2);
		DomId back = DomId.DOM0;
		channels.createDomain(front);
		channels.createDomain(back);
		EvtchnPort frontPort = channels.allocUnbound(front, back);
		EvtchnPort backPort = channels.bindInterdomain(back, front, frontPort);
		AtomicInteger upcalls = new AtomicInteger();
		channels.bindHandler(back, backPort, () -> {
			upcalls.incrementAndGet();
			channels.clearPending(back, backPort);
		});

		ExecutorService senders = Executors.newFixedThreadPool(2);
		CountDownLatch start = new CountDownLatch(1);
		try {
			Future<?> a = senders.submit(() -> sendAll(channels, front, frontPort, start));
			Future<?> b = senders.submit(() -> sendAll(channels, front, frontPort, start));
			start.countDown();
			a.get(30, TimeUnit.SECONDS);
			b.get(30, TimeUnit.SECONDS);
		}
		finally {
			senders.shutdownNow();
		}

		assertThat(channels.sent()).isEqualTo(2L * SENDS_PER_THREAD);
		assertThat(channels.delivered()).isEqualTo(upcalls.get());
		assertThat(upcalls.get() + channels.coalesced()).isEqualTo(channels.sent());
		assertThat(channels.dropped()).isZero();
	}

	private static Void sendAll(EventChannels channels, DomId dom, EvtchnPort port, CountDownLatch start)
			throws InterruptedException {
		start.await();
		for (int i = 0; i < SENDS_PER_THREAD; i++) {
			channels.send(dom, port);
		}
		return null;
	}

}
