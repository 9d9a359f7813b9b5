package org.xso.hypervisor.sim;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xso.hypervisor.BlkbackFeatures;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.SavedDomain;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.xen.DomId;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Simulated hosts given one directory share their storage: they report one storage id, and one
 * host's collection of unreferenced storage leaves alone what is younger than the bound it is
 * given (another host's save whose checkpoint is not stored yet).
 */
class SharedStorageTest {

	private static final DomId DOM1 = DomId.of(1);

	private static final Duration DEADLINE = Duration.ofSeconds(30);

	private static final GuestSpec SPEC = new GuestSpec("shared", 64, 1,
			List.of(new DeviceSpec.Vbd(51712, DomId.DOM0, 1 << 12, 512, BlkbackFeatures.LINUX_DEFAULT)));

	@Test
	void hostsOnOneDirectoryReportOneStorageIdAndOthersTheirOwn(@TempDir Path shared, @TempDir Path own) {
		try (SimHypervisor a = new SimHypervisor(shared); SimHypervisor b = new SimHypervisor(shared);
				SimHypervisor c = new SimHypervisor(own); SimHypervisor memory = new SimHypervisor()) {
			assertThat(a.storageId()).isPresent();
			assertThat(b.storageId()).isEqualTo(a.storageId());
			assertThat(c.storageId()).isPresent().isNotEqualTo(a.storageId());
			assertThat(memory.storageId()).isPresent().isNotEqualTo(a.storageId()).isNotEqualTo(c.storageId());
		}
	}

	@Test
	void aCollectionBoundedInTimeLeavesAnotherHostsYoungSaveAlone(@TempDir Path shared) {
		try (SimHypervisor a = new SimHypervisor(shared); SimHypervisor b = new SimHypervisor(shared)) {
			a.create(Optional.of(DOM1), SPEC, DEADLINE);
			a.quiesce(DOM1, SuspendStrategy.SUSPEND_RESUME, DEADLINE);
			SavedDomain saved = a.save(DOM1, DEADLINE); // its checkpoint not stored: nothing references it yet
			assertThat(saved.devices().get(0).backendInfo()).containsKey(SimDomains.DISK_SNAPSHOT);

			assertThat(b.releaseStorageExcept(List.of(), Instant.now().minus(Duration.ofHours(2))))
				.as("younger than the bound: possibly a save in progress").isZero();
			String snapshot = saved.devices().get(0).backendInfo().get(SimDomains.DISK_SNAPSHOT);
			assertThat(shared.resolve(snapshot + ".vdisk")).as("the save's storage is still there").exists();

			assertThat(b.releaseStorageExcept(List.of(), Instant.now().plusSeconds(1))).isPositive();
			assertThat(shared.resolve(snapshot + ".vdisk")).doesNotExist();
		}
	}

}
