package org.xso.xen;

import java.util.EnumSet;
import java.util.Set;

/**
 * {@code enum xenbus_state} from {@code io/xenbus.h}: the per-end state each side publishes as a
 * decimal string in its {@code state} node.
 */
public enum XenbusState {

	Unknown(0), Initialising(1), InitWait(2), Initialised(3), Connected(4), Closing(5), Closed(6),
	Reconfiguring(7), Reconfigured(8);

	private final int value;

	XenbusState(int value) {
		this.value = value;
	}

	/** The protocol's integer value. */
	public int value() {
		return value;
	}

	/** The xenstore representation: the decimal value. */
	public String xenstoreValue() {
		return Integer.toString(value);
	}

	public static XenbusState of(int value) {
		for (XenbusState s : values()) {
			if (s.value == value) {
				return s;
			}
		}
		throw new IllegalArgumentException("XenbusState must be 0..8: " + value);
	}

	/**
	 * Parses a {@code state} node; an absent or unreadable node is {@link #Unknown}, as frontends
	 * and backends treat it.
	 */
	public static XenbusState parse(String xenstoreValue) {
		if (xenstoreValue == null || xenstoreValue.isBlank()) {
			return Unknown;
		}
		try {
			int v = Integer.parseInt(xenstoreValue.trim());
			return v >= 0 && v <= 8 ? of(v) : Unknown;
		}
		catch (NumberFormatException e) {
			return Unknown;
		}
	}

	/**
	 * Whether an end may move from this state to {@code next}, per the blkif.h state diagrams
	 * including the allowed shortcuts (an end that negotiates nothing may skip InitWait or
	 * Initialised), reconnection after a resume (back to Initialising) and teardown from any state.
	 */
	public boolean canTransitionTo(XenbusState next) {
		return legalNext().contains(next);
	}

	private Set<XenbusState> legalNext() {
		return switch (this) {
			case Unknown -> EnumSet.of(Initialising, Closing, Closed);
			case Initialising -> EnumSet.of(InitWait, Initialised, Connected, Closing, Closed);
			case InitWait -> EnumSet.of(Initialising, Initialised, Connected, Closing, Closed);
			case Initialised -> EnumSet.of(Initialising, Connected, Closing, Closed);
			// Connected -> Connected is legal: blkback re-writes it for a capacity change.
			case Connected -> EnumSet.of(Initialising, Connected, Closing, Closed, Reconfiguring);
			case Closing -> EnumSet.of(Closed, Initialising);
			case Closed -> EnumSet.of(Initialising, Unknown);
			case Reconfiguring -> EnumSet.of(Reconfigured, Closing, Closed);
			case Reconfigured -> EnumSet.of(Connected, Closing, Closed);
		};
	}

}
