package org.xso.hypervisor;

import java.util.ArrayList;
import java.util.List;

import org.xso.xen.GrantRef;

/**
 * One shared ring at the moment of save: its name ({@code ring} for blkif, {@code queue-<i>} for each
 * queue of a multi-queue blkif, {@code tx} / {@code rx} for netif), {@code ring-page-order}, the
 * grant refs of its pages, the page bytes (header and slots exactly as in memory), the shared
 * header indices and the frontend's private ones.
 */
public record RingSnapshot(String name, int pageOrder, List<GrantRef> refs, byte[] pages, int reqProd, int reqEvent,
		int rspProd, int rspEvent, int reqProdPvt, int rspCons) {

	public RingSnapshot {
		refs = List.copyOf(refs);
		pages = pages.clone();
	}

	@Override
	public byte[] pages() {
		return pages.clone();
	}

	void writeTo(CanonicalOutput out) {
		out.writeString(name).writeInt(pageOrder).writeInt(refs.size());
		refs.forEach(r -> out.writeInt(r.value()));
		out.writeBytes(pages)
			.writeInt(reqProd)
			.writeInt(reqEvent)
			.writeInt(rspProd)
			.writeInt(rspEvent)
			.writeInt(reqProdPvt)
			.writeInt(rspCons);
	}

	static RingSnapshot readFrom(CanonicalInput in) {
		String name = in.readString();
		int order = in.readInt();
		int n = in.readCount(16);
		List<GrantRef> refs = new ArrayList<>(n);
		for (int i = 0; i < n; i++) {
			refs.add(GrantRef.of(in.readInt()));
		}
		return new RingSnapshot(name, order, refs, in.readBytes(), in.readInt(), in.readInt(), in.readInt(),
				in.readInt(), in.readInt(), in.readInt());
	}

	@Override
	public boolean equals(Object o) {
		return o instanceof RingSnapshot r && java.util.Arrays.equals(CanonicalBytes.of(this::writeTo),
				CanonicalBytes.of(r::writeTo));
	}

	@Override
	public int hashCode() {
		return java.util.Arrays.hashCode(CanonicalBytes.of(this::writeTo));
	}

}
