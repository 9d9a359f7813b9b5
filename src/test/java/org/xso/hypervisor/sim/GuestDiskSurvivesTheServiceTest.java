package org.xso.hypervisor.sim;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xso.hypervisor.BlkbackFeatures;
import org.xso.hypervisor.DeviceCounters;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.DiskVerification;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.SavedDomain;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.hypervisor.WorkloadSpec;
import org.xso.xen.DomId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A guest's disk outlives the service: the simulator dies where it is (no guest told, no disk
 * closed), a new one on the same directory creates the domain again from its configuration, and
 * the guest, booted again with no memory of what it wrote, finds every acknowledged write on its
 * disk and verifies it.
 */
class GuestDiskSurvivesTheServiceTest {

	private static final DomId DOM1 = DomId.of(1);

	private static final DomId DOM2 = DomId.of(2);

	private static final DeviceId XVDA = DeviceId.vbd(51712);

	private static final Duration DEADLINE = Duration.ofSeconds(30);

	private static final int REGION = 2048;

	private static final GuestSpec SPEC = new GuestSpec("durable", 64, 1, List.of(
			new DeviceSpec.Vbd(51712, DomId.DOM0, 1 << 16, 512, BlkbackFeatures.LINUX_DEFAULT),
			new DeviceSpec.Vif(0, DomId.DOM0, "00:16:3e:00:00:01")));

	private static final WorkloadSpec WORKLOAD = new WorkloadSpec(true, 16, 8, REGION, true, 8);

	@Test
	void aGuestCreatedAgainAfterTheServiceDiedFindsEveryAcknowledgedWrite(@TempDir Path dir) {
		SimHypervisor before = new SimHypervisor(dir);
		long[] expected;
		try {
			before.create(Optional.of(DOM1), SPEC, DEADLINE);
			writeFor(before, DOM1, 300);
			before.controls().stopWorkload(DOM1);
			BlockWorkload w = workload(before, DOM1);
			await().atMost(DEADLINE).until(() -> w.outstanding() == 0);
			// the disk was new: a sector this boot neither wrote nor read holds zeros
			expected = java.util.Arrays.stream(expectations(w)).map(g -> g == BlockWorkload.UNKNOWN ? 0 : g).toArray();
			assertThat(java.util.Arrays.stream(expected).filter(g -> g > 0).count()).as("sectors written")
				.isGreaterThan(REGION / 8);
			before.halt();

			try (SimHypervisor after = new SimHypervisor(dir)) {
				after.create(Optional.of(DOM1), SPEC, DEADLINE);
				BlockWorkload booted = workload(after, DOM1);
				assertThat(booted.expected(0)).as("a guest booted again knows nothing yet")
					.isEqualTo(BlockWorkload.UNKNOWN);

				DiskVerification first = after.controls().verifyDisks(DOM1, DEADLINE);
				assertThat(first.mismatches()).isZero();
				assertThat(first.writtenSectors()).as("intact writes found on the disk")
					.isEqualTo(java.util.Arrays.stream(expected).filter(g -> g > 0).count());

				assertThat(expectations(booted)).as("what the guest learned from its disk").isEqualTo(expected);
				assertThat(booted.tornSectors()).isZero();
				writeFor(after, DOM1, 100);
				assertThat(after.controls().verifyDisks(DOM1, DEADLINE).mismatches()).isZero();
				DeviceCounters c = counters(after, DOM1);
				assertThat(c.lost()).isZero();
				assertThat(c.duplicated()).isZero();
				assertThat(c.verifyFailures()).isZero();
			}
		}
		finally {
			before.close();
		}
	}

	@Test
	void aWriteTheDiskLostOrPutInTheWrongPlaceFailsTheVerify(@TempDir Path dir) {
		SimHypervisor before = new SimHypervisor(dir);
		try {
			before.create(Optional.of(DOM1), SPEC, DEADLINE);
			writeFor(before, DOM1, 300);
			before.controls().stopWorkload(DOM1);
			BlockWorkload w = workload(before, DOM1);
			await().atMost(DEADLINE).until(() -> w.outstanding() == 0);
			long[] written = expectations(w);
			int a = firstWritten(written, 0);
			int b = firstWritten(written, a + 1);
			LiveDisk disk = before.host.disks.existing(DOM1, XVDA.devid());
			java.nio.ByteBuffer sector = java.nio.ByteBuffer.allocate(VirtualDisk.SECTOR_SIZE);
			disk.read(b, 1, sector, 0);
			// sector a loses its last write; b's content lands on a as well
			disk.write(a, 1, sector, 0);
			assertThat(before.controls().verifyDisks(DOM1, DEADLINE).mismatches())
				.as("the guest that wrote it")
				.isEqualTo(1);
			before.halt();

			try (SimHypervisor after = new SimHypervisor(dir)) {
				after.create(Optional.of(DOM1), SPEC, DEADLINE);
				assertThat(after.controls().verifyDisks(DOM1, DEADLINE).mismatches())
					.as("a guest that knows nothing still finds a sector that belongs elsewhere")
					.isEqualTo(1);
			}
		}
		finally {
			before.close();
		}
	}

	private static int firstWritten(long[] expected, int from) {
		for (int s = from; s < expected.length; s++) {
			if (expected[s] > 0) {
				return s;
			}
		}
		throw new AssertionError("no sector written from " + from);
	}

	@Test
	void aGuestKilledWithWritesInFlightVerifiesAfterwards(@TempDir Path dir) {
		SimHypervisor before = new SimHypervisor(dir);
		long[] acknowledged;
		try {
			before.create(Optional.of(DOM1), SPEC, DEADLINE);
			writeFor(before, DOM1, 300);
			// what the guest had acknowledged when it died; more may land before the drivers stop
			acknowledged = expectations(workload(before, DOM1));
			before.halt();

			try (SimHypervisor after = new SimHypervisor(dir)) {
				after.create(Optional.of(DOM1), SPEC, DEADLINE);
				assertThat(after.controls().verifyDisks(DOM1, DEADLINE).mismatches()).isZero();
				BlockWorkload booted = workload(after, DOM1);
				for (int s = 0; s < REGION; s++) {
					long learned = booted.expected(s);
					if (acknowledged[s] > 0 && learned != BlockWorkload.UNKNOWN) {
						assertThat(learned).as("sector %d: a write acknowledged before the crash, or a later one", s)
							.isGreaterThanOrEqualTo(acknowledged[s]);
					}
				}
				// only a write in flight at the crash may have left a sector torn: at most the queue's worth
				assertThat(booted.tornSectors()).isLessThanOrEqualTo(16L * 8);
				writeFor(after, DOM1, 100);
				assertThat(after.controls().verifyDisks(DOM1, DEADLINE).mismatches()).isZero();
				assertThat(counters(after, DOM1).lost()).isZero();
			}
		}
		finally {
			before.close();
		}
	}

	@Test
	void snapshotsKeepTheBytesTheyStartedWithAndARestoreGetsTheCheckpointsDisk(@TempDir Path dir) throws Exception {
		try (SimHypervisor hv = new SimHypervisor(dir)) {
			hv.create(Optional.of(DOM1), SPEC, DEADLINE);
			writeFor(hv, DOM1, 200);
			hv.quiesce(DOM1, SuspendStrategy.SHADOW_REPLAY, DEADLINE);
			SavedDomain checkpoint = hv.save(DOM1, DEADLINE);
			long[] atCheckpoint = expectations(workload(hv, DOM1));
			hv.thaw(DOM1, DEADLINE);
			writeFor(hv, DOM1, 200);

			// a copy beside the original, under a name of its own
			hv.resume(SavedImages.renamed(checkpoint, "durable-copy"), DOM2, DEADLINE, p -> {
			});
			// the restored guest holds the checkpoint's memory and finds the checkpoint's disk
			assertThat(hv.controls().verifyDisks(DOM2, DEADLINE).mismatches()).isZero();
			assertThat(hv.controls().verifyDisks(DOM1, DEADLINE).mismatches()).isZero();
			assertThat(counters(hv, DOM2).lost()).isZero();
			assertThat(counters(hv, DOM2).duplicated()).isZero();
			assertThat(java.util.Arrays.stream(atCheckpoint).filter(g -> g > 0).count()).isPositive();

			hv.destroy(DOM2, DEADLINE);
			assertThat(dir.resolve("live/dom2-vbd51712.disk")).doesNotExist();
			assertThat(dir.resolve("live/dom1-vbd51712.disk")).exists();
			hv.destroy(DOM1, DEADLINE);
			assertThat(dir.resolve("live")).isEmptyDirectory();
			hv.releaseStorage(checkpoint.devices().get(0).backendInfo());
			try (var files = Files.list(dir)) {
				assertThat(files.map(p -> p.getFileName().toString())).containsExactly("live");
			}
		}
	}

	@Test
	void aSuspendedGuestsDiskIsParkedWithItsSnapshotAndGoesWithIt(@TempDir Path dir) throws Exception {
		try (SimHypervisor hv = new SimHypervisor(dir)) {
			hv.create(Optional.of(DOM1), SPEC, DEADLINE);
			writeFor(hv, DOM1, 200);
			hv.quiesce(DOM1, SuspendStrategy.SHADOW_REPLAY, DEADLINE);
			SavedDomain image = hv.save(DOM1, DEADLINE);
			hv.suspend(DOM1, DEADLINE);
			String snapshot = image.devices().get(0).backendInfo().get(SimDomains.DISK_SNAPSHOT);
			assertThat(names(dir.resolve("live"))).containsExactly("parked-" + snapshot + ".disk");

			hv.resume(image, DOM1, DEADLINE, p -> {
			});
			assertThat(names(dir.resolve("live"))).containsExactly("dom1-vbd51712.disk");
			writeFor(hv, DOM1, 100);
			assertThat(hv.controls().verifyDisks(DOM1, DEADLINE).mismatches()).isZero();
			assertThat(counters(hv, DOM1).lost()).isZero();
			assertThat(counters(hv, DOM1).duplicated()).isZero();

			// suspended again, and its checkpoint deleted: nothing of the disk is left
			hv.quiesce(DOM1, SuspendStrategy.SUSPEND_RESUME, DEADLINE);
			SavedDomain second = hv.save(DOM1, DEADLINE);
			hv.suspend(DOM1, DEADLINE);
			hv.releaseStorage(second.devices().get(0).backendInfo());
			hv.releaseStorage(image.devices().get(0).backendInfo());
			assertThat(dir.resolve("live")).isEmptyDirectory();
			assertThat(names(dir)).containsExactly("live");
		}
	}

	@Test
	void aSuspendedGuestResumesAfterTheServiceDiedAndARestoreElsewhereGetsTheSnapshot(@TempDir Path dir) {
		SavedDomain image;
		long[] atSave;
		try (SimHypervisor before = new SimHypervisor(dir)) {
			before.create(Optional.of(DOM1), SPEC, DEADLINE);
			writeFor(before, DOM1, 200);
			before.quiesce(DOM1, SuspendStrategy.SUSPEND_RESUME, DEADLINE);
			image = before.save(DOM1, DEADLINE);
			atSave = expectations(workload(before, DOM1));
			before.suspend(DOM1, DEADLINE);
		}
		try (SimHypervisor after = new SimHypervisor(dir)) {
			after.resume(SavedImages.renamed(image, "durable-copy"), DOM2, DEADLINE, p -> {
			});
			after.resume(image, DOM1, DEADLINE, p -> {
			});
			// the resumed workload goes on writing: every sector holds what it held at the save or a later generation
			long[] resumed = expectations(workload(after, DOM1));
			assertThat(resumed).hasSameSizeAs(atSave);
			for (int i = 0; i < atSave.length; i++) {
				assertThat(resumed[i]).as("sector %d", i).isGreaterThanOrEqualTo(atSave[i]);
			}
			for (DomId d : List.of(DOM1, DOM2)) {
				assertThat(after.controls().verifyDisks(d, DEADLINE).mismatches()).as("dom%s", d).isZero();
				assertThat(counters(after, d).lost()).isZero();
			}
		}
	}

	@Test
	void aDiskIsParkedOnlyUnderTheSnapshotOfTheSaveBeforeTheSuspend(@TempDir Path dir) throws Exception {
		try (SimHypervisor hv = new SimHypervisor(dir)) {
			hv.create(Optional.of(DOM1), SPEC, DEADLINE);
			writeFor(hv, DOM1, 200);
			hv.quiesce(DOM1, SuspendStrategy.SHADOW_REPLAY, DEADLINE);
			SavedDomain earlier = hv.save(DOM1, DEADLINE);
			hv.thaw(DOM1, DEADLINE);
			writeFor(hv, DOM1, 200);
			// ended without a save of its own: the disk it had since is not the earlier checkpoint's
			hv.quiesce(DOM1, SuspendStrategy.SUSPEND_RESUME, DEADLINE);
			hv.suspend(DOM1, DEADLINE);
			assertThat(dir.resolve("live")).isEmptyDirectory();

			hv.resume(earlier, DOM1, DEADLINE, p -> {
			});
			assertThat(hv.controls().verifyDisks(DOM1, DEADLINE).mismatches()).isZero();
		}
	}

	private static List<String> names(Path dir) throws java.io.IOException {
		try (var files = Files.list(dir)) {
			return files.map(p -> p.getFileName().toString()).sorted().toList();
		}
	}

	private static void writeFor(SimHypervisor hv, DomId domid, long completions) {
		hv.controls().startWorkload(domid, WORKLOAD);
		long start = counters(hv, domid).completed();
		await().atMost(DEADLINE).until(() -> counters(hv, domid).completed() >= start + completions);
	}

	private static long[] expectations(BlockWorkload w) {
		long[] out = new long[REGION];
		for (int s = 0; s < REGION; s++) {
			out[s] = w.expected(s);
		}
		return out;
	}

	private static BlockWorkload workload(SimHypervisor hv, DomId domid) {
		return hv.host.guest(domid).blockWorkload(XVDA);
	}

	private static DeviceCounters counters(SimHypervisor hv, DomId domid) {
		return hv.guest(domid).orElseThrow().devices().stream().filter(d -> d.id().equals(XVDA)).findFirst()
			.orElseThrow().counters();
	}

}
