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
		snapshots.put(id, disk.snapshot());
		return id;
	}

	boolean hasSnapshot(String id) {
		return snapshots.containsKey(id);
	}

	/** Makes the live disk of {@code frontend}'s vbd a copy of the snapshot. */
	void restore(String snapshotId, DomId frontend, int devid) {
		VirtualDisk snap = snapshots.get(snapshotId);
		if (snap == null) {
			throw new IllegalArgumentException("no disk snapshot " + snapshotId);
		}
		live.put(key(frontend, devid), snap.snapshot());
	}

	void dropSnapshot(String id) {
		snapshots.remove(id);
	}

	int snapshotCount() {
		return snapshots.size();
	}

	private static String key(DomId frontend, int devid) {
		return frontend.value() + "/" + devid;
	}

}
