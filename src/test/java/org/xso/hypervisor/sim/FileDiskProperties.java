package org.xso.hypervisor.sim;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The file-backed live disk checked against a model that holds every byte: after any mix of
 * writes, discards, snapshots, a clean reopen and a reopen while the old mapping is still alive
 * (the process died: the page cache has what it wrote), the disk and every snapshot restored into
 * a new disk read exactly what the model says.
 */
class FileDiskProperties {

	/** Chunks in more than one index group (512 slots each), with a ragged end. */
	private static final int SECTORS = 3 * 512 * 8 + 5;

	sealed interface Op permits Write, Discard, Snapshot, Reopen, Crash {
	}

	record Write(int sector, int count, byte fill) implements Op {
	}

	record Discard(int sector, int count) implements Op {
	}

	record Snapshot() implements Op {
	}

	record Reopen() implements Op {
	}

	/** A new disk opens the file while the old one is neither flushed nor closed. */
	record Crash() implements Op {
	}

	private final List<FileDisk> open = new ArrayList<>();

	private Path dir;

	@AfterProperty
	void cleanUp() throws IOException {
		open.forEach(FileDisk::close);
		open.clear();
		if (dir != null) {
			try (var files = Files.walk(dir)) {
				files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
			}
		}
	}

	@Property(tries = 100)
	void readsWhatTheModelSaysAcrossSnapshotsAndRestarts(@ForAll("ops") List<Op> ops) throws IOException {
		dir = Files.createTempDirectory("filedisk");
		Path file = dir.resolve("live.disk");
		FileDisk disk = track(FileDisk.open(file, SECTORS));
		byte[] model = new byte[SECTORS * FileDisk.SECTOR_SIZE];
		List<byte[]> snapshotModels = new ArrayList<>();
		List<Path> snapshotFiles = new ArrayList<>();
		for (Op op : ops) {
			if (op instanceof Write w) {
				write(disk, w.sector(), w.count(), w.fill());
				fill(model, w.sector(), w.count(), w.fill());
			}
			else if (op instanceof Discard d) {
				disk.discard(d.sector(), d.count());
				Arrays.fill(model, d.sector() * FileDisk.SECTOR_SIZE, (d.sector() + d.count()) * FileDisk.SECTOR_SIZE,
						(byte) 0);
			}
			else if (op instanceof Snapshot) {
				Path snap = dir.resolve("snap-" + snapshotFiles.size() + ".vdisk");
				disk.writeSnapshot(snap);
				snapshotFiles.add(snap);
				snapshotModels.add(model.clone());
			}
			else if (op instanceof Reopen) {
				disk.close();
				disk = track(FileDisk.open(file, SECTORS));
			}
			else if (op instanceof Crash) {
				disk = track(FileDisk.open(file, SECTORS));
			}
		}
		assertThat(readAll(disk)).isEqualTo(model);
		for (int i = 0; i < snapshotFiles.size(); i++) {
			FileDisk restored = track(FileDisk.open(dir.resolve("restored-" + i + ".disk"), SECTORS));
			restored.copyFrom(snapshotFiles.get(i));
			assertThat(readAll(restored)).as("snapshot %d", i).isEqualTo(snapshotModels.get(i));
		}
	}

	private FileDisk track(FileDisk disk) {
		open.add(disk);
		return disk;
	}

	@Provide
	Arbitrary<List<Op>> ops() {
		Arbitrary<Integer> sector = Arbitraries.integers().between(0, SECTORS - 16);
		Arbitrary<Integer> count = Arbitraries.integers().between(1, 16);
		Arbitrary<Op> write = Combinators.combine(sector, count, Arbitraries.bytes()).as(Write::new);
		Arbitrary<Op> discard = Combinators.combine(sector, count).as(Discard::new);
		return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, write), net.jqwik.api.Tuple.of(1, discard),
				net.jqwik.api.Tuple.of(2, Arbitraries.just(new Snapshot())),
				net.jqwik.api.Tuple.of(1, Arbitraries.just(new Reopen())),
				net.jqwik.api.Tuple.of(1, Arbitraries.just(new Crash())))
			.list()
			.ofMaxSize(60);
	}

	@Test
	void keepsOnlyWhatIsWrittenOfAHugeDisk(@TempDir Path dir) throws IOException {
		long sectors = 1L << 40;
		Path file = dir.resolve("huge.disk");
		FileDisk disk = FileDisk.open(file, sectors);
		try {
			write(disk, sectors - 1, 1, (byte) 9);
			write(disk, 0, 1, (byte) 3);
			assertThat(disk.allocatedBytes()).isEqualTo(2 * FileDisk.CHUNK_SIZE);
		}
		finally {
			disk.close();
		}
		FileDisk again = FileDisk.open(file, sectors);
		try {
			ByteBuffer last = ByteBuffer.allocate(FileDisk.SECTOR_SIZE);
			again.read(sectors - 1, 1, last, 0);
			assertThat(last.get(0)).isEqualTo((byte) 9);
			assertThat(again.allocatedBytes()).isEqualTo(2 * FileDisk.CHUNK_SIZE);
		}
		finally {
			again.close();
		}
	}

	@Test
	void startsEmptyWhereTheFileHoldsADiskOfAnotherSize(@TempDir Path dir) {
		Path file = dir.resolve("live.disk");
		FileDisk disk = FileDisk.open(file, 4096);
		write(disk, 10, 2, (byte) 5);
		disk.close();

		FileDisk other = FileDisk.open(file, 8192);
		try {
			assertThat(other.allocatedBytes()).isZero();
			assertThat(readAll(other, 8192)).containsOnly((byte) 0);
		}
		finally {
			other.close();
		}
	}

	@Test
	void refusesIoOnceClosedAndDeletesItsFile(@TempDir Path dir) {
		Path file = dir.resolve("live.disk");
		FileDisk disk = FileDisk.open(file, 64);
		write(disk, 0, 1, (byte) 1);
		disk.delete();
		assertThat(file).doesNotExist();
		assertThatThrownBy(() -> write(disk, 0, 1, (byte) 1)).isInstanceOf(IllegalStateException.class);
	}

	@Test
	void aSnapshotFileHoldsOnlyTheWrittenChunks(@TempDir Path dir) throws IOException {
		FileDisk disk = FileDisk.open(dir.resolve("live.disk"), SECTORS);
		try {
			write(disk, 4100, 2, (byte) 7);
			Path snap = dir.resolve("s.vdisk");
			disk.writeSnapshot(snap);
			assertThat(Files.size(snap)).isEqualTo(8 + 8 + 4 + 8 + FileDisk.CHUNK_SIZE);
			assertThat(FileDisk.snapshotSectors(snap)).isEqualTo(SECTORS);
		}
		finally {
			disk.close();
		}
	}

	private static void write(FileDisk disk, long sector, int count, byte fill) {
		ByteBuffer src = ByteBuffer.allocate(count * FileDisk.SECTOR_SIZE);
		for (int i = 0; i < src.capacity(); i++) {
			src.put(i, (byte) (fill + i / FileDisk.SECTOR_SIZE));
		}
		disk.write(sector, count, src, 0);
	}

	private static void fill(byte[] model, int sector, int count, byte fill) {
		for (int i = 0; i < count * FileDisk.SECTOR_SIZE; i++) {
			model[sector * FileDisk.SECTOR_SIZE + i] = (byte) (fill + i / FileDisk.SECTOR_SIZE);
		}
	}

	private static byte[] readAll(FileDisk disk) {
		return readAll(disk, SECTORS);
	}

	private static byte[] readAll(FileDisk disk, int sectors) {
		ByteBuffer all = ByteBuffer.allocate(sectors * FileDisk.SECTOR_SIZE);
		disk.read(0, sectors, all, 0);
		return all.array();
	}

}
