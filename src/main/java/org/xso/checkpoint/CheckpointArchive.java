package org.xso.checkpoint;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.xso.hypervisor.SuspendStrategy;

/**
 * A checkpoint as one portable archive (a zip): its parts as entries and, last, {@code manifest.json},
 * which says what the archive is, where it comes from, and the SHA-256 and size of every entry.
 */
public final class CheckpointArchive {

	/** The archive format this service writes and the newest it reads. */
	public static final int FORMAT = 1;

	static final String MANIFEST = "manifest.json";

	static final String CONFIG = "config.bin";

	static final String MEMORY = "memory.img";

	private CheckpointArchive() {
	}

	/**
	 * @param archiveFormat the archive's own format ({@link #FORMAT})
	 * @param source the deployment and host it was exported from
	 * @param checkpoint the checkpoint, as its manifest describes it
	 * @param parts every entry but the manifest
	 */
	public record Manifest(int archiveFormat, Instant exportedAt, Source source, Described checkpoint, List<Part> parts) {
	}

	/**
	 * @param hostFingerprint SHA-256 of the host's name, adapter and hypervisor version: equal on
	 * archives from one host
	 */
	public record Source(String host, String adapter, String hypervisorVersion, String hostFingerprint) {
	}

	/** The checkpoint: what identifies it, the saved guest's format and adapter, and its SHA-256 over the whole. */
	public record Described(UUID id, int domid, CheckpointKind kind, Instant createdAt,
			@Nullable SuspendStrategy strategy, int formatVersion, String adapter, int sourceDomid, String sha256,
			long sizeBytes) {
	}

	/**
	 * An entry: what part of the checkpoint it is ({@code config}, {@code memory}, {@code device vbd/51712},
	 * {@code storage vbd/51712}), its name in the zip, its SHA-256 and its size.
	 */
	public record Part(String name, String entry, String sha256, long bytes) {
	}

	/** Why an archive cannot be imported here. */
	public enum ReasonCode {

		/** Not a zip, no manifest, a manifest that does not parse, or an entry it names is missing. */
		MALFORMED_ARCHIVE,
		/** The archive's format is newer than this service reads. */
		ARCHIVE_FORMAT_TOO_NEW,
		/** The saved guest's format version is not the one this service reads. */
		FORMAT_VERSION_UNSUPPORTED,
		/** An entry, or the saved guest as a whole, does not match its SHA-256 (changed or corrupted). */
		CHECKSUM_MISMATCH,
		/** It was saved by another kind of hypervisor adapter than this host's. */
		ADAPTER_MISMATCH,
		BACKEND_MISSING,
		BACKEND_FEATURE_MISSING,
		/** A device's storage is neither in the archive nor held by this host. */
		STORAGE_MISSING,
		/** A device's disk target is held by another device on this host. */
		STORAGE_IN_USE,
		HYPERVISOR_UNAVAILABLE,
		DOMAIN_NAME_IN_USE,
		/** This deployment has a checkpoint with that id already. */
		CHECKPOINT_EXISTS

	}

	public record Reason(ReasonCode code, String detail) {
	}

	/** What a dry run (or a refused import) found: importable when there is no reason. */
	public record Check(boolean importable, @Nullable UUID checkpointId, @Nullable Source source,
			@Nullable Integer archiveFormat, List<Reason> reasons) {
	}

}
