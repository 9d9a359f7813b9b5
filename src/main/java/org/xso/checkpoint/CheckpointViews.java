package org.xso.checkpoint;

import java.time.Instant;
import java.util.List;
import java.util.SortedMap;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.xso.config.GuestConfig;
import org.xso.hypervisor.DeviceType;
import org.xso.hypervisor.SavedPart;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.problem.Precondition;
import org.xso.xen.XenbusState;

/** The checkpoint module's representations (records serialized as the API's JSON). */
public final class CheckpointViews {

	private CheckpointViews() {
	}

	/** A checkpoint in a list: header, checksum and size. */
	public record Summary(UUID id, int domid, CheckpointKind kind, @Nullable UUID operationId, Instant createdAt,
			@Nullable SuspendStrategy strategy, int formatVersion, String sha256, long sizeBytes, boolean pinned,
			@Nullable String pinReason, @Nullable UUID parentId, int chainDepth, @Nullable String host) {

		static Summary of(Checkpoint c) {
			return new Summary(c.id(), c.domid(), c.kind(), c.operationId(), c.createdAt(), c.strategy(),
					c.formatVersion(), c.sha256(), c.sizeBytes(), c.pinned(), c.pinReason(), c.parentId(),
					c.chainDepth(), c.host());
		}

		/** What an incremental checkpoint built on this one records of it. */
		public Checkpoint.Link link() {
			return new Checkpoint.Link(id, sha256, chainDepth);
		}

		/** A checkpoint never changes, so its SHA-256 is its entity tag. */
		public String etag() {
			return Precondition.tag(sha256);
		}

	}

	/** Everything saved, per device, and the manifest. */
	public record Details(UUID id, int domid, CheckpointKind kind, @Nullable UUID operationId, Instant createdAt,
			@Nullable SuspendStrategy strategy, String adapter, int sourceDomid, long sizeBytes, boolean pinned,
			@Nullable String pinReason, @Nullable UUID parentId, int chainDepth, @Nullable GuestConfig config,
			Manifest manifest, List<SavedDevice> devices) {

		public String etag() {
			return Precondition.tag(manifest.sha256());
		}

	}

	/** The format version, the SHA-256 over the whole canonical encoding, and one per part. */
	public record Manifest(int formatVersion, String sha256, List<Part> parts) {
	}

	public record Part(String name, String sha256, long sizeBytes) {
	}

	/** One device's saved state: both ends' XenbusState, rings, grants, evtchn, features, shadow. */
	public record SavedDevice(DeviceType type, int devid, int backendDomid, XenbusState frontendState,
			XenbusState backendState, List<Integer> evtchnPorts, SortedMap<String, String> features,
			SortedMap<String, String> backendInfo, List<SavedRing> rings, List<SavedGrant> grants, int shadowCount,
			@Nullable List<Shadow> shadow, SavedParts parts, String sha256, long sizeBytes) {
	}

	/** Which parts the device's saved state holds, and which the adapter's memory image holds instead. */
	public record SavedParts(SavedPart.Presence rings, SavedPart.Presence grants, SavedPart.Presence shadow,
			SavedPart.Presence driverState) {

		static SavedParts of(String heldInSaveImage) {
			List<String> held = List.of(heldInSaveImage.split(","));
			return new SavedParts(presence(held, SavedPart.RINGS), presence(held, SavedPart.GRANTS),
					presence(held, SavedPart.SHADOW), presence(held, SavedPart.DRIVER_STATE));
		}

		private static SavedPart.Presence presence(List<String> held, SavedPart part) {
			return held.contains(part.name()) ? SavedPart.Presence.HELD_IN_SAVE_IMAGE : SavedPart.Presence.PRESENT;
		}

	}

	/** Indices are Xen's free-running unsigned 32-bit counters. */
	public record SavedRing(String name, int pageOrder, List<Long> refs, long reqProd, long reqEvent, long rspProd,
			long rspEvent, long reqProdPvt, long rspCons) {
	}

	public record SavedGrant(long ref, int flags, int domid, long frame) {
	}

	/** A request that was in flight at save time, as the frontend's shadow kept it. */
	public record Shadow(long id, long tag, int operation, long sectorNumber, int length, List<Long> pfns,
			List<Long> grefs) {
	}

	/** The result of verifying every part's checksum. */
	public record Integrity(UUID checkpointId, boolean ok, int formatVersion, boolean formatSupported,
			List<PartCheck> parts) {

		public List<String> failures() {
			return parts.stream().filter(p -> !p.ok()).map(PartCheck::describe).toList();
		}

	}

	public record PartCheck(String name, String expectedSha256, @Nullable String actualSha256, boolean ok,
			@Nullable String problem) {

		String describe() {
			return name + ": " + (problem != null ? problem
					: "SHA-256 mismatch (manifest " + expectedSha256 + ", computed " + actualSha256 + ")");
		}

	}

	/** Storage a domain's checkpoints use, and its retention limit. */
	public record Usage(long checkpoints, long bytes) {
	}

}
