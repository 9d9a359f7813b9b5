package org.xso.hypervisor.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Copy-on-write snapshots of the virtual disk checked against a model that copies every byte: after
 * any mix of writes, discards, snapshots and restores, the live disk, every snapshot and every
 * disk restored from one read exactly what the model says.
 */
class VirtualDiskProperties {

	/** Spans a few chunk pages (512 chunks of 8 sectors each), so page and chunk copies both happen. */
	private static final int SECTORS = 3 * 512 * 8 + 5;

	sealed interface Op permits Write, Discard, Snapshot, Restore, WriteRestored {
	}

	record Write(int sector, int count, byte fill) implements Op {
	}

	record Discard(int sector, int count) implements Op {
	}

	record Snapshot() implements Op {
	}

	/** Makes a new writable disk from snapshot {@code which} (modulo the snapshots taken so far). */
	record Restore(int which) implements Op {
	}

	/** Writes to restored disk {@code which}, which must not show in its snapshot or the live disk. */
	record WriteRestored(int which, int sector, byte fill) implements Op {
	}

	private static final class Modelled {

		final VirtualDisk disk;

		final byte[] bytes;

		Modelled(VirtualDisk disk, byte[] bytes) {
			this.disk = disk;
			this.bytes = bytes;
		}

	}

	@Property(tries = 200)
	void everyDiskReadsWhatTheFullCopyModelSays(@ForAll("ops") List<Op> ops) {
		Modelled live = new Modelled(new VirtualDisk(SECTORS), new byte[SECTORS * VirtualDisk.SECTOR_SIZE]);
		List<Modelled> snapshots = new ArrayList<>();
		List<Modelled> restored = new ArrayList<>();
		for (Op op : ops) {
			if (op instanceof Write w) {
				write(live, w.sector(), w.count(), w.fill());
			}
			else if (op instanceof Discard d) {
				live.disk.discard(d.sector(), d.count());
				Arrays.fill(live.bytes, d.sector() * VirtualDisk.SECTOR_SIZE,
						(d.sector() + d.count()) * VirtualDisk.SECTOR_SIZE, (byte) 0);
			}
			else if (op instanceof Snapshot) {
				snapshots.add(new Modelled(live.disk.snapshot(), live.bytes.clone()));
			}
			else if (op instanceof Restore r && !snapshots.isEmpty()) {
				Modelled snap = snapshots.get(r.which() % snapshots.size());
				restored.add(new Modelled(snap.disk.writableCopy(), snap.bytes.clone()));
			}
			else if (op instanceof WriteRestored w && !restored.isEmpty()) {
				write(restored.get(w.which() % restored.size()), w.sector(), 1, w.fill());
			}
		}
		assertReads(live);
		snapshots.forEach(VirtualDiskProperties::assertReads);
		restored.forEach(VirtualDiskProperties::assertReads);
	}

	private static void write(Modelled m, int sector, int count, byte fill) {
		ByteBuffer src = ByteBuffer.allocate(count * VirtualDisk.SECTOR_SIZE);
		for (int i = 0; i < src.capacity(); i++) {
			src.put(i, (byte) (fill + i / VirtualDisk.SECTOR_SIZE));
		}
		m.disk.write(sector, count, src, 0);
		src.get(0, m.bytes, sector * VirtualDisk.SECTOR_SIZE, src.capacity());
	}

	private static void assertReads(Modelled m) {
		ByteBuffer all = ByteBuffer.allocate(SECTORS * VirtualDisk.SECTOR_SIZE);
		m.disk.read(0, SECTORS, all, 0);
		assertThat(all.array()).isEqualTo(m.bytes);
	}

	@Provide
	Arbitrary<List<Op>> ops() {
		Arbitrary<Integer> sector = Arbitraries.integers().between(0, SECTORS - 16);
		Arbitrary<Integer> count = Arbitraries.integers().between(1, 16);
		Arbitrary<Byte> fill = Arbitraries.bytes();
		Arbitrary<Op> write = Combinators.combine(sector, count, fill).as(Write::new);
		Arbitrary<Op> discard = Combinators.combine(sector, count).as(Discard::new);
		Arbitrary<Op> snapshot = Arbitraries.just(new Snapshot());
		Arbitrary<Op> restore = Arbitraries.integers().between(0, 20).map(Restore::new);
		Arbitrary<Op> writeRestored = Combinators.combine(Arbitraries.integers().between(0, 20), sector, fill)
			.as(WriteRestored::new);
		return Arbitraries.frequencyOf(Tuple(6, write), Tuple(1, discard), Tuple(2, snapshot), Tuple(1, restore),
				Tuple(2, writeRestored))
			.list()
			.ofMaxSize(60);
	}

	private static net.jqwik.api.Tuple.Tuple2<Integer, Arbitrary<? extends Op>> Tuple(int weight,
			Arbitrary<? extends Op> op) {
		return net.jqwik.api.Tuple.of(weight, op);
	}

	@Test
	void aSnapshotIsReadOnly() {
		VirtualDisk live = new VirtualDisk(SECTORS);
		ByteBuffer data = ByteBuffer.allocate(2 * VirtualDisk.SECTOR_SIZE);
		Arrays.fill(data.array(), (byte) 7);
		live.write(4100, 2, data, 0);
		VirtualDisk snap = live.snapshot();
		assertThatThrownBy(() -> snap.write(0, 1, data, 0)).isInstanceOf(IllegalStateException.class);
		live.write(4100, 1, ByteBuffer.allocate(VirtualDisk.SECTOR_SIZE), 0);

		ByteBuffer read = ByteBuffer.allocate(2 * VirtualDisk.SECTOR_SIZE);
		snap.read(4100, 2, read, 0);
		assertThat(read.array()).isEqualTo(data.array());
		assertThat(snap.allocatedBytes()).isEqualTo(4096);
	}

}
