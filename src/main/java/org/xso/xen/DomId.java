package org.xso.xen;

/**
 * A Xen domain id ({@code domid_t}, u16). 0 is dom0; ids from {@link #DOMID_FIRST_RESERVED}
 * (0x7FF0) up are reserved (DOMID_SELF, DOMID_IO, ...), so a guest is 1..32751.
 */
public record DomId(int value) implements Comparable<DomId> {

	/** {@code DOMID_FIRST_RESERVED} from xen.h. */
	public static final int DOMID_FIRST_RESERVED = 0x7FF0;

	/** The largest id a guest may have. */
	public static final int MAX_GUEST = DOMID_FIRST_RESERVED - 1;

	public static final DomId DOM0 = new DomId(0);

	public DomId {
		if (value < 0 || value >= DOMID_FIRST_RESERVED) {
			throw new IllegalArgumentException("domid must be 0.." + MAX_GUEST + ": " + value);
		}
	}

	public static DomId of(int value) {
		return value == 0 ? DOM0 : new DomId(value);
	}

	/** A guest domain id, 1..32751. */
	public static DomId guest(int value) {
		if (value < 1 || value > MAX_GUEST) {
			throw new IllegalArgumentException("guest domid must be 1.." + MAX_GUEST + ": " + value);
		}
		return new DomId(value);
	}

	public boolean isDom0() {
		return value == 0;
	}

	@Override
	public int compareTo(DomId o) {
		return Integer.compare(value, o.value);
	}

	@Override
	public String toString() {
		return Integer.toString(value);
	}

}
