package org.xso.domain;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;
import org.xso.problem.LeaseRef;
import org.xso.support.PostgresDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link LeaseClaimTests} on PostgreSQL, the database replicas share in production, and what only
 * it shows: replicas sweeping at the same time each claim their own leases (rows locked with
 * {@code FOR UPDATE SKIP LOCKED}) and none waits for another. (H2 locks every row its ORDER BY
 * scanned, so concurrent sweeps there take turns; an embedded database serves one instance.)
 */
class LeaseClaimPostgresTests extends LeaseClaimTests {

	@DynamicPropertySource
	static void postgres(DynamicPropertyRegistry registry) {
		PostgresDatabase.register(registry, "claim");
	}


	@Test
	void concurrentSweepsClaimDisjointStaleLeasesWithoutWaitingForEachOther() throws Exception {
		Instant past = clock.instant().minus(Duration.ofMinutes(5));
		for (int domid = 11; domid <= 16; domid++) {
			lease(domid, past);
		}
		lease(17, clock.instant().plus(Duration.ofHours(1)));
		TransactionTemplate tx = new TransactionTemplate(transactions);
		CountDownLatch firstHoldsItsRows = new CountDownLatch(1);
		CountDownLatch firstMayCommit = new CountDownLatch(1);

		Future<List<LeaseRef>> first = pool.submit(() -> tx.execute(status -> {
			List<LeaseRef> got = leases.claimStale(false, lease -> false, 3);
			firstHoldsItsRows.countDown();
			awaitQuietly(firstMayCommit);
			return got;
		}));
		assertThat(firstHoldsItsRows.await(60, TimeUnit.SECONDS)).isTrue();
		// the first sweep still holds its rows locked: the second must skip them, not wait
		List<LeaseRef> second = pool.submit(() -> tx.execute(status -> leases.claimStale(false, lease -> false, 10)))
			.get(60, TimeUnit.SECONDS);
		firstMayCommit.countDown();

		assertThat(first.get(60, TimeUnit.SECONDS)).extracting(LeaseRef::domid).containsExactly(11, 12, 13);
		assertThat(second).extracting(LeaseRef::domid).containsExactly(14, 15, 16);
		assertThat(second).allSatisfy(l -> assertThat(l.owner()).isEqualTo(OTHER_REPLICA));
		assertThat(jdbc.queryForList("select domid from domain_leases where owner = ? and expires_at > ? order by domid",
				Integer.class, leases.owner(), Timestamp.from(clock.instant())))
			.containsExactly(11, 12, 13, 14, 15, 16);
		assertThat(jdbc.queryForObject("select owner from domain_leases where domid = 17", String.class))
			.isEqualTo(OTHER_REPLICA);
	}

}
