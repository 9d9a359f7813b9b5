package org.xso.operation.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.xso.domain.DomainService;
import org.xso.domain.DomainState;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.operation.OperationKind;
import org.xso.operation.Submitted;
import org.xso.problem.ProblemCode;
import org.xso.problem.ProblemException;
import org.xso.support.IntegrationTest;

/**
 * An operation that ends while a new request is checked (it changes the domain and releases the
 * lease in one commit) must not let the new request through on stale checks: a request takes the
 * domain's lease before its checks read the domain, and a check that fails takes the lease back.
 */
class SubmissionRaceTests extends IntegrationTest {

	@Autowired
	OperationSubmitter submitter;

	@Autowired
	DomainService domains;

	@Test
	void readsTheDomainOnlyOnceItsLeaseIsTakenAndGivesTheLeaseBackWhenACheckFails() throws Exception {
		createDomain(1);
		long operationsBefore = jdbc.queryForObject("select count(*) from operations", Long.class);

		assertThatThrownBy(() -> submitter.submit(OperationKind.SUSPEND, 1, "race", null, "alice", id -> {
			submitter.lease(OperationKind.SUSPEND, 1, id);
			// from here an operation ending on the domain cannot commit in between: it would need the lease
			assertThat(jdbc.queryForObject("select operation_id from domain_leases where domid = 1", UUID.class))
				.isEqualTo(id);
			assertThat(domains.record(1).state()).isEqualTo(DomainState.RUNNING);
			throw new ProblemException(ProblemCode.BAD_POWER_STATE, "a check that fails");
		})).isInstanceOfSatisfying(ProblemException.class,
				p -> assertThat(p.code()).isEqualTo(ProblemCode.BAD_POWER_STATE));

		assertThat(jdbc.queryForObject("select count(*) from operations", Long.class)).isEqualTo(operationsBefore);
		assertThat(jdbc.queryForObject("select count(*) from domain_leases", Long.class)).isZero();
	}

	@Test
	void acceptsARequestWhoseDraftLeavesTheLeaseToTheSubmitter() throws Exception {
		createDomain(1);
		Submitted s = submitter.submit(OperationKind.CHECKPOINT, 1, "calm", null, "alice",
				id -> new OperationSubmitter.Draft(OperationKind.CHECKPOINT, 1, "local",
						OperationParams.quiesce(1, SuspendStrategy.SHADOW_REPLAY, 1000L, 30_000L),
						null, false));
		assertThat(awaitOperation(s.operation().id().toString(), "SUCCEEDED", "FAILED", "ROLLED_BACK").get("state")
			.asString()).isEqualTo("SUCCEEDED");
	}

}
