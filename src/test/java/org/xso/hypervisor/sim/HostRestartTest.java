package org.xso.hypervisor.sim;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xso.hypervisor.BlkbackFeatures;
import org.xso.hypervisor.DeviceCounters;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.ResumeBlocker;
import org.xso.hypervisor.SavedDomain;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.hypervisor.WorkloadSpec;
import org.xso.xen.DomId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A checkpoint outlives the simulator that took it: a new host, given only the saved bytes and the
 * snapshot directory, restores the guest on its own frames with its disk as the checkpoint saw it.
 */
class HostRestartTest {

	private static final DomId DOM1 = DomId.of(1);

	private static final Duration DEADLINE = Duration.ofSeconds(60);

	@Test
	void resumesASuspendedGuestOnANewHostFromTheCheckpointAlone(@TempDir Path snapshots) throws Exception {
		byte[] saved;
		try (SimHypervisor before = new SimHypervisor(snapshots)) {
			before.create(Optional.of(DOM1), new GuestSpec("g", 256, 1, List.of(
					new DeviceSpec.Vbd(51712, DomId.DOM0, 1 << 16, 512, BlkbackFeatures.LINUX_DEFAULT))), DEADLINE);
			before.controls().startWorkload(DOM1, new WorkloadSpec(true, 16, 8, 1024, false, 1));
			Thread.sleep(50);
			before.quiesce(DOM1, SuspendStrategy.SHADOW_REPLAY, DEADLINE);
			saved = before.save(DOM1, DEADLINE).canonicalBytes();
			before.suspend(DOM1, DEADLINE);
		}
		try (SimHypervisor after = new SimHypervisor(snapshots)) {
			SavedDomain image = SavedDomain.fromCanonicalBytes(saved);
			assertThat(after.resumeBlockers(image)).isEmpty();
			after.resume(image, DOM1, DEADLINE, p -> {
			});
			long completed = counters(after).completed();
			await().atMost(DEADLINE).until(() -> counters(after).completed() > completed + 100);
			assertThat(after.controls().verifyDisks(DOM1, DEADLINE).mismatches()).isZero();
			after.controls().stopWorkload(DOM1);
			await().atMost(DEADLINE).until(() -> counters(after).inFlight() == 0);
			DeviceCounters c = counters(after);
			assertThat(c.duplicated()).isZero();
			assertThat(c.lost()).isZero();
			assertThat(c.completed()).isEqualTo(c.issued());
			after.releaseStorage(image.devices().get(0).backendInfo());
			// and the resumed guest runs under the saved name
			assertThat(after.resumeBlockers(image)).extracting(ResumeBlocker::kind)
				.containsExactlyInAnyOrder(ResumeBlocker.Kind.STORAGE_MISSING, ResumeBlocker.Kind.DOMAIN_NAME_IN_USE);
			try (var files = java.nio.file.Files.list(snapshots)) {
				assertThat(files).as("no snapshot left; the running guest's live disk under live/")
					.containsExactly(snapshots.resolve("live"));
			}
		}
		try (SimHypervisor elsewhere = new SimHypervisor()) {
			assertThat(elsewhere.resumeBlockers(SavedDomain.fromCanonicalBytes(saved)))
				.anyMatch(b -> b.kind() == ResumeBlocker.Kind.STORAGE_MISSING && b.detail().contains("disk snapshot"));
		}
	}

	private static DeviceCounters counters(SimHypervisor hv) {
		return hv.guest(DOM1).orElseThrow().devices().get(0).counters();
	}

}
