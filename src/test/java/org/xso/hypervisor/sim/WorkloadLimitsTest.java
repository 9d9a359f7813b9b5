package org.xso.hypervisor.sim;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xso.hypervisor.BlkbackFeatures;
import org.xso.hypervisor.DeviceCounters;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.SavedDomain;
import org.xso.hypervisor.SimulatorControls;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.hypervisor.WorkloadSpec;
import org.xso.xen.DomId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Workloads at the limits the contract allows: the deepest queue of the largest requests, a guest
 * whose memory cannot hold what the workload asks for, a verify of a region far larger than the
 * guest's memory. They run within what the guest has, and a verify leaves the workload as it was.
 */
class WorkloadLimitsTest {

	private static final DomId DOM1 = DomId.of(1);

	private static final Duration DEADLINE = Duration.ofSeconds(60);

	private final SimHypervisor hv = new SimHypervisor();

	private final SimulatorControls controls = hv.controls();

	@AfterEach
	void close() {
		hv.close();
	}

	private void boot(int memoryMiB, long sectors) {
		hv.create(Optional.of(DOM1), new GuestSpec("limits", memoryMiB, 1,
				List.of(new DeviceSpec.Vbd(51712, DomId.DOM0, sectors, 512, BlkbackFeatures.LINUX_DEFAULT))), DEADLINE);
	}

	private DeviceCounters counters() {
		return hv.guest(DOM1).orElseThrow().devices().get(0).counters();
	}

	private void awaitCompletions(long n) {
		long start = counters().completed();
		await().atMost(DEADLINE).until(() -> counters().completed() >= start + n);
	}

	@Test
	void theDeepestQueueOfTheLargestRequestsRunsAndResumesWithinTheGrantTable() {
		boot(256, 1 << 20);
		// 1,024 requests of 256 sectors: a full 4-page ring of 32-segment indirect requests
		controls.startWorkload(DOM1, new WorkloadSpec(true, 1024, 256, 1 << 16, false, 1));
		awaitCompletions(2_000);
		hv.quiesce(DOM1, SuspendStrategy.SHADOW_REPLAY, DEADLINE);
		SavedDomain image = hv.save(DOM1, DEADLINE);
		hv.suspend(DOM1, DEADLINE);
		// the restored guest keeps its old refs out of use and needs as many new ones again
		hv.resume(image, DOM1, DEADLINE, p -> {
		});
		awaitCompletions(2_000);
		assertThat(controls.verifyDisks(DOM1, DEADLINE).mismatches()).isZero();
		DeviceCounters c = counters();
		assertThat(c.lost()).isZero();
		assertThat(c.duplicated()).isZero();
		assertThat(c.verifyFailures()).isZero();
	}

	@Test
	void aWorkloadLargerThanTheGuestsMemoryRunsWithinIt() {
		// 16 MiB is 4,096 pages; 1,024 requests of 32 pages would take 32,768
		boot(16, 1 << 20);
		controls.startWorkload(DOM1, new WorkloadSpec(true, 1024, 256, 1 << 16, false, 1));
		awaitCompletions(500);
		assertThat(controls.verifyDisks(DOM1, DEADLINE).mismatches()).isZero();
		assertThat(counters().lost()).isZero();
	}

	@Test
	void verifiesARegionFarLargerThanTheGuestsMemoryAndLeavesTheWorkloadRunning() {
		hv.host.faults.defaultBlockLatency = Duration.ZERO;
		// 16 MiB is 4,096 pages; reading 2^19 sectors back at once would take 65,536
		boot(16, 1 << 20);
		controls.startWorkload(DOM1, new WorkloadSpec(true, 16, 64, 1 << 19, false, 1));
		awaitCompletions(1_000);

		assertThat(controls.verifyDisks(DOM1, DEADLINE).mismatches()).isZero();

		assertThat(controls.workloadRunning(DOM1)).isTrue();
		awaitCompletions(1_000);
		assertThat(counters().verifiedReads()).as("the whole region read back").isGreaterThan((1 << 19) / 64);
		assertThat(counters().lost()).isZero();
	}

	@Test
	void aVerifyThatTimesOutStillLeavesTheWorkloadRunning() {
		boot(64, 1 << 16);
		controls.startWorkload(DOM1, new WorkloadSpec(true, 16, 8, 4096, false, 1));
		awaitCompletions(100);
		controls.setBackendLatency(DOM1, org.xso.hypervisor.DeviceId.vbd(51712), Duration.ofMillis(200));

		org.assertj.core.api.Assertions.assertThatThrownBy(() -> controls.verifyDisks(DOM1, Duration.ofMillis(50)))
			.isInstanceOf(org.xso.hypervisor.HypervisorException.class);

		controls.setBackendLatency(DOM1, org.xso.hypervisor.DeviceId.vbd(51712), Duration.ofMillis(1));
		assertThat(controls.workloadRunning(DOM1)).isTrue();
		awaitCompletions(100);
		assertThat(controls.verifyDisks(DOM1, DEADLINE).mismatches()).isZero();
	}

}
