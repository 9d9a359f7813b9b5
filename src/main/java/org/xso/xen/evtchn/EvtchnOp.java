package org.xso.xen.evtchn;

/** {@code EVTCHNOP_*} operation codes of {@code HYPERVISOR_event_channel_op}, from {@code public/event_channel.h}. */
public final class EvtchnOp {

	public static final int EVTCHNOP_bind_interdomain = 0;

	public static final int EVTCHNOP_bind_virq = 1;

	public static final int EVTCHNOP_bind_pirq = 2;

	public static final int EVTCHNOP_close = 3;

	public static final int EVTCHNOP_send = 4;

	public static final int EVTCHNOP_status = 5;

	public static final int EVTCHNOP_alloc_unbound = 6;

	public static final int EVTCHNOP_bind_ipi = 7;

	public static final int EVTCHNOP_bind_vcpu = 8;

	public static final int EVTCHNOP_unmask = 9;

	public static final int EVTCHNOP_reset = 10;

	public static final int EVTCHNOP_init_control = 11;

	public static final int EVTCHNOP_expand_array = 12;

	public static final int EVTCHNOP_set_priority = 13;

	private static final String[] NAMES = { "bind_interdomain", "bind_virq", "bind_pirq", "close", "send", "status",
			"alloc_unbound", "bind_ipi", "bind_vcpu", "unmask", "reset", "init_control", "expand_array",
			"set_priority" };

	private EvtchnOp() {
	}

	/** The constant's name, e.g. {@code "EVTCHNOP_send"} for 4; unknown codes are named too. */
	public static String name(int op) {
		if (op >= 0 && op < NAMES.length) {
			return "EVTCHNOP_" + NAMES[op];
		}
		return "EVTCHNOP_unknown(" + op + ")";
	}

}
