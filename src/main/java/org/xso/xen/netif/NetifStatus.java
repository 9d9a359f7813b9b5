package org.xso.xen.netif;

/**
 * Response status codes ({@code NETIF_RSP_*}). An rx response status above zero is
 * instead the number of bytes received.
 */
public final class NetifStatus {

	public static final int NETIF_RSP_DROPPED = -2;

	public static final int NETIF_RSP_ERROR = -1;

	public static final int NETIF_RSP_OKAY = 0;

	/** The response to an extra-info slot. */
	public static final int NETIF_RSP_NULL = 1;

	private NetifStatus() {
	}

}
