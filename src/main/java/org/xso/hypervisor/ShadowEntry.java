package org.xso.hypervisor;

import java.util.ArrayList;
import java.util.List;

/**
 * A request in flight at save time, as the frontend's shadow keeps it (Linux
 * {@code blkfront_info.shadow[id]}): ring id, the workload's tag, the operation, the start
 * sector (vbd) and length (512-byte sectors for a vbd, bytes for a vif transmit), the guest
 * frames holding its data, and the grant refs it was issued with (dead after a restore).
 */
public record ShadowEntry(long id, long tag, int operation, long sectorNumber, int length, List<Long> pfns,
		List<Integer> grefs) {

	public ShadowEntry {
		pfns = List.copyOf(pfns);
		grefs = List.copyOf(grefs);
	}

	void writeTo(CanonicalOutput out) {
		out.writeLong(id).writeLong(tag).writeInt(operation).writeLong(sectorNumber).writeInt(length);
		out.writeInt(pfns.size());
		pfns.forEach(out::writeLong);
		out.writeInt(grefs.size());
		grefs.forEach(out::writeInt);
	}

	static ShadowEntry readFrom(CanonicalInput in) {
		long id = in.readLong();
		long tag = in.readLong();
		int op = in.readInt();
		long sector = in.readLong();
		int length = in.readInt();
		int np = in.readCount(4096);
		List<Long> pfns = new ArrayList<>(np);
		for (int i = 0; i < np; i++) {
			pfns.add(in.readLong());
		}
		int ng = in.readCount(4096);
		List<Integer> grefs = new ArrayList<>(ng);
		for (int i = 0; i < ng; i++) {
			grefs.add(in.readInt());
		}
		return new ShadowEntry(id, tag, op, sector, length, pfns, grefs);
	}

}
