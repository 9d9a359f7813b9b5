package org.xso.hypervisor.sim;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xso.hypervisor.BlkbackFeatures;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceInfo;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.SavedDomain;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.hypervisor.WorkloadSpec;
import org.xso.xen.DomId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A vbd with a disk target on a host that keeps its disks as files: the volume is a file named by
 * the target's hash, outlives the guest that wrote it, and a suspended guest resumes into it.
 */
class DiskTargetTest {

	private static final DomId DOM1 = DomId.of(1);

	private static final DeviceId XVDA = DeviceId.vbd(51712);

	private static final long SECTORS = 1 << 13;

	private static final Duration DEADLINE = Duration.ofSeconds(60);

	private static final String TARGET = "/dev/vg0/guest1";

	private static GuestSpec guest(String name) {
		return new GuestSpec(name, 128, 1, List.of(
				new DeviceSpec.Vbd(XVDA.devid(), DomId.DOM0, SECTORS, 512, BlkbackFeatures.LINUX_DEFAULT, TARGET)));
	}

	private static void run(SimHypervisor hv, DomId domid) {
		hv.controls().startWorkload(domid, new WorkloadSpec(true, 8, 8, 1024, false, 1));
		awaitMore(hv, domid, 200);
	}

	private static void awaitMore(SimHypervisor hv, DomId domid, long more) {
		long before = completed(hv, domid);
		await().atMost(DEADLINE).until(() -> completed(hv, domid) >= before + more);
	}

	private static long completed(SimHypervisor hv, DomId domid) {
		return hv.guest(domid).orElseThrow().devices().get(0).counters().completed();
	}

	private static void stop(SimHypervisor hv, DomId domid) {
		hv.controls().stopWorkload(domid);
		await().atMost(DEADLINE).until(() -> hv.guest(domid).orElseThrow().devices().get(0).counters().inFlight() == 0);
	}

	private static byte[] disk(SimHypervisor hv, DomId domid) {
		ByteBuffer all = ByteBuffer.allocate((int) (SECTORS * 512));
		hv.host.disks.existing(domid, XVDA.devid()).read(0, (int) SECTORS, all, 0);
		return all.array();
	}

	@Test
	void theVolumeIsAFileNamedByTheTargetsHashAndOutlivesTheGuest(@TempDir Path dir) throws Exception {
		Path volume = dir.resolve("live").resolve("vol-" + HexFormat.of()
			.formatHex(MessageDigest.getInstance("SHA-256").digest(TARGET.getBytes(StandardCharsets.UTF_8))) + ".disk");
		try (SimHypervisor hv = new SimHypervisor(dir, SimBackends.DEFAULT)) {
			hv.create(Optional.of(DOM1), guest("writer"), DEADLINE);
			run(hv, DOM1);
			stop(hv, DOM1);
			byte[] written = disk(hv, DOM1);
			assertThat(hv.controls().verifyDisks(DOM1, DEADLINE).mismatches()).isZero();
			assertThat(volume).isRegularFile();
			assertThat(dir.resolve("live").resolve("dom1-vbd51712.disk")).doesNotExist();

			hv.destroy(DOM1, DEADLINE);
			assertThat(volume).as("the operator's volume stays").isRegularFile();

			DomId reader = DomId.of(2);
			hv.create(Optional.of(reader), guest("reader"), DEADLINE);
			assertThat(disk(hv, reader)).isEqualTo(written);
		}
		try (var files = Files.list(dir.resolve("live"))) {
			assertThat(files.map(p -> p.getFileName().toString())).containsExactly(volume.getFileName().toString());
		}
	}

	@Test
	void aSuspendedGuestResumesIntoItsVolumeWithWhatWasInFlightReplayed(@TempDir Path dir) {
		try (SimHypervisor hv = new SimHypervisor(dir, SimBackends.DEFAULT)) {
			hv.create(Optional.of(DOM1), guest("guest1"), DEADLINE);
			run(hv, DOM1);
			for (int i = 0; i < 5; i++) {
				hv.quiesce(DOM1, SuspendStrategy.SHADOW_REPLAY, DEADLINE);
				SavedDomain image = hv.save(DOM1, DEADLINE);
				hv.suspend(DOM1, DEADLINE);
				hv.resume(image, DOM1, DEADLINE, p -> {
				});
				awaitMore(hv, DOM1, 50);
			}
			stop(hv, DOM1);
			DeviceInfo d = hv.guest(DOM1).orElseThrow().devices().get(0);
			assertThat(d.counters().lost()).isZero();
			assertThat(d.counters().duplicated()).isZero();
			assertThat(d.counters().completed()).isEqualTo(d.counters().issued());
			assertThat(hv.controls().verifyDisks(DOM1, DEADLINE).mismatches()).isZero();
		}
	}

}
