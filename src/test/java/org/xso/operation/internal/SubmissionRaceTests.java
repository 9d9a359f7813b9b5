package org.xso.operation.internal;

import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.xso.domain.DomainService;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.operation.OperationKind;
import org.xso.operation.Submitted;
import org.xso.problem.ProblemCode;
import org.xso.problem.ProblemException;
import org.xso.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An operation that ends between a new request's checks and its lease (it changes the domain and
 * releases the lease in one commit) must not let the new request through on stale checks.
 */
class SubmissionRaceTests extends IntegrationTest {

	@Autowired
	OperationSubmitter submitter;

	@Autowired
	DomainService domains;

	@Test
	void refusesARequestWhoseDomainChangedBetweenItsChecksAndItsLease() throws Exception {
		createDomain(1);
		long operationsBefore = jdbc.queryForObject("select count(*) from operations", Long.class);

		assertThatThrownBy(() -> submitter.submit(OperationKind.SUSPEND, 1, "race", null, "alice", () -> {
			long checked = domains.record(1).version();
			// another transaction commits a change of the domain now, as an ending suspend would
			CompletableFuture.runAsync(() -> jdbc.update("update domains set state = 'SUSPENDED', version = version + 1"
					+ " where domid = 1")).join();
			return new OperationSubmitter.Draft(OperationKind.SUSPEND, 1,
					new OperationParams(1, SuspendStrategy.SHADOW_REPLAY, 1000L, 30_000L, null, null, null, null), null,
					checked);
		})).isInstanceOfSatisfying(ProblemException.class,
				p -> assertThat(p.code()).isEqualTo(ProblemCode.CONCURRENT_MODIFICATION));

		assertThat(jdbc.queryForObject("select count(*) from operations", Long.class)).isEqualTo(operationsBefore);
		assertThat(jdbc.queryForObject("select count(*) from domain_leases", Long.class)).isZero();
	}

	@Test
	void acceptsARequestWhoseDomainDidNotChange() throws Exception {
		createDomain(1);
		Submitted s = submitter.submit(OperationKind.CHECKPOINT, 1, "calm", null, "alice",
				() -> new OperationSubmitter.Draft(OperationKind.CHECKPOINT, 1,
						new OperationParams(1, SuspendStrategy.SHADOW_REPLAY, 1000L, 30_000L, null, null, null, null),
						null, domains.record(1).version()));
		assertThat(awaitOperation(s.operation().id().toString(), "SUCCEEDED", "FAILED", "ROLLED_BACK").get("state")
			.asString()).isEqualTo("SUCCEEDED");
	}

}
