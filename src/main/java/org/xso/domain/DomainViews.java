package org.xso.domain;

import java.time.Instant;
import java.util.List;
import java.util.SortedMap;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.xso.config.DeviceConfig;
import org.xso.hypervisor.DeviceCounters;
import org.xso.hypervisor.DeviceType;
import org.xso.hypervisor.GuestSpec;
import org.xso.problem.LeaseRef;
import org.xso.problem.Precondition;
import org.xso.xen.XenbusState;

/** The domain module's representations. */
public final class DomainViews {

	private DomainViews() {
	}

	/**
	 * A domain: persisted {@code state} and the hypervisor's live {@code powerState}, its devices,
	 * the lease if an operation holds it, the checkpoint it resumes from, and its checkpoint storage.
	 * The live parts come from the hypervisor of the host the domain is on: an instance serving another
	 * host shows them UNKNOWN (the host's own instance answers them).
	 */
	public record DomainView(int domid, String name, @Nullable String host, int memoryMiB, int vcpus, DomainState state,
			HostState powerState, @Nullable String stateReason, List<DeviceView> devices, @Nullable LeaseRef lease,
			@Nullable UUID suspendCheckpointId, Storage storage, Instant createdAt, Instant updatedAt, long version) {

		public String etag() {
			return Precondition.tag(version);
		}

	}

	/**
	 * A device: its configuration and, while the guest runs, both ends' XenbusState, the ring refs
	 * and event channels the frontend published, the negotiated features and the counters.
	 */
	public record DeviceView(DeviceType type, int devid, int backendDomid, DeviceConfig config,
			@Nullable XenbusState frontendState, @Nullable XenbusState backendState, boolean connected,
			List<Long> ringRefs, List<Integer> evtchns, SortedMap<String, String> features,
			@Nullable Counters counters) {
	}

	/** A device's counters (see the port's DeviceCounters for their meaning). */
	public record Counters(long issued, long completed, long inFlight, long replayed, long reissued, long duplicated,
			long lost, long verifyFailures, long verifiedReads, long packetsSent, long packetsReceived,
			long packetsDropped) {

		static Counters of(DeviceCounters c) {
			return new Counters(c.issued(), c.completed(), c.inFlight(), c.replayed(), c.reissued(), c.duplicated(),
					c.lost(), c.verifyFailures(), c.verifiedReads(), c.packetsSent(), c.packetsReceived(),
					c.packetsDropped());
		}

	}

	/** Checkpoint storage of a domain: how many, how many bytes, and how many retention keeps. */
	public record Storage(long checkpoints, long bytes, int retention) {
	}

	/** What the operation module needs to know about a domain. */
	public record DomainRecord(int domid, String name, @Nullable String host, DomainState state,
			org.xso.hypervisor.GuestSpec spec,
			@Nullable UUID suspendCheckpointId, int checkpointRetention, long version) {

		public String etag() {
			return Precondition.tag(version);
		}

	}

}
