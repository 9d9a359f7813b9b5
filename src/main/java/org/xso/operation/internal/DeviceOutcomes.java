package org.xso.operation.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.xso.hypervisor.QuiesceReport;
import org.xso.hypervisor.ResumeReport;
import org.xso.xen.GrantRef;

/** Turns the hypervisor's per-device reports into the rows an operation keeps. */
final class DeviceOutcomes {

	private DeviceOutcomes() {
	}

	static List<DeviceOutcome> of(QuiesceReport report) {
		List<DeviceOutcome> out = new ArrayList<>();
		for (QuiesceReport.Device d : report.devices()) {
			out.add(new DeviceOutcome(d.id().type().name(), d.id().devid(), d.drained(), d.shadowed(), d.queued(), 0, 0,
					d.dropped(), d.ringTornDown(), "", "", ""));
		}
		return out;
	}

	/** Adds what a resume did to what the suspend did, device by device. */
	static List<DeviceOutcome> merge(List<DeviceOutcome> before, ResumeReport report) {
		Map<String, DeviceOutcome> byKey = new LinkedHashMap<>();
		before.forEach(d -> byKey.put(d.key(), d));
		for (ResumeReport.Device d : report.devices()) {
			String key = d.id().type().name() + "/" + d.id().devid();
			DeviceOutcome prior = byKey.get(key);
			byKey.put(key,
					new DeviceOutcome(d.id().type().name(), d.id().devid(), prior == null ? 0 : prior.drained(),
							prior == null ? 0 : prior.shadowed(), prior == null ? 0 : prior.queued(), d.replayed(),
							d.reissued(), (prior == null ? 0 : prior.dropped()) + d.dropped(),
							prior != null && prior.ringTornDown(), refs(d.refsBefore()), refs(d.refsAfter()),
							String.join(",", d.featuresLost())));
		}
		return new ArrayList<>(byKey.values());
	}

	private static String refs(List<GrantRef> refs) {
		return refs.stream().map(GrantRef::toString).collect(Collectors.joining(","));
	}

}
