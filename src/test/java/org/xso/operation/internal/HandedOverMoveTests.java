package org.xso.operation.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.xso.host.HostRegistry;
import org.xso.host.InstanceId;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.operation.OperationKind;
import org.xso.operation.Phase;
import org.xso.support.FakeHypervisor.Call;
import org.xso.support.IntegrationTest;

/**
 * A move handed over to its target host is that host's instance's to run, once: a dispatch of it
 * anywhere else (a sweep that read the row while the move was still its source's) leaves it alone,
 * and of two workers that took it from the same row only the first enters RESTORE, so the guest is
 * never restored twice.
 */
class HandedOverMoveTests extends IntegrationTest {

	@Autowired
	OperationRepository operations;

	@Autowired
	OperationJournal journal;

	@Autowired
	OperationRunner runner;

	@Autowired
	InstanceId instance;

	@Autowired
	HostRegistry hosts;

	/** The moves these tests write are run by no worker: they end with the test. */
	@AfterEach
	void endTheMoves() {
		jdbc.update("update operations set state = 'FAILED' where state in ('PENDING', 'RUNNING')");
	}

	@Test
	void aHandedOverMoveIsLeftAloneByAnInstanceItWasNotHandedTo() throws Exception {
		createDomain(1);
		UUID id = handedOverMove("xso-the-target");

		runner.run(id, null);

		assertThat(hypervisor.calls(Call.RESUME)).isZero();
		assertThat(row(id)).containsEntry("state", "RUNNING")
			.containsEntry("current_phase", "HANDOVER")
			.containsEntry("owner", "xso-the-target")
			.containsEntry("attempts", 1);
	}

	@Test
	void ofTwoWorkersThatTookTheMoveFromTheSameRowOnlyTheFirstRestoresTheGuest() throws Exception {
		createDomain(1);
		UUID id = handedOverMove(instance.value());
		OperationRun first = journal.load(id).orElseThrow();
		OperationRun second = journal.load(id).orElseThrow();
		journal.resumingHere(first);
		journal.resumingHere(second);

		assertThat(journal.restoring(first)).isTrue();
		assertThatThrownBy(() -> journal.restoring(second)).isInstanceOf(OperationJournal.TakenElsewhere.class)
			.hasMessageContaining("attempt 2 of " + instance.value());
		assertThat(row(id)).containsEntry("current_phase", "RESTORE").containsEntry("attempts", 2);
	}

	@Test
	void aCancelRecordedBeforeTheRestoreStillRefusesIt() throws Exception {
		createDomain(1);
		UUID id = handedOverMove(instance.value());
		OperationRun run = journal.load(id).orElseThrow();
		journal.resumingHere(run);
		jdbc.update("update operations set cancel_requested = true where id = ?", id);

		assertThat(journal.restoring(run)).isFalse();
		assertThat(row(id)).containsEntry("current_phase", "HANDOVER").containsEntry("attempts", 1);
	}

	/** A move of domain 1 from host-src, handed over to this host and to instance {@code to}. */
	private UUID handedOverMove(String to) {
		Operation op = new Operation(UUID.randomUUID(), OperationKind.MOVE, 1, "host-src",
				OperationParams.move(1, SuspendStrategy.SHADOW_REPLAY, 5_000L, 60_000L, "host-src", hosts.localName(),
						false, List.of()),
				null, "alice", clock.instant());
		op.start("xso-the-source", clock.instant());
		for (Phase p : List.of(Phase.QUIESCE, Phase.SAVE, Phase.PERSIST, Phase.SUSPEND)) {
			op.enter(p, clock.instant());
			op.complete(p, clock.instant());
		}
		op.handOver(to, clock.instant());
		operations.save(op);
		return op.id();
	}

	private Map<String, Object> row(UUID id) {
		return jdbc.queryForMap("select state, current_phase, owner, attempts from operations where id = ?", id);
	}

}
