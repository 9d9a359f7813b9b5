package org.xso.domain;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.xso.problem.LeaseRef;
import org.xso.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Recovery claims stale leases: expired ones, taken over for this instance in the transaction that
 * locked them. The scheduled sweep is slowed down so that only the sweeps of the test run.
 */
@TestPropertySource(properties = "xso.operations.recovery-interval=PT1H")
class LeaseClaimTests extends IntegrationTest {

	static final String OTHER_REPLICA = "replica-b";

	@Autowired
	DomainLeases leases;

	@Autowired
	PlatformTransactionManager transactions;

	final ExecutorService pool = Executors.newFixedThreadPool(2);

	@AfterEach
	void stop() {
		pool.shutdownNow();
	}

	@Test
	void aSweepLeavesTheLeasesOfOperationsThisInstanceIsRunning() {
		Instant past = clock.instant().minus(Duration.ofMinutes(5));
		lease(21, past);
		lease(22, past);

		List<LeaseRef> claimed = new TransactionTemplate(transactions)
			.execute(status -> leases.claimStale(false, lease -> lease.domid() == 21, 10));

		assertThat(claimed).extracting(LeaseRef::domid).containsExactly(22);
		assertThat(jdbc.queryForObject("select owner from domain_leases where domid = 21", String.class))
			.isEqualTo(OTHER_REPLICA);
	}

	void lease(int domid, Instant expiresAt) {
		jdbc.update("insert into domain_leases (domid, owner, operation_id, purpose, acquired_at, expires_at)"
				+ " values (?, ?, null, 'test', ?, ?)", domid, OTHER_REPLICA, Timestamp.from(expiresAt.minusSeconds(60)),
				Timestamp.from(expiresAt));
	}

	static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(60, TimeUnit.SECONDS);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

}
