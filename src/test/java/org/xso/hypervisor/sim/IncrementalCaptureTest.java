package org.xso.hypervisor.sim;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xso.hypervisor.BlkbackFeatures;
import org.xso.hypervisor.CanonicalInput;
import org.xso.hypervisor.Capture;
import org.xso.hypervisor.DeviceCounters;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.SavedDomain;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.hypervisor.WorkloadSpec;
import org.xso.xen.DomId;
import org.xso.xen.mm.MachineMemory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Continuous checkpointing's captures: the first full, the next ones only what changed (memory
 * pages, disk chunks); any epoch of a chain restores to exactly what it captured, and a link that
 * was changed or does not belong is refused with the reason.
 */
class IncrementalCaptureTest {

	private static final DomId DOM1 = DomId.of(1);

	private static final DeviceId XVDA = DeviceId.vbd(51712);

	private static final Duration DEADLINE = Duration.ofSeconds(30);

	private static final int REGION = 2048;

	private static final long SECTORS = 1 << 13;

	private static final GuestSpec SPEC = new GuestSpec("remus", 64, 1, List.of(
			new DeviceSpec.Vbd(51712, DomId.DOM0, SECTORS, 512, BlkbackFeatures.LINUX_DEFAULT),
			new DeviceSpec.Vif(0, DomId.DOM0, "00:16:3e:00:00:01")));

	private static final WorkloadSpec WORKLOAD = new WorkloadSpec(true, 16, 8, REGION, true, 8);

	/** What one epoch captured, read from the paused guest beside its capture. */
	private record Epoch(Capture capture, byte[] disk, Map<Long, byte[]> pages) {
	}

	@Test
	void everyEpochOfAChainRestoresToExactlyWhatItCaptured(@TempDir Path dir) {
		try (SimHypervisor hv = new SimHypervisor(dir)) {
			hv.create(Optional.of(DOM1), SPEC, DEADLINE);
			List<Epoch> epochs = epochs(hv, 6);
			assertThat(epochs.get(0).capture().incremental()).as("the first capture").isFalse();
			assertThat(epochs.subList(1, 6)).allMatch(e -> e.capture().incremental());
			hv.destroy(DOM1, DEADLINE);

			for (int k = 0; k < epochs.size(); k++) {
				List<SavedDomain> chain = epochs.subList(0, k + 1).stream().map(e -> e.capture().saved()).toList();
				SavedDomain resolved = hv.resolve(chain);
				assertThat(pages(resolved.memoryImage())).as("epoch %d's memory", k)
					.isEqualTo(epochs.get(k).pages());
				assertThat(resolved.devices()).as("epoch %d's devices", k)
					.isEqualTo(epochs.get(k).capture().saved().devices());

				DomId target = DomId.of(20 + k);
				hv.resume(resolved, target, DEADLINE, p -> {
				});
				// its disk before the guest runs would be what it captured; the guest's own record of what
				// it wrote (its memory at that epoch) finds exactly that on the disk, and goes on losing nothing
				assertThat(hv.controls().verifyDisks(target, DEADLINE).mismatches()).as("epoch %d", k).isZero();
				writeFor(hv, target, 50);
				DeviceCounters counters = counters(hv, target);
				assertThat(counters.lost()).isZero();
				assertThat(counters.duplicated()).isZero();
				hv.destroy(target, DEADLINE);
			}
		}
	}

	@Test
	void aChainsDiskIsByteForByteTheDiskOfItsEpoch(@TempDir Path dir) {
		try (SimHypervisor hv = new SimHypervisor(dir)) {
			hv.create(Optional.of(DOM1), SPEC, DEADLINE);
			List<Epoch> epochs = epochs(hv, 5);
			for (int k = 0; k < epochs.size(); k++) {
				DomId scratch = DomId.of(40 + k);
				hv.host.disks.restore(snapshot(epochs.get(k).capture()), scratch, XVDA.devid(),
						DiskStore.Volume.own(scratch, XVDA.devid()), false);
				byte[] restored = disk(hv.host.disks.existing(scratch, XVDA.devid()));
				assertThat(java.util.Arrays.mismatch(restored, epochs.get(k).disk()))
					.as("epoch %d's disk: the first byte that differs", k)
					.isEqualTo(-1);
				hv.host.disks.remove(scratch, XVDA.devid());
			}
		}
	}

	@Test
	void incrementalCapturesNoStoredCheckpointNamesAreCollectedAndAChainStaysWhole(@TempDir Path dir) throws IOException {
		try (SimHypervisor hv = new SimHypervisor(dir)) {
			hv.create(Optional.of(DOM1), SPEC, DEADLINE);
			List<Epoch> epochs = epochs(hv, 3);
			List<String> ids = epochs.stream().map(e -> snapshot(e.capture())).toList();
			assertThat(dir.resolve(ids.get(0) + ".vdisk")).exists();
			assertThat(dir.resolve(ids.get(2) + ".vdelta")).exists();
			// the service died before epoch 3's checkpoint was stored: at the next start only 1 and 2 are named
			int released = hv.releaseStorageExcept(epochs.subList(0, 2).stream()
				.flatMap(e -> e.capture().saved().devices().stream())
				.<Map<String, String>>map(d -> d.backendInfo())
				.toList());
			assertThat(released).isEqualTo(1);
			assertThat(dir.resolve(ids.get(2) + ".vdelta")).doesNotExist();
			assertThat(dir.resolve(ids.get(1) + ".vdelta")).exists();
			hv.destroy(DOM1, DEADLINE);
			hv.resume(hv.resolve(epochs.subList(0, 2).stream().map(e -> e.capture().saved()).toList()), DOM1, DEADLINE,
					p -> {
					});
			assertThat(hv.controls().verifyDisks(DOM1, DEADLINE).mismatches()).isZero();
		}
	}

	/**
	 * Chain compaction: an epoch in the middle of a chain, compacted, is a full snapshot under its own
	 * id; the captures before it can go, and it and every epoch built on it still restore to exactly
	 * what they captured (memory and disk, byte for byte). A chain with a capture missing is not
	 * compacted, and says why.
	 */
	@Test
	void aCompactedEpochStandsAloneAndTheEpochsBuiltOnItStillRestoreToWhatTheyCaptured(@TempDir Path dir)
			throws IOException {
		try (SimHypervisor hv = new SimHypervisor(dir)) {
			hv.create(Optional.of(DOM1), SPEC, DEADLINE);
			List<Epoch> epochs = epochs(hv, 5);
			List<SavedDomain> saved = epochs.stream().map(e -> e.capture().saved()).toList();
			SavedDomain third = hv.resolve(saved.subList(0, 3));
			String id = snapshot(epochs.get(2).capture());
			byte[] delta = java.nio.file.Files.readAllBytes(dir.resolve(id + ".vdelta"));
			hv.compact(third);
			assertThat(dir.resolve(id + ".vdisk")).exists();
			assertThat(dir.resolve(id + ".vdelta")).doesNotExist();
			// a crash between the full snapshot's move into place and the delta's removal, and one in the
			// middle of writing the scratch disk: what is left restores the same, and goes at the next start
			// or the next compaction
			java.nio.file.Files.write(dir.resolve(id + ".vdelta"), delta);
			java.nio.file.Files.write(dir.resolve(id + ".compact.tmp"), new byte[] { 1, 2, 3 });
			assertThat(hv.releaseStorageExcept(saved.stream()
				.flatMap(s -> s.devices().stream())
				.<Map<String, String>>map(d -> d.backendInfo())
				.toList())).isZero();
			assertThat(dir.resolve(id + ".compact.tmp")).doesNotExist();
			DomId interrupted = DomId.of(59);
			hv.host.disks.restore(snapshot(epochs.get(4).capture()), interrupted, XVDA.devid(),
					DiskStore.Volume.own(interrupted, XVDA.devid()), false);
			assertThat(java.util.Arrays.mismatch(disk(hv.host.disks.existing(interrupted, XVDA.devid())),
					epochs.get(4).disk()))
				.as("the newest epoch's disk with both files of the compacted one there")
				.isEqualTo(-1);
			hv.host.disks.remove(interrupted, XVDA.devid());
			hv.compact(third);
			assertThat(dir.resolve(id + ".vdelta")).doesNotExist();
			// the captures it built on go (retention deletes their checkpoints); compacting again changes nothing
			epochs.subList(0, 2)
				.forEach(e -> e.capture().saved().devices().forEach(d -> hv.releaseStorage(d.backendInfo())));
			assertThat(dir.resolve(snapshot(epochs.get(0).capture()) + ".vdisk")).doesNotExist();
			hv.compact(third);
			for (int k = 2; k < epochs.size(); k++) {
				List<SavedDomain> chain = new ArrayList<>(List.of(third));
				chain.addAll(saved.subList(3, k + 1));
				assertThat(pages(hv.resolve(chain).memoryImage())).as("epoch %d's memory", k)
					.isEqualTo(epochs.get(k).pages());
				DomId scratch = DomId.of(60 + k);
				hv.host.disks.restore(snapshot(epochs.get(k).capture()), scratch, XVDA.devid(),
						DiskStore.Volume.own(scratch, XVDA.devid()), false);
				assertThat(java.util.Arrays.mismatch(disk(hv.host.disks.existing(scratch, XVDA.devid())),
						epochs.get(k).disk()))
					.as("epoch %d's disk: the first byte that differs", k)
					.isEqualTo(-1);
				hv.host.disks.remove(scratch, XVDA.devid());
			}

			// the fourth's capture gone: the fifth cannot be compacted, and stays as it was
			java.nio.file.Files.delete(dir.resolve(snapshot(epochs.get(3).capture()) + ".vdelta"));
			SavedDomain fifth = hv.resolve(List.of(third, saved.get(3), saved.get(4)));
			assertThatThrownBy(() -> hv.compact(fifth)).isInstanceOf(HypervisorException.class)
				.hasMessageContaining("a capture of its chain is missing");
			assertThat(dir.resolve(snapshot(epochs.get(4).capture()) + ".vdelta")).exists();
			assertThat(dir.resolve(snapshot(epochs.get(4).capture()) + ".vdisk")).doesNotExist();
		}
	}

	@Test
	void anIncrementalCaptureHoldsOnlyWhatChanged(@TempDir Path dir) {
		try (SimHypervisor hv = new SimHypervisor(dir)) {
			hv.create(Optional.of(DOM1), SPEC, DEADLINE);
			writeFor(hv, DOM1, 400);
			Capture full = capture(hv, true);
			assertThat(full.incremental()).isFalse();
			hv.controls().stopWorkload(DOM1);
			BlockWorkload w = hv.host.guest(DOM1).blockWorkload(XVDA);
			await().atMost(DEADLINE).until(() -> w.outstanding() == 0);
			Capture idle = capture(hv, true);
			Capture quiet = capture(hv, true);
			assertThat(quiet.incremental()).isTrue();
			// nothing ran between the two: no disk chunk, no page holds anything new
			assertThat(quiet.contentBytes()).as("an epoch in which nothing ran").isZero();
			assertThat(full.contentBytes()).isGreaterThan(idle.contentBytes());
			// a full capture again when asked, and after a capture was discarded
			assertThat(capture(hv, false).incremental()).isFalse();
			Capture discarded = capture(hv, true);
			assertThat(discarded.incremental()).isTrue();
			hv.discardCapture(discarded);
			assertThat(capture(hv, true).incremental()).as("after a discarded capture").isFalse();
		}
	}

	@Test
	void aChangedLinkOrOneThatDoesNotBelongIsRefusedWithTheReason(@TempDir Path dir) throws IOException {
		try (SimHypervisor hv = new SimHypervisor(dir)) {
			hv.create(Optional.of(DOM1), SPEC, DEADLINE);
			List<Capture> chain = new ArrayList<>();
			for (int n = 0; n < 4; n++) {
				writeFor(hv, DOM1, 100);
				chain.add(capture(hv, true));
			}
			List<SavedDomain> saved = chain.stream().map(Capture::saved).toList();
			// a link left out: the next one does not build on the one before it
			assertThatThrownBy(() -> hv.resolve(List.of(saved.get(0), saved.get(2), saved.get(3))))
				.isInstanceOf(HypervisorException.class)
				.hasMessageContaining("link 2 builds on capture");
			// an incremental capture alone is not a saved guest
			assertThatThrownBy(() -> hv.resume(SavedImages.renamed(saved.get(2), "remus-copy"), DomId.of(9), DEADLINE,
					p -> {
					}))
				.hasMessageContaining("incremental capture");

			// a byte of an incremental disk capture changed in its file: the restore names the file and the reason
			String third = snapshot(chain.get(2));
			try (RandomAccessFile f = new RandomAccessFile(dir.resolve(third + ".vdelta").toFile(), "rw")) {
				f.seek(f.length() - 100);
				int b = f.read();
				f.seek(f.length() - 100);
				f.write(b ^ 0x5a);
			}
			hv.destroy(DOM1, DEADLINE);
			assertThatThrownBy(() -> hv.resume(hv.resolve(saved), DomId.of(9), DEADLINE, p -> {
			})).hasMessageContaining(third).hasMessageContaining("CRC-32C");
			assertThat(hv.guest(DomId.of(9))).as("nothing is left of the refused restore").isEmpty();
			// the links before it are intact
			hv.resume(hv.resolve(saved.subList(0, 2)), DomId.of(9), DEADLINE, p -> {
			});
			assertThat(hv.controls().verifyDisks(DomId.of(9), DEADLINE).mismatches()).isZero();
		}
	}

	/**
	 * {@code n} epochs of DOM1, each after some I/O: its capture (incremental where it can be), and its
	 * disk and memory read while it was paused. Drained (SUSPEND_RESUME): nothing is in flight, so
	 * disk and memory hold still while the guest is paused.
	 */
	private static List<Epoch> epochs(SimHypervisor hv, int n) {
		List<Epoch> epochs = new ArrayList<>();
		for (int i = 0; i < n; i++) {
			writeFor(hv, DOM1, 150);
			hv.quiesce(DOM1, SuspendStrategy.SUSPEND_RESUME, DEADLINE);
			Capture c = hv.capture(DOM1, DEADLINE, true);
			epochs.add(new Epoch(c, disk(hv.host.disks.existing(DOM1, XVDA.devid())),
					pages(GuestImage.write(hv.host.guest(DOM1)))));
			hv.persistCapture(c);
			hv.thaw(DOM1, DEADLINE);
		}
		return epochs;
	}

	private static Capture capture(SimHypervisor hv, boolean incremental) {
		hv.quiesce(DOM1, SuspendStrategy.SUSPEND_RESUME, DEADLINE);
		Capture c = hv.capture(DOM1, DEADLINE, incremental);
		hv.persistCapture(c);
		hv.thaw(DOM1, DEADLINE);
		return c;
	}

	private static String snapshot(Capture c) {
		return c.saved().devices().stream().filter(d -> d.id().equals(XVDA)).findFirst().orElseThrow()
			.backendInfo().get(SimDomains.DISK_SNAPSHOT);
	}

	private static byte[] disk(LiveDisk disk) {
		ByteBuffer all = ByteBuffer.allocate((int) (SECTORS * VirtualDisk.SECTOR_SIZE));
		disk.read(0, (int) SECTORS, all, 0);
		return all.array();
	}

	/** The populated pages of a save or capture image (pfn to content; a zero page as zeros). */
	private static Map<Long, byte[]> pages(byte[] image) {
		CanonicalInput in = new CanonicalInput(image);
		long first = in.readLong();
		if (first == GuestImage.CAPTURE_MARK) {
			in.readLong();
			assertThat(in.readLong()).as("a full image").isZero();
			in.readLong();
		}
		int n = in.readInt();
		Map<Long, byte[]> pages = new TreeMap<>();
		for (int i = 0; i < n; i++) {
			long pfn = in.readLong();
			int length = in.readInt();
			byte[] page = new byte[MachineMemory.PAGE_SIZE];
			in.readRaw(ByteBuffer.wrap(page), 0, length);
			pages.put(pfn, page);
		}
		return pages;
	}

	private static void writeFor(SimHypervisor hv, DomId domid, long completions) {
		hv.controls().startWorkload(domid, WORKLOAD);
		long start = counters(hv, domid).completed();
		await().atMost(DEADLINE).until(() -> counters(hv, domid).completed() >= start + completions);
	}

	private static DeviceCounters counters(SimHypervisor hv, DomId domid) {
		return hv.guest(domid).orElseThrow().devices().stream().filter(d -> d.id().equals(XVDA)).findFirst()
			.orElseThrow().counters();
	}

}
