package org.xso.web.fuzz;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.xso.hypervisor.GuestInfo;
import org.xso.support.FakeHypervisor;

/**
 * What a request could change: the domains (state, version, configuration), their devices,
 * checkpoints, operations and leases as stored, and the guests, faults and workloads in the
 * hypervisor. Timestamps and the event log are left out: they record, they do not decide.
 */
record Snapshot(List<Map<String, Object>> domains, List<Map<String, Object>> devices,
		List<Map<String, Object>> checkpoints, List<Map<String, Object>> operations,
		List<Map<String, Object>> leases, List<String> guests, List<String> faults) {

	static Snapshot take(JdbcTemplate jdbc, FakeHypervisor hypervisor) {
		List<String> guests = hypervisor.guests()
			.stream()
			.sorted(Comparator.comparingInt(g -> g.domid().value()))
			.map(g -> describe(g, hypervisor))
			.toList();
		return new Snapshot(
				jdbc.queryForList("select domid, name, memory_mib, vcpus, state, suspend_checkpoint_id, "
						+ "checkpoint_retention, version from domains order by domid"),
				jdbc.queryForList("select domid, device_type, devid, backend_domid, sectors, sector_size, mac "
						+ "from domain_devices order by domid, device_type, devid"),
				jdbc.queryForList("select id, domid, kind, sha256, pinned from checkpoints order by id"),
				jdbc.queryForList("select id, kind, domid, state from operations order by id"),
				jdbc.queryForList("select domid, operation_id, purpose from domain_leases order by domid"), guests,
				hypervisor.faults());
	}

	private static String describe(GuestInfo g, FakeHypervisor hypervisor) {
		return g.domid() + " " + g.state() + " " + g.config() + " "
				+ g.devices().stream().map(d -> d.id().toString()).sorted().toList() + " workload "
				+ hypervisor.workloadRunning(g.domid());
	}

}
