package org.xso.host;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

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
 * @param local whether the instance answering serves this host
 */
public record HostView(String name, String adapter, String hypervisorVersion, String instanceId, HostState state,
		Instant startedAt, Instant lastHeartbeatAt, @Nullable Instant stoppedAt, @Nullable String storageId,
		boolean local) {

	/** Whether a guest of this host can be resumed on {@code other} as far as their storage tells: unknown counts as yes. */
	public boolean mayShareStorageWith(HostView other) {
		return storageId == null || other.storageId == null || storageId.equals(other.storageId);
	}

}
