package org.xso.hypervisor.sim;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

import org.xso.hypervisor.CanonicalInput;
import org.xso.hypervisor.CanonicalOutput;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.WorkloadSpec;
import org.xso.xen.Pfn;
import org.xso.xen.blkif.BlkifOp;
import org.xso.xen.blkif.BlkifStatus;

/**
 * A guest's block workload: self-verifying writes and read-backs with {@code queueDepth} requests
 * outstanding. Every written sector carries its sector number, a generation, the request's tag and
 * a CRC32; a read checks each sector against the last acknowledged generation. No two outstanding
 * requests overlap (as a file system would not issue them), so after any replay the disk must hold
 * exactly the acknowledged data. Counts every completion against the set of outstanding tags: a
 * second completion of a tag is a duplicate.
 */
final class BlockWorkload implements BioSink, Workload {

	/** Sector layout: sector u64 | generation u64 | tag u64 | pattern ... | crc32 u32 at 508. */
	private static final int CRC_OFFSET = VirtualDisk.SECTOR_SIZE - 4;

	private record Outstanding(int op, long sector, int nrSectors, long generation, List<Pfn> pages) {
	}

	private final SimGuest guest;

	private final DeviceId id;

	private Blkfront front;

	private WorkloadSpec spec = WorkloadSpec.DEFAULT;

	private boolean running;

	private boolean frozen;

	private SplittableRandom random = new SplittableRandom(1);

	private long nextTag = 1;

	private long generation;

	private long[] acked = new long[0];

	private final BitSet locked = new BitSet();

	private final Map<Long, Outstanding> outstanding = new HashMap<>();

	private long issued;

	private long completed;

	private long duplicated;

	private long errors;

	private long verifyFailures;

	private long verifiedReads;

	BlockWorkload(SimGuest guest, DeviceId id) {
		this.guest = guest;
		this.id = id;
	}

	void attach(Blkfront front) {
		this.front = front;
	}

	@Override
	public synchronized void start(WorkloadSpec spec) {
		this.spec = spec;
		if (acked.length < spec.regionSectors()) {
			acked = java.util.Arrays.copyOf(acked, (int) spec.regionSectors());
		}
		random = new SplittableRandom(guest.domid().value() * 31L + id.devid());
		running = true;
		fill();
	}

	@Override
	public synchronized void stop() {
		running = false;
	}

	@Override
	public synchronized boolean running() {
		return running;
	}

	/** The guest's processes are frozen for a suspend: nothing new is submitted. */
	@Override
	public synchronized void freeze(boolean frozen) {
		this.frozen = frozen;
		if (!frozen) {
			fill();
		}
	}

	private void fill() {
		while (running && !frozen && outstanding.size() < spec.queueDepth()) {
			if (!submitRandom()) {
				return;
			}
		}
	}

	private boolean submitRandom() {
		int n = 1 + random.nextInt(spec.maxSectors());
		for (int attempt = 0; attempt < 8; attempt++) {
			long s = random.nextLong(spec.regionSectors() - n + 1);
			if (locked.nextSetBit((int) s) >= s + n || locked.nextSetBit((int) s) < 0) {
				boolean write = random.nextInt(10) < 7;
				submit(write ? BlkifOp.WRITE : BlkifOp.READ, s, n);
				return true;
			}
		}
		return false;
	}

	private void submit(int op, long sector, int n) {
		long tag = nextTag++;
		long gen = op == BlkifOp.WRITE ? ++generation : 0;
		List<Pfn> pages = new ArrayList<>();
		for (int i = 0; i < n; i += Bio.SECTORS_PER_PAGE) {
			Pfn p = guest.memory().allocate();
			pages.add(p);
			if (op == BlkifOp.WRITE) {
				ByteBuffer page = guest.memory().page(p);
				for (int k = 0; k < Math.min(Bio.SECTORS_PER_PAGE, n - i); k++) {
					writeSector(page, k * VirtualDisk.SECTOR_SIZE, sector + i + k, gen, tag);
				}
			}
		}
		locked.set((int) sector, (int) sector + n);
		outstanding.put(tag, new Outstanding(op, sector, n, gen, pages));
		issued++;
		front.submit(new Bio(tag, op, sector, n, pages));
	}

	static void writeSector(ByteBuffer page, int off, long sector, long gen, long tag) {
		page.putLong(off, sector);
		page.putLong(off + 8, gen);
		page.putLong(off + 16, tag);
		for (int i = 24; i < CRC_OFFSET; i += 4) {
			page.putInt(off + i, (int) (sector * 0x9E3779B1L ^ gen * 31 + i));
		}
		page.putInt(off + CRC_OFFSET, crc(page, off));
	}

	private static int crc(ByteBuffer page, int off) {
		CRC32 crc = new CRC32();
		byte[] b = new byte[CRC_OFFSET];
		page.get(off, b);
		crc.update(b);
		return (int) crc.getValue();
	}

	/** Whether a sector read back holds what the last acknowledged write put there. */
	static boolean sectorIntact(ByteBuffer page, int off, long sector, long expectedGen) {
		if (expectedGen == 0) {
			for (int i = 0; i < VirtualDisk.SECTOR_SIZE; i += 8) {
				if (page.getLong(off + i) != 0) {
					return false;
				}
			}
			return true;
		}
		return page.getLong(off) == sector && page.getLong(off + 8) == expectedGen
				&& page.getInt(off + CRC_OFFSET) == crc(page, off);
	}

	@Override
	public synchronized void completed(long tag, int status) {
		Outstanding o = outstanding.remove(tag);
		if (o == null) {
			duplicated++;
			return;
		}
		completed++;
		if (status != BlkifStatus.OKAY) {
			errors++;
		}
		else if (o.op() == BlkifOp.WRITE) {
			for (int i = 0; i < o.nrSectors(); i++) {
				acked[(int) (o.sector() + i)] = o.generation();
			}
		}
		else if (o.op() == BlkifOp.READ) {
			verify(o);
		}
		o.pages().forEach(guest.memory()::free);
		locked.clear((int) o.sector(), (int) o.sector() + o.nrSectors());
		fill();
	}

	private void verify(Outstanding o) {
		for (int i = 0; i < o.nrSectors(); i++) {
			ByteBuffer page = guest.memory().page(o.pages().get(i / Bio.SECTORS_PER_PAGE));
			long sector = o.sector() + i;
			long expected = sector < acked.length ? acked[(int) sector] : 0;
			if (!sectorIntact(page, (i % Bio.SECTORS_PER_PAGE) * VirtualDisk.SECTOR_SIZE, sector, expected)) {
				verifyFailures++;
			}
		}
		verifiedReads++;
	}

	/**
	 * Reads back the whole region in requests of up to {@code maxSectors}, each checked against the
	 * acknowledged generations (the workload must be stopped and idle).
	 */
	synchronized int submitVerifyPass() {
		int submitted = 0;
		int chunk = Math.max(1, Math.min(spec.maxSectors(), 64));
		for (long s = 0; s < acked.length; s += chunk) {
			int n = (int) Math.min(chunk, acked.length - s);
			if (locked.nextSetBit((int) s) >= 0 && locked.nextSetBit((int) s) < s + n) {
				continue;
			}
			submit(BlkifOp.READ, s, n);
			submitted++;
		}
		return submitted;
	}

	synchronized int outstanding() {
		return outstanding.size();
	}

	synchronized long verifyFailures() {
		return verifyFailures;
	}

	synchronized long[] counters() {
		return new long[] { issued, completed, duplicated, errors, verifyFailures, verifiedReads };
	}

	/** The workload's memory, for the save image (its data pages are in the guest's pages). */
	@Override
	public synchronized void writeTo(CanonicalOutput out) {
		out.writeBoolean(running).writeInt(spec.queueDepth()).writeInt(spec.maxSectors())
			.writeLong(spec.regionSectors()).writeLong(nextTag).writeLong(generation).writeInt(acked.length);
		for (long a : acked) {
			out.writeLong(a);
		}
		out.writeInt(outstanding.size());
		outstanding.forEach((tag, o) -> {
			out.writeLong(tag).writeInt(o.op()).writeLong(o.sector()).writeInt(o.nrSectors()).writeLong(o.generation());
			out.writeInt(o.pages().size());
			o.pages().forEach(p -> out.writeLong(p.value()));
		});
		out.writeLong(issued).writeLong(completed).writeLong(duplicated).writeLong(errors).writeLong(verifyFailures)
			.writeLong(verifiedReads);
	}

	@Override
	public synchronized void readFrom(CanonicalInput in) {
		running = in.readBoolean();
		spec = new WorkloadSpec(true, in.readInt(), in.readInt(), in.readLong(), spec.net(), spec.packetWindow());
		nextTag = in.readLong();
		generation = in.readLong();
		acked = new long[in.readCount(1 << 24)];
		for (int i = 0; i < acked.length; i++) {
			acked[i] = in.readLong();
		}
		int n = in.readCount(1 << 16);
		for (int i = 0; i < n; i++) {
			long tag = in.readLong();
			int op = in.readInt();
			long sector = in.readLong();
			int nr = in.readInt();
			long gen = in.readLong();
			int np = in.readCount(4096);
			List<Pfn> pages = new ArrayList<>(np);
			for (int k = 0; k < np; k++) {
				pages.add(Pfn.of(in.readLong()));
			}
			outstanding.put(tag, new Outstanding(op, sector, nr, gen, pages));
			locked.set((int) sector, (int) sector + nr);
		}
		issued = in.readLong();
		completed = in.readLong();
		duplicated = in.readLong();
		errors = in.readLong();
		verifyFailures = in.readLong();
		verifiedReads = in.readLong();
		random = new SplittableRandom(guest.domid().value() * 31L + id.devid() + nextTag);
	}

}
