package org.xso.hypervisor.sim;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.xso.xen.DomId;

/**
 * Dom0's storage: the live disk behind each vbd, and the snapshots taken at checkpoints (the
 * checkpoint names its snapshot in the backend info, like a toolstack that snapshots the volume
 * together with the memory image).
 */
final class DiskStore {

	/** Where snapshots are kept so that they outlive the process; null keeps them in memory only. */
	private final java.nio.file.Path directory;

	DiskStore() {
		this(null);
	}

	DiskStore(java.nio.file.Path directory) {
		this.directory = directory;
		if (directory != null) {
			try {
				java.nio.file.Files.createDirectories(directory);
			}
			catch (java.io.IOException e) {
				throw new java.io.UncheckedIOException("cannot create the disk snapshot directory " + directory, e);
			}
		}
	}

	private final Map<String, VirtualDisk> live = new ConcurrentHashMap<>();

	private final Map<String, VirtualDisk> snapshots = new ConcurrentHashMap<>();

	VirtualDisk disk(DomId frontend, int devid, long sectors) {
		return live.computeIfAbsent(key(frontend, devid), k -> new VirtualDisk(sectors));
	}

	VirtualDisk existing(DomId frontend, int devid) {
		return live.get(key(frontend, devid));
	}

	void remove(DomId frontend, int devid) {
		live.remove(key(frontend, devid));
	}

	/** Snapshots the live disk; returns the snapshot's id. */
	String snapshot(DomId frontend, int devid) {
		VirtualDisk disk = live.get(key(frontend, devid));
		if (disk == null) {
			throw new IllegalStateException("no disk for " + key(frontend, devid));
		}
		String id = UUID.randomUUID().toString();
		VirtualDisk snap = disk.snapshot();
		if (directory != null) {
			try {
				snap.writeTo(file(id));
			}
			catch (java.io.IOException e) {
				throw new java.io.UncheckedIOException("cannot write disk snapshot " + id, e);
			}
		}
		snapshots.put(id, snap);
		return id;
	}

	boolean hasSnapshot(String id) {
		return id != null && (snapshots.containsKey(id) || (directory != null && isId(id)
				&& java.nio.file.Files.isRegularFile(file(id))));
	}

	private VirtualDisk loadSnapshot(String id) {
		VirtualDisk snap = snapshots.get(id);
		if (snap == null && directory != null && isId(id) && java.nio.file.Files.isRegularFile(file(id))) {
			try {
				snap = VirtualDisk.readFrom(file(id));
			}
			catch (java.io.IOException e) {
				throw new IllegalArgumentException("disk snapshot " + id + " is unreadable: " + e.getMessage(), e);
			}
			snapshots.put(id, snap);
		}
		return snap;
	}

	private java.nio.file.Path file(String id) {
		return directory.resolve(id + ".vdisk");
	}

	private static boolean isId(String id) {
		return id.matches("[0-9a-f-]{36}");
	}

	/** Makes the live disk of {@code frontend}'s vbd a copy of the snapshot. */
	void restore(String snapshotId, DomId frontend, int devid) {
		VirtualDisk snap = loadSnapshot(snapshotId);
		if (snap == null) {
			throw new IllegalArgumentException("no disk snapshot " + snapshotId);
		}
		live.put(key(frontend, devid), snap.writableCopy());
	}

	void dropSnapshot(String id) {
		if (id == null) {
			return;
		}
		snapshots.remove(id);
		if (directory != null && isId(id)) {
			try {
				java.nio.file.Files.deleteIfExists(file(id));
			}
			catch (java.io.IOException e) {
				SimLog.warn("disks", "cannot delete disk snapshot " + id + ": " + e.getMessage());
			}
		}
	}

	int snapshotCount() {
		return snapshots.size();
	}

	private static String key(DomId frontend, int devid) {
		return frontend.value() + "/" + devid;
	}

}
