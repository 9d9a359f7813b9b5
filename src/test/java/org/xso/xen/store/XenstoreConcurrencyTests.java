package org.xso.xen.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.xso.xen.DomId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class XenstoreConcurrencyTests {

	private static final int THREADS = 8;

	private static final int INCREMENTS = 200;

	@Test
	void concurrentRetriedTransactionsLoseNoIncrement() throws Exception {
		Xenstore store = new Xenstore();
		XsConnection dom0 = store.connect(DomId.DOM0);
		dom0.write("/tool/counter", "0");
		WatchRecorder events = new WatchRecorder();
		ExecutorService watcher = Executors.newSingleThreadExecutor();
		dom0.watch("/tool/counter", "c", watcher, events);
		ExecutorService writers = Executors.newFixedThreadPool(THREADS);
		CountDownLatch start = new CountDownLatch(1);
		List<Callable<Void>> tasks = new ArrayList<>();
		for (int t = 0; t < THREADS; t++) {
			XsConnection conn = store.connect(DomId.DOM0);
			tasks.add(() -> {
				start.await();
				for (int i = 0; i < INCREMENTS; i++) {
					conn.transaction(tx -> {
						int value = Integer.parseInt(tx.read("/tool/counter"));
						tx.write("/tool/counter", Integer.toString(value + 1));
					});
				}
				return null;
			});
		}
		List<Future<Void>> done = new ArrayList<>();
		tasks.forEach(task -> done.add(writers.submit(task)));
		start.countDown();
		for (Future<Void> f : done) {
			f.get(60, TimeUnit.SECONDS);
		}
		writers.shutdown();

		int total = THREADS * INCREMENTS;
		assertThat(dom0.read("/tool/counter")).isEqualTo(Integer.toString(total));
		assertThat(store.history("/tool/counter")).extracting(XsHistoryEntry::value)
			.containsExactlyElementsOf(expectedValues(total));
		// every conflict was retried, and none exhausted the attempts
		assertThat(store.transactionRetries()).isEqualTo(store.transactionConflicts());
		await().until(() -> events.paths().size() == total + 1);
		watcher.shutdown();
	}

	private static List<String> expectedValues(int total) {
		List<String> values = new ArrayList<>();
		values.add("0");
		for (int i = 1; i <= total; i++) {
			values.add(Integer.toString(i));
		}
		return values;
	}

}
