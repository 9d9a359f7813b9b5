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
 * outstanding, within the first {@code regionSectors} of the disk (all of a smaller disk). Every
 * written sector carries its sector number, a generation, the request's tag and
 * a CRC32; a read checks each sector against the last acknowledged generation. No two outstanding
 * requests overlap (as a file system would not issue them), so after any replay the disk must hold
 * exactly the acknowledged data. Counts every completion against the set of outstanding tags: a
 * second completion of a tag is a duplicate.
 *
 * <p>
 * A guest booted on a disk that already holds data (its domain created again after the service
 * died: the guest lost its memory, not its disk) knows nothing of it: every sector starts
 * {@link #UNKNOWN}, and the first read of it learns what the disk holds, as a file system's
 * check would, from the sector itself: zeros (never written), or a sector that names itself and
 * whose CRC32 holds (its generation is then the one to expect). A sector that names another
 * sector is a verify failure (data landed in the wrong place); one whose CRC does not hold was
 * being written when the guest died (a write never acknowledged) and stays unknown until it is
 * written again. Generations start from the boot time, so a write of this boot never carries the
 * generation a sector of an earlier boot holds.
 *
 * <p>
 * Guest memory is finite: a request whose pages cannot be allocated is not submitted, and the
 * workload tries again when a completion frees pages.
 *
 * <p>
 * <b>Threads.</b> Several threads call it: blkfront's executor with completions, the controls and
 * the save on the caller's thread, the guest's bus when it attaches the device. Every field is
 * guarded by the workload's monitor; it hands bios to blkfront by message and never waits for the
 * driver while it holds the monitor.
 */
final class BlockWorkload implements BioSink, Workload {

	/** Sector layout: sector u64 | generation u64 | tag u64 | pattern ... | crc32 u32 at 508. */
	private static final int CRC_OFFSET = VirtualDisk.SECTOR_SIZE - 4;

	/** What the guest knows of a sector it has neither written nor read since it booted. */
	static final long UNKNOWN = -1;

	/**
	 * Pages the workload leaves free for blkfront: a persistent pool page per segment and an
	 * indirect page of the largest request, so one request can always go on the ring.
	 */
	private static final int DRIVER_RESERVE = 64;

	/** Read requests a verify pass keeps outstanding at most. */
	private static final int VERIFY_WINDOW = 32;

	private record Outstanding(int op, long sector, int nrSectors, long generation, List<Pfn> pages) {
	}

	private final SimGuest guest;

	private final DeviceId id;

	private Blkfront front;

	private WorkloadSpec spec = WorkloadSpec.DEFAULT;

	/** The sectors the workload uses: the spec's region, or the whole disk if that is smaller. */
	private long region = WorkloadSpec.DEFAULT.regionSectors();

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

	/** Sectors read back by verify passes that held an intact write of the guest's (never reset). */
	private long writtenSectorsChecked;

	private long verifiedReads;

	/** Sectors learned torn (a write in flight when an earlier boot died). */
	private long torn;

	/** A verify pass holds the workload: nothing but its reads is submitted. */
	private boolean verifying;

	private long verifyCursor;

	private long verifyEnd;

	BlockWorkload(SimGuest guest, DeviceId id) {
		this.guest = guest;
		this.id = id;
		this.generation = System.currentTimeMillis() << 20;
	}

	synchronized void attach(Blkfront front) {
		this.front = front;
	}

	@Override
	public synchronized void start(WorkloadSpec spec) {
		this.spec = spec;
		region = Math.min(spec.regionSectors(), diskSectors());
		growRegion(region);
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

	/** The sectors of this vbd's disk, as the guest's config has it. */
	private long diskSectors() {
		return guest.spec().devices().stream()
			.filter(d -> d instanceof org.xso.hypervisor.DeviceSpec.Vbd v && v.devid() == id.devid())
			.mapToLong(d -> ((org.xso.hypervisor.DeviceSpec.Vbd) d).sectors())
			.findFirst()
			.orElse(Long.MAX_VALUE);
	}

	private void growRegion(long sectors) {
		if (acked.length < sectors) {
			int from = acked.length;
			acked = java.util.Arrays.copyOf(acked, (int) sectors);
			java.util.Arrays.fill(acked, from, acked.length, UNKNOWN);
		}
	}

	private void fill() {
		while (running && !frozen && !verifying && outstanding.size() < spec.queueDepth()) {
			if (!submitRandom()) {
				return;
			}
		}
	}

	private boolean submitRandom() {
		int n = 1 + random.nextInt((int) Math.min(spec.maxSectors(), region));
		for (int attempt = 0; attempt < 8; attempt++) {
			long s = random.nextLong(region - n + 1);
			if (locked.nextSetBit((int) s) >= s + n || locked.nextSetBit((int) s) < 0) {
				boolean write = random.nextInt(10) < 7;
				return submit(write ? BlkifOp.WRITE : BlkifOp.READ, s, n);
			}
		}
		return false;
	}

	/** Submits a request; false, and nothing submitted, if the guest has no memory for its pages. */
	private boolean submit(int op, long sector, int n) {
		List<Pfn> pages = new ArrayList<>();
		for (int i = 0; i < n; i += Bio.SECTORS_PER_PAGE) {
			Pfn p = guest.memory().tryAllocate(DRIVER_RESERVE);
			if (p == null) {
				pages.forEach(guest.memory()::free);
				return false;
			}
			pages.add(p);
		}
		long tag = nextTag++;
		long gen = op == BlkifOp.WRITE ? ++generation : 0;
		if (op == BlkifOp.WRITE) {
			for (int i = 0; i < n; i += Bio.SECTORS_PER_PAGE) {
				ByteBuffer page = guest.memory().page(pages.get(i / Bio.SECTORS_PER_PAGE));
				for (int k = 0; k < Math.min(Bio.SECTORS_PER_PAGE, n - i); k++) {
					writeSector(page, k * VirtualDisk.SECTOR_SIZE, sector + i + k, gen, tag);
				}
			}
		}
		locked.set((int) sector, (int) sector + n);
		outstanding.put(tag, new Outstanding(op, sector, n, gen, pages));
		issued++;
		front.submit(new Bio(tag, op, sector, n, pages));
		return true;
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
		if (verifying) {
			pumpVerify();
		}
		else {
			fill();
		}
	}

	private void verify(Outstanding o) {
		long tornBefore = torn;
		for (int i = 0; i < o.nrSectors(); i++) {
			ByteBuffer page = guest.memory().page(o.pages().get(i / Bio.SECTORS_PER_PAGE));
			long sector = o.sector() + i;
			int off = (i % Bio.SECTORS_PER_PAGE) * VirtualDisk.SECTOR_SIZE;
			long expected = sector < acked.length ? acked[(int) sector] : UNKNOWN;
			if (expected == UNKNOWN) {
				if (learn(page, off, sector)) {
					writtenSectorsChecked++;
				}
			}
			else if (!sectorIntact(page, off, sector, expected)) {
				verifyFailures++;
			}
			else if (expected > 0) {
				writtenSectorsChecked++;
			}
		}
		verifiedReads++;
		if (torn > tornBefore) {
			SimLog.warn("guest-" + guest.domid(), id + ": " + (torn - tornBefore) + " sectors near " + o.sector()
					+ " hold a partial write (in flight when an earlier boot died); they stay unknown");
		}
	}

	/**
	 * What a sector the guest knew nothing of holds, from the sector itself; true if it holds an
	 * intact write of the guest's.
	 */
	private boolean learn(ByteBuffer page, int off, long sector) {
		if (sectorIntact(page, off, sector, 0)) {
			setAcked(sector, 0);
		}
		else if (page.getInt(off + CRC_OFFSET) != crc(page, off)) {
			torn++;
		}
		else if (page.getLong(off) == sector && page.getLong(off + 8) > 0) {
			setAcked(sector, page.getLong(off + 8));
			return true;
		}
		else {
			// a whole, checksummed sector that belongs elsewhere: a write landed in the wrong place
			verifyFailures++;
		}
		return false;
	}

	private void setAcked(long sector, long gen) {
		if (sector < acked.length) {
			acked[(int) sector] = gen;
		}
	}

	/**
	 * Holds the workload for a verify pass: nothing new is submitted; what is outstanding completes.
	 * Once {@link #outstanding()} is 0 the caller starts the pass.
	 */
	synchronized void holdForVerify() {
		verifying = true;
	}

	/**
	 * Reads back the whole region (the workload's, or the default one if it never ran in this boot)
	 * in requests of up to 64 sectors, at most {@value #VERIFY_WINDOW} at a time, each checked
	 * against the acknowledged generations, or learned where the guest knows nothing of a sector.
	 */
	synchronized void startVerifyPass() {
		growRegion(Math.min(diskSectors(), Math.max(acked.length, region)));
		verifyCursor = 0;
		verifyEnd = acked.length;
		pumpVerify();
	}

	private void pumpVerify() {
		int chunk = Math.max(1, Math.min(spec.maxSectors(), 64));
		int window = Math.min(VERIFY_WINDOW, Math.max(1, spec.queueDepth()));
		while (verifyCursor < verifyEnd && outstanding.size() < window) {
			int n = (int) Math.min(chunk, verifyEnd - verifyCursor);
			if (!submit(BlkifOp.READ, verifyCursor, n)) {
				return;
			}
			verifyCursor += n;
		}
	}

	/** Whether the verify pass has read the whole region back. */
	synchronized boolean verifyDone() {
		return verifyCursor >= verifyEnd && outstanding.isEmpty();
	}

	/** Ends a verify pass (done or not): the workload goes on as it was. */
	synchronized void releaseFromVerify() {
		verifying = false;
		verifyCursor = verifyEnd;
		fill();
	}

	synchronized int outstanding() {
		return outstanding.size();
	}

	synchronized long writtenSectorsChecked() {
		return writtenSectorsChecked;
	}

	synchronized long verifyFailures() {
		return verifyFailures;
	}

	/** What the guest expects sector {@code sector} to hold: a generation, 0 (zeros) or {@link #UNKNOWN}. */
	synchronized long expected(long sector) {
		return sector < acked.length ? acked[(int) sector] : UNKNOWN;
	}

	synchronized long tornSectors() {
		return torn;
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
		region = Math.min(spec.regionSectors(), diskSectors());
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
