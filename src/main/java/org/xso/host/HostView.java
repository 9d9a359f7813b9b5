package org.xso.host;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.xso.hypervisor.BackendDomain;

/**
 * A host as the fleet's database has it.
 *
 * @param name the host's name ({@code xso.host.name} of the instance serving it)
 * @param adapter the hypervisor adapter ({@code sim} or {@code libxl})
 * @param hypervisorVersion what the adapter reports of its hypervisor
 * @param instanceId the instance serving it (or that last did)
 * @param state UP, STOPPED or DOWN, as of {@code at}
 * @param storageId what its hypervisor says of its storage: hosts with one id reach the same
 * storage (null if the adapter cannot tell)
 * @param backends the domains that run device backends on it and their bridges (null if its
 * instance registered it before it reported them)
 * @param local whether the instance answering serves this host
 */
public record HostView(String name, String adapter, String hypervisorVersion, String instanceId, HostState state,
		Instant startedAt, Instant lastHeartbeatAt, @Nullable Instant stoppedAt, @Nullable String storageId,
		@Nullable List<Backend> backends, boolean local) {

	/** A domain that runs device backends on the host (dom0 or a driver domain) and its bridges. */
	public record Backend(int domid, String name, @Nullable List<String> bridges) {

		public Backend {
			bridges = bridges == null ? null : List.copyOf(bridges);
		}

		/** Whether a vif can join {@code bridge} here, as far as the host's adapter could tell. */
		public boolean mayHaveBridge(String bridge) {
			return bridges == null || bridges.contains(bridge);
		}

		static Backend of(BackendDomain d) {
			return new Backend(d.domid().value(), d.name(), d.bridges());
		}

	}

	/** The backend domain {@code domid} of this host, if it reported its backends and has it. */
	public Optional<Backend> backend(int domid) {
		return backends == null ? Optional.empty() : backends.stream().filter(b -> b.domid() == domid).findFirst();
	}

	/** Whether a guest of this host can be resumed on {@code other} as far as their storage tells: unknown counts as yes. */
	public boolean mayShareStorageWith(HostView other) {
		return storageId == null || other.storageId == null || storageId.equals(other.storageId);
	}

}
