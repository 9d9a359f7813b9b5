package org.xso.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.xso.support.FakeHypervisor;
import org.xso.support.Guests;
import org.xso.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/** One running operation per domain, however many requests race for it. */
class LeaseConcurrencyTests extends IntegrationTest {

	@Test
	void letsExactlyOneOfManyConcurrentOperationsRun() throws Exception {
		createDomain(1);
		hypervisor.hold(FakeHypervisor.Call.QUIESCE);
		int n = 8;
		CountDownLatch go = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(n);
		try {
			List<Future<Integer>> statuses = new ArrayList<>();
			for (int i = 0; i < n; i++) {
				String path = i % 2 == 0 ? "/api/v1/domains/1/suspend" : "/api/v1/domains/1/checkpoints";
				Callable<Integer> request = () -> {
					go.await();
					return mvc.perform(postJson(path, Guests.SHADOW_REPLAY)).andReturn().getResponse().getStatus();
				};
				statuses.add(pool.submit(request));
			}
			go.countDown();
			List<Integer> results = new ArrayList<>();
			for (Future<Integer> f : statuses) {
				results.add(f.get());
			}
			assertThat(results).containsOnly(202, 409);
			assertThat(results).filteredOn(s -> s == 202).hasSize(1);
			assertThat(jdbc.queryForObject("select count(*) from operations", Integer.class)).isEqualTo(1);
			assertThat(jdbc.queryForObject("select count(*) from domain_leases", Integer.class)).isEqualTo(1);
		}
		finally {
			hypervisor.release(FakeHypervisor.Call.QUIESCE);
			pool.shutdownNow();
		}
	}

}
