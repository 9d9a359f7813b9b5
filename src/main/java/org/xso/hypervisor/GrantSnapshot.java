package org.xso.hypervisor;

/**
 * A v1 grant entry the frontend had issued for a device at save time: ref, GTF flags, grantee
 * domid and frame (an MFN that is meaningless after the restore, which is why it is re-granted).
 */
public record GrantSnapshot(int ref, int flags, int domid, long frame) {

	void writeTo(CanonicalOutput out) {
		out.writeInt(ref).writeInt(flags).writeInt(domid).writeLong(frame);
	}

	static GrantSnapshot readFrom(CanonicalInput in) {
		return new GrantSnapshot(in.readInt(), in.readInt(), in.readInt(), in.readLong());
	}

}
