package org.xso.xen;

/**
 * An event-channel port ({@code evtchn_port_t}): a per-domain small integer; port 0 is never a
 * valid connection.
 */
public record EvtchnPort(int value) {

	public EvtchnPort {
		if (value < 0) {
			throw new IllegalArgumentException("evtchn port must be >= 0: " + value);
		}
	}

	public static EvtchnPort of(int value) {
		return new EvtchnPort(value);
	}

	@Override
	public String toString() {
		return Integer.toString(value);
	}

}
