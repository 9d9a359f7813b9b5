package org.xso.hypervisor.sim;

import java.util.List;

import org.xso.hypervisor.CanonicalInput;
import org.xso.hypervisor.CanonicalOutput;
import org.xso.xen.Pfn;

/**
 * A block I/O as the guest's block layer hands it to blkfront: a tag the submitter knows it by,
 * the blkif operation, the start sector (512-byte units), the sector count, and the guest pages
 * holding the data (page i holds sectors 8i..8i+7 of the request). Immutable: it passes from the
 * workload's thread to blkfront's executor.
 */
record Bio(long tag, int op, long sector, int nrSectors, List<Pfn> pages) {

	static final int SECTORS_PER_PAGE = 8;

	Bio {
		pages = List.copyOf(pages);
	}

	/** The sectors of page {@code i} that this I/O covers. */
	int sectorsInPage(int i) {
		return Math.min(SECTORS_PER_PAGE, nrSectors - i * SECTORS_PER_PAGE);
	}

	void writeTo(CanonicalOutput out) {
		out.writeLong(tag).writeInt(op).writeLong(sector).writeInt(nrSectors).writeInt(pages.size());
		pages.forEach(p -> out.writeLong(p.value()));
	}

	static Bio readFrom(CanonicalInput in) {
		long tag = in.readLong();
		int op = in.readInt();
		long sector = in.readLong();
		int nr = in.readInt();
		int n = in.readCount(4096);
		Pfn[] pages = new Pfn[n];
		for (int i = 0; i < n; i++) {
			pages[i] = Pfn.of(in.readLong());
		}
		return new Bio(tag, op, sector, nr, List.of(pages));
	}

}
