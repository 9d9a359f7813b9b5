package org.xso.xen.grant;

import java.nio.ByteBuffer;

/** The outcome of {@code GNTTABOP_map_grant_ref}: a mapping, or a {@code GNTST_*} failure. */
public sealed interface GrantMapResult permits GrantMapResult.Mapped, GrantMapResult.Failed {

	/** The {@code GNTST_*} status: {@code GNTST_okay} for {@link Mapped}. */
	int status();

	default boolean isMapped() {
		return status() == Gntst.GNTST_okay;
	}

	/**
	 * The mapping.
	 * @throws IllegalStateException naming the status if the map failed
	 */
	default Mapped orElseThrow() {
		if (this instanceof Mapped mapped) {
			return mapped;
		}
		throw new IllegalStateException("grant map failed: " + Gntst.name(status()));
	}

	/**
	 * A successful map.
	 * @param handle what to unmap with
	 * @param page the granted frame's page, shared with the granter: writes are seen on both sides
	 */
	record Mapped(GrantHandle handle, ByteBuffer page) implements GrantMapResult {

		@Override
		public int status() {
			return Gntst.GNTST_okay;
		}

	}

	/**
	 * A failed map.
	 * @param status the negative {@code GNTST_*} code
	 */
	record Failed(int status) implements GrantMapResult {

		public Failed {
			if (status >= 0) {
				throw new IllegalArgumentException("a failed map has a negative GNTST status: " + status);
			}
		}

		@Override
		public String toString() {
			return "Failed[" + Gntst.name(this.status) + "]";
		}

	}

}
