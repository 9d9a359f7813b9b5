package org.xso.xen.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xso.xen.DomId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class XenstoreWatchTests {

	private static final Executor DIRECT = Runnable::run;

	private static final String FRONTEND = "/local/domain/1/device/vif/0";

	private final Xenstore store = new Xenstore();

	private final DomId guest = DomId.guest(1);

	private final XsConnection dom0 = store.connect(DomId.DOM0);

	private final XsConnection domU = store.connect(guest);

	private final WatchRecorder events = new WatchRecorder();

	private final ExecutorService driverThread = Executors.newSingleThreadExecutor();

	XenstoreWatchTests() {
		store.introduceDomain(guest);
	}

	@AfterEach
	void stopDriverThread() {
		driverThread.shutdownNow();
	}

	@Test
	void firesOnceOnRegistrationWithTheWatchedPath() {
		dom0.watch(FRONTEND, "fe", DIRECT, events);

		assertThat(events.events()).containsExactly(new XsWatchEvent(FRONTEND, "fe"));
	}

	@Test
	void firesForTheNodeAndItsDescendantsButNotForSiblings() {
		dom0.watch(FRONTEND, "fe", DIRECT, events);
		events.clear();

		dom0.write(FRONTEND, "");
		dom0.write(FRONTEND + "/state", "1");
		dom0.mkdir(FRONTEND + "/queue-0");
		dom0.setPerms(FRONTEND + "/state", XsPermissions.owner(guest));
		dom0.write("/local/domain/1/device/vif/01", "sibling with a common prefix");
		dom0.write("/local/domain/1/device/vif/1/state", "1");
		dom0.rm(FRONTEND + "/queue-0");

		assertThat(events.paths()).containsExactly(FRONTEND, FRONTEND + "/state", FRONTEND + "/queue-0",
				FRONTEND + "/state", FRONTEND + "/queue-0");
	}

	@Test
	void removingAnAncestorFiresWithTheWatchedPath() {
		dom0.write(FRONTEND + "/state", "4");
		dom0.watch(FRONTEND + "/state", "st", DIRECT, events);
		dom0.watch(FRONTEND + "/never/existed", "nx", DIRECT, events);
		events.clear();

		dom0.rm("/local/domain/1/device");

		assertThat(events.events()).containsExactly(new XsWatchEvent(FRONTEND + "/state", "st"),
				new XsWatchEvent(FRONTEND + "/never/existed", "nx"));
	}

	@Test
	void relativeWatchesReceiveRelativePaths() {
		domU.watch("device/vif/0", "rel", DIRECT, events);

		dom0.write(FRONTEND + "/state", "1");
		dom0.rm("/local/domain/1/device");

		assertThat(events.paths()).containsExactly("device/vif/0", "device/vif/0/state", "device/vif/0");
	}

	@Test
	void guestIsNotToldAboutNodesItCannotRead() {
		DomId snoop = DomId.guest(2);
		store.introduceDomain(snoop);
		XsConnection other = store.connect(snoop);
		other.watch("/local/domain", "all", DIRECT, events);
		events.clear();

		dom0.write(FRONTEND + "/state", "1");
		other.write("/local/domain/2/mine", "1");
		dom0.setPerms(FRONTEND + "/state", XsPermissions.owner(guest).withReader(snoop));

		assertThat(events.paths()).containsExactly("/local/domain/2/mine", FRONTEND + "/state");
	}

	@Test
	void changesInATransactionFireOnlyAtCommit() {
		dom0.watch(FRONTEND, "fe", DIRECT, events);
		events.clear();
		XsTransaction tx = domU.transactionStart();
		tx.write("device/vif/0/tx-ring-ref", "8");
		tx.write("device/vif/0/state", "3");

		assertThat(events.paths()).isEmpty();
		tx.commit();
		assertThat(events.paths()).containsExactly(FRONTEND + "/tx-ring-ref", FRONTEND + "/state");
	}

	@Test
	void abortedTransactionsFireNothing() {
		dom0.watch(FRONTEND, "fe", DIRECT, events);
		events.clear();
		XsTransaction tx = dom0.transactionStart();
		tx.write(FRONTEND + "/state", "3");

		tx.abort();

		assertThat(events.paths()).isEmpty();
	}

	@Test
	void deliversThroughTheExecutorInCommitOrder() {
		List<String> threads = new CopyOnWriteArrayList<>();
		dom0.watch(FRONTEND, "fe", driverThread, event -> {
			threads.add(Thread.currentThread().getName());
			events.accept(event);
		});
		List<String> expected = new ArrayList<>(List.of(FRONTEND));
		for (int i = 0; i < 200; i++) {
			dom0.write(FRONTEND + "/n" + i, Integer.toString(i));
			expected.add(FRONTEND + "/n" + i);
		}

		await().atMost(Duration.ofSeconds(60)).until(() -> events.paths().size() == expected.size());
		assertThat(events.paths()).containsExactlyElementsOf(expected);
		assertThat(threads).doesNotContain(Thread.currentThread().getName());
	}

	@Test
	void runsCallbacksOutsideTheStoreLock() throws InterruptedException {
		CountDownLatch inCallback = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		dom0.watch(FRONTEND + "/state", "block", driverThread, event -> {
			if (event.path().endsWith("/state") && dom0.tryRead(FRONTEND + "/state").isPresent()) {
				inCallback.countDown();
				awaitQuietly(release);
			}
		});
		dom0.write(FRONTEND + "/state", "1");
		assertThat(inCallback.await(60, TimeUnit.SECONDS)).isTrue();

		// the store stays usable while a callback is blocked
		dom0.write(FRONTEND + "/other", "2");
		assertThat(dom0.read(FRONTEND + "/other")).isEqualTo("2");
		release.countDown();
	}

	@Test
	void callbacksMayUseTheStoreOnTheCallingThread() {
		dom0.watch(FRONTEND + "/state", "echo", DIRECT, event -> dom0.tryRead(event.path())
			.ifPresent(state -> dom0.write("/local/domain/0/echo", state)));

		dom0.write(FRONTEND + "/state", "4");

		assertThat(dom0.read("/local/domain/0/echo")).isEqualTo("4");
	}

	@Test
	void refusesADuplicateWatchAndStopsAfterUnwatchOrCancel() {
		dom0.watch(FRONTEND, "fe", DIRECT, events);
		XsWatch other = dom0.watch(FRONTEND, "other", DIRECT, events);

		assertThatExceptionOfType(XenstoreException.class)
			.isThrownBy(() -> dom0.watch(FRONTEND, "fe", DIRECT, events))
			.satisfies(e -> assertThat(e.errno()).isEqualTo("EEXIST"));
		dom0.unwatch(FRONTEND, "fe");
		other.cancel();
		events.clear();
		dom0.write(FRONTEND + "/state", "1");

		assertThat(events.paths()).isEmpty();
		assertThat(other.isActive()).isFalse();
		assertThatExceptionOfType(XenstoreException.class).isThrownBy(() -> dom0.unwatch(FRONTEND, "fe"))
			.satisfies(e -> assertThat(e.errno()).isEqualTo("ENOENT"));
	}

	@Test
	void cancelsAWatchWhoseExecutorHasShutDown() {
		ExecutorService stopped = Executors.newSingleThreadExecutor();
		stopped.shutdown();

		XsWatch watch = dom0.watch(FRONTEND, "gone", stopped, events);

		assertThat(watch.isActive()).isFalse();
		dom0.watch(FRONTEND, "gone", DIRECT, events);
		assertThat(events.paths()).containsExactly(FRONTEND);
	}

	@Test
	void firesSpecialWatchesWhenDomainsAreIntroducedAndReleased() {
		dom0.watch("@introduceDomain", "intro", DIRECT, events);
		dom0.watch("@releaseDomain", "release", DIRECT, events);
		dom0.watch("@releaseDomain/5", "release5", DIRECT, events);
		events.clear();

		store.introduceDomain(DomId.guest(5));
		store.releaseDomain(DomId.guest(6));
		store.releaseDomain(DomId.guest(5));

		assertThat(events.events()).containsExactly(new XsWatchEvent("@introduceDomain", "intro"),
				new XsWatchEvent("@releaseDomain", "release"), new XsWatchEvent("@releaseDomain", "release"),
				new XsWatchEvent("@releaseDomain/5", "release5"));
	}

	@Test
	void releasingADomainDropsItsWatchesAndClosesItsConnections() {
		domU.watch("device", "dev", DIRECT, events);
		XsTransaction tx = domU.transactionStart();
		events.clear();

		store.releaseDomain(guest);
		dom0.write(FRONTEND + "/state", "6");

		assertThat(events.paths()).isEmpty();
		assertThat(domU.isOpen()).isFalse();
		assertThat(tx.isOpen()).isFalse();
		assertThatExceptionOfType(XenstoreException.class).isThrownBy(() -> domU.read("device"))
			.satisfies(e -> assertThat(e.errno()).isEqualTo("EINVAL"));
		// the toolstack, not the release, removes the nodes
		assertThat(dom0.read(FRONTEND + "/state")).isEqualTo("6");
		assertThat(store.connect(guest).read("device/vif/0/state")).isEqualTo("6");
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(60, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
