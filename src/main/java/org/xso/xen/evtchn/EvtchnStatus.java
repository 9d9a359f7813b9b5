package org.xso.xen.evtchn;

import org.xso.xen.DomId;
import org.xso.xen.EvtchnPort;

/** What {@code EVTCHNOP_status} reports for a port (the states this simulator has). */
public sealed interface EvtchnStatus permits EvtchnStatus.Closed, EvtchnStatus.Unbound, EvtchnStatus.Interdomain {

	/** {@code EVTCHNSTAT_closed}: the port is free. */
	record Closed() implements EvtchnStatus {
	}

	/** {@code EVTCHNSTAT_unbound}: allocated, waiting for {@code remoteDom} to bind to it. */
	record Unbound(DomId remoteDom) implements EvtchnStatus {
	}

	/** {@code EVTCHNSTAT_interdomain}: connected to {@code remotePort} of {@code remoteDom}. */
	record Interdomain(DomId remoteDom, EvtchnPort remotePort) implements EvtchnStatus {
	}

}
