package org.xso.hypervisor.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.xso.xen.DomId;

/**
 * The host's storage, which every backend domain reaches: the live disk behind each vbd, and the
 * snapshots taken at checkpoints (the checkpoint names its snapshot in the backend info, like a
 * toolstack that snapshots the volume together with the memory image).
 *
 * <p>
 * A live disk is a {@link Volume}, named by the vbd's {@code params}: a vbd without a target has
 * the backend's own volume for that guest's vbd, which goes with the vbd (a destroy or a detach
 * deletes it); a vbd with a target has the volume that target names, which is the operator's: it
 * outlives every vbd that uses it (closed, never deleted, by a destroy, a detach or a suspend). One
 * vbd at a time holds a volume ({@link #claim}): two guests never write one volume.
 *
 * <p>
 * Without a directory everything is in memory ({@link VirtualDisk}, copy-on-write snapshots). With
 * one, as the service runs it, each live disk is a {@link FileDisk} under {@code live/} (a guest
 * that dies with the service finds its disk again when its domain is created again) and each
 * snapshot a file {@code <id>.vdisk}, written when the checkpoint is taken, so that it outlives the
 * process; nothing of a snapshot stays in memory. A suspended guest's own live disk is parked under
 * the name of the snapshot its suspend took ({@code live/parked-<id>.disk}): its resume in the same
 * domain takes the disk back as it was, as a real host's suspended guest finds its volume (the
 * requests its shadow replays land again); a restore anywhere else, and any restore into a named
 * volume, copies the snapshot. A parked disk goes with its snapshot.
 *
 * <p>
 * Thread-safety: the maps are concurrent; a live disk synchronizes its own I/O. Claiming, opening,
 * removing and restoring a disk run under the store's lock, so a volume is never held by two vbds
 * nor its file opened twice.
 */
final class DiskStore implements AutoCloseable {

	private static final Pattern SNAPSHOT_FILE = Pattern.compile("([0-9a-f-]{36})\\.(vdisk|vdelta)");

	private static final Pattern PARKED_FILE = Pattern.compile("parked-([0-9a-f-]{36})\\.disk");

	/** The longest chain of incremental captures a restore follows (a loop in corrupted files ends there). */
	private static final int MAX_CHAIN = 10_000;

	/** Where snapshots (and, under {@code live/}, live disks) are kept; null keeps them in memory. */
	private final @Nullable Path directory;

	private final @Nullable Path liveDirectory;

	/** The open live disks, by volume ({@link Volume#params}). */
	private final Map<String, LiveDisk> live = new ConcurrentHashMap<>();

	/** The volume each vbd holds, from its claim until its disk is removed, parked or released. */
	private final Map<Vbd, Volume> attached = new ConcurrentHashMap<>();

	/**
	 * The vbd holding each claimed volume: {@link #attached} the other way round, changed with it
	 * under this store's lock (a claim asks who holds a volume without going through every vbd).
	 */
	private final Map<Volume, Vbd> holders = new ConcurrentHashMap<>();

	/** The storage id of a store in memory: its own. */
	private final String memoryId = "memory-" + UUID.randomUUID();

	/** In-memory snapshots (without a directory only). */
	private final Map<String, VirtualDisk> snapshots = new ConcurrentHashMap<>();

	/**
	 * Captures for continuous checkpointing not written yet (with a directory only), by id: taken
	 * while the guest was paused, written by {@link #persist} once it runs again.
	 */
	private final Map<String, DiskCapture> pending = new ConcurrentHashMap<>();

	/** The last capture of each live disk, by volume (with a directory only): an incremental capture builds on it. */
	private final Map<String, String> lastCapture = new ConcurrentHashMap<>();

	/** The snapshot last taken of each live disk, by volume (with a directory only): a suspend parks the disk under it. */
	private final Map<String, String> lastSnapshot = new ConcurrentHashMap<>();

	DiskStore() {
		this(null);
	}

	DiskStore(@Nullable Path directory) {
		this.directory = directory;
		this.liveDirectory = directory == null ? null : directory.resolve("live");
		if (directory != null) {
			try {
				Files.createDirectories(liveDirectory);
			}
			catch (IOException e) {
				throw new UncheckedIOException("cannot create the disk directory " + liveDirectory, e);
			}
		}
	}

	/**
	 * The identity of this store's storage: the id written in its directory's {@code storage-id}
	 * (created with a random id by the first store to use the directory), so that hosts given one
	 * directory share one id; a store in memory shares nothing, and has an id of its own.
	 */
	String storageId() {
		if (directory == null) {
			return memoryId;
		}
		Path file = directory.resolve("storage-id");
		try {
			if (!Files.exists(file)) {
				Path tmp = Files.createTempFile(directory, "storage-id", ".tmp");
				Files.writeString(tmp, UUID.randomUUID().toString());
				try {
					// atomic and never over an existing one: the first host to get there names the storage
					Files.createLink(file, tmp);
				}
				catch (java.nio.file.FileAlreadyExistsException raced) {
					// another host named it first
				}
				finally {
					Files.deleteIfExists(tmp);
				}
			}
			return Files.readString(file).strip();
		}
		catch (IOException e) {
			throw new UncheckedIOException("cannot read the storage id in " + directory, e);
		}
	}

	/**
	 * Gives {@code volume} to the vbd, unless another vbd holds it.
	 * @throws IllegalStateException naming the vbd that holds it
	 */
	synchronized void claim(DomId frontend, int devid, Volume volume) {
		Vbd vbd = new Vbd(frontend, devid);
		Optional<Vbd> holder = holder(volume).filter(h -> !h.equals(vbd));
		if (holder.isPresent()) {
			throw new IllegalStateException("volume " + volume + " is in use by " + holder.get());
		}
		Volume before = attached.put(vbd, volume);
		if (before != null) {
			holders.remove(before, vbd);
		}
		holders.put(volume, vbd);
	}

	/** The vbd that holds {@code volume}, if one does. */
	Optional<Vbd> holder(Volume volume) {
		return Optional.ofNullable(holders.get(volume));
	}

	/**
	 * The live disk of a vbd, the volume its {@code params} name, which it claims (see
	 * {@link #claim}): the one it had (in the file, after a restart), or a new empty one.
	 */
	synchronized LiveDisk disk(DomId frontend, int devid, Volume volume, long sectors) {
		claim(frontend, devid, volume);
		return live.computeIfAbsent(volume.params(),
				k -> liveDirectory == null ? new VirtualDisk(sectors) : FileDisk.open(liveFile(volume), sectors));
	}

	@Nullable
	LiveDisk existing(DomId frontend, int devid) {
		return live.get(volume(frontend, devid).params());
	}

	/**
	 * The vbd is gone with its domain (destroyed, detached, a resume that failed): its own disk is
	 * deleted, a named volume closed.
	 */
	synchronized void remove(DomId frontend, int devid) {
		Volume volume = detach(frontend, devid);
		if (volume.named()) {
			close(volume);
			return;
		}
		LiveDisk d = live.remove(volume.params());
		if (d instanceof FileDisk f) {
			f.delete();
		}
		else if (liveDirectory != null) {
			deleteQuietly(liveFile(volume));
		}
	}

	/** The vbd's guest runs again (a thaw): its disk moves on from the snapshot last taken. */
	void running(DomId frontend, int devid) {
		lastSnapshot.remove(volume(frontend, devid).params());
	}

	/**
	 * The vbd's domain was suspended: its own disk is parked under the snapshot the suspend's save
	 * took (without one, or in memory, it is deleted: the resume restores the snapshot); a named
	 * volume is closed where it is (the resume copies the snapshot into it).
	 */
	synchronized void park(DomId frontend, int devid) {
		Volume volume = volume(frontend, devid);
		String snapshot = lastSnapshot.get(volume.params());
		if (volume.named() || snapshot == null || !(live.get(volume.params()) instanceof FileDisk f)
				|| !hasSnapshot(snapshot)) {
			remove(frontend, devid);
			return;
		}
		detach(frontend, devid);
		live.remove(volume.params());
		try {
			f.moveTo(parkedFile(snapshot));
			f.close();
		}
		catch (IOException e) {
			SimLog.warn("disks", "cannot park " + f.file().getFileName() + " (" + e.getMessage()
					+ "): the resume restores its snapshot");
			f.delete();
		}
	}

	/**
	 * The vbd's domain went without its disk being done with (a create that failed, which may have
	 * been a guest's re-creation): the disk is closed and its file kept.
	 */
	synchronized void release(DomId frontend, int devid) {
		Volume volume = detach(frontend, devid);
		if (volume.named()) {
			close(volume);
		}
		else if (live.remove(volume.params()) instanceof FileDisk f) {
			f.close();
		}
	}

	/** The vbd no longer holds its volume, which no capture or snapshot of it continues from. */
	private Volume detach(DomId frontend, int devid) {
		Vbd vbd = new Vbd(frontend, devid);
		Volume volume = attached.remove(vbd);
		if (volume != null) {
			holders.remove(volume, vbd);
		}
		else {
			volume = Volume.own(frontend, devid);
		}
		lastSnapshot.remove(volume.params());
		lastCapture.remove(volume.params());
		return volume;
	}

	/** Closes a named volume no vbd holds: its file stays; in memory, the disk itself stays. */
	private void close(Volume volume) {
		if (live.get(volume.params()) instanceof FileDisk f) {
			live.remove(volume.params());
			f.close();
		}
	}

	/** The volume the vbd holds; without a claim, its own. */
	private Volume volume(DomId frontend, int devid) {
		return attached.getOrDefault(new Vbd(frontend, devid), Volume.own(frontend, devid));
	}

	/** Snapshots the live disk; returns the snapshot's id. */
	String snapshot(DomId frontend, int devid) {
		Volume volume = volume(frontend, devid);
		LiveDisk disk = live.get(volume.params());
		if (disk == null) {
			throw new IllegalStateException("no disk for " + new Vbd(frontend, devid));
		}
		String id = UUID.randomUUID().toString();
		if (disk instanceof FileDisk f) {
			try {
				f.writeSnapshot(snapshotFile(id));
				lastSnapshot.put(volume.params(), id);
			}
			catch (IOException e) {
				throw new UncheckedIOException("cannot write disk snapshot " + id, e);
			}
		}
		else {
			snapshots.put(id, ((VirtualDisk) disk).snapshot());
		}
		return id;
	}

	/** A capture: its snapshot id and the content bytes it copied. */
	record Captured(String id, long bytes) {
	}

	/**
	 * Captures the live disk for continuous checkpointing, while its guest is paused: with a
	 * directory, the chunks changed since the disk's previous capture ({@code incremental}, when there
	 * is one) or all of them are copied into memory, to be written by {@link #persist}; in memory, a
	 * copy-on-write snapshot, which is complete at once.
	 */
	Captured capture(DomId frontend, int devid, boolean incremental) {
		String key = volume(frontend, devid).params();
		LiveDisk disk = live.get(key);
		if (disk == null) {
			throw new IllegalStateException("no disk for " + new Vbd(frontend, devid));
		}
		String id = UUID.randomUUID().toString();
		if (disk instanceof FileDisk f) {
			String parent = incremental ? lastCapture.get(key) : null;
			DiskCapture c = f.capture(parent);
			pending.put(id, c);
			lastCapture.put(key, id);
			return new Captured(id, c.bytes());
		}
		VirtualDisk v = (VirtualDisk) disk;
		snapshots.put(id, v.snapshot());
		return new Captured(id, v.allocatedBytes());
	}

	/** Whether an incremental capture of the live disk has a capture to build on (in memory, every capture is whole). */
	boolean capturedBefore(DomId frontend, int devid) {
		return directory == null || lastCapture.containsKey(volume(frontend, devid).params());
	}

	/** Writes a capture taken by {@link #capture} to its file; nothing for one already written or kept in memory. */
	void persist(String id) {
		DiskCapture c = pending.get(id);
		if (c == null) {
			return;
		}
		try {
			c.writeTo(c.incremental() ? deltaFile(id) : snapshotFile(id));
		}
		catch (IOException e) {
			throw new UncheckedIOException("cannot write disk capture " + id, e);
		}
		pending.remove(id);
	}

	boolean hasSnapshot(@Nullable String id) {
		if (id == null) {
			return false;
		}
		if (directory == null) {
			return snapshots.containsKey(id);
		}
		try {
			return chain(id) != null;
		}
		catch (IOException e) {
			return false;
		}
	}

	/**
	 * The files a snapshot is made of, newest first: an incremental capture, its parents, down to
	 * the full snapshot they build on; null if a file of the chain is missing.
	 */
	private @Nullable List<Path> chain(String id) throws IOException {
		List<Path> files = new ArrayList<>();
		String at = id;
		while (isId(at)) {
			if (Files.isRegularFile(snapshotFile(at))) {
				files.add(snapshotFile(at));
				return files;
			}
			if (!Files.isRegularFile(deltaFile(at)) || files.size() > MAX_CHAIN) {
				return null;
			}
			files.add(deltaFile(at));
			at = DiskCapture.parentOf(deltaFile(at));
		}
		return null;
	}

	/**
	 * Fills empty disk {@code into} with a {@link #chain}: the full snapshot, then the incremental
	 * captures on top of it, oldest first, each checked before it is applied.
	 */
	private static void replay(List<Path> chain, long sectors, FileDisk into) throws IOException {
		into.copyFrom(chain.get(chain.size() - 1));
		for (int i = chain.size() - 2; i >= 0; i--) {
			into.apply(DiskCapture.readDelta(chain.get(i), sectors));
		}
	}

	/** As {@link #chain}, failing when a file of the chain is missing. */
	private List<Path> wholeChain(String id) throws IOException {
		List<Path> chain = chain(id);
		if (chain == null) {
			throw new IOException("a capture of its chain is missing");
		}
		return chain;
	}

	/**
	 * Gives {@code frontend}'s vbd the disk of a saved guest in {@code volume}, which it claims (see
	 * {@link #claim}): its own volume, in the domain that was suspended ({@code sameDomain}), takes
	 * back the disk parked under the snapshot, where there is one; otherwise the volume's content
	 * is replaced by a copy of the snapshot.
	 */
	synchronized void restore(@Nullable String snapshotId, DomId frontend, int devid, Volume volume,
			boolean sameDomain) {
		if (!hasSnapshot(snapshotId)) {
			throw new IllegalArgumentException("no disk snapshot " + snapshotId);
		}
		remove(frontend, devid);
		claim(frontend, devid, volume);
		String key = volume.params();
		if (directory == null) {
			live.put(key, snapshots.get(snapshotId).writableCopy());
			return;
		}
		close(volume);
		deleteQuietly(liveFile(volume));
		FileDisk fresh = null;
		try {
			List<Path> chain = wholeChain(snapshotId);
			Path full = chain.get(chain.size() - 1);
			long sectors = FileDisk.snapshotSectors(full);
			if (!volume.named() && sameDomain && Files.isRegularFile(parkedFile(snapshotId))) {
				Files.move(parkedFile(snapshotId), liveFile(volume), StandardCopyOption.ATOMIC_MOVE);
				live.put(key, FileDisk.open(liveFile(volume), sectors));
				return;
			}
			fresh = FileDisk.open(liveFile(volume), sectors);
			replay(chain, sectors, fresh);
			live.put(key, fresh);
		}
		catch (IOException | RuntimeException e) {
			if (fresh != null) {
				fresh.delete();
			}
			throw new IllegalArgumentException("disk snapshot " + snapshotId + " is unreadable: " + e.getMessage(), e);
		}
	}

	/**
	 * Makes capture {@code id} stand alone: the chain it builds on resolved into a full snapshot under
	 * the same id (written atomically), then its incremental file removed. Captures built on it are
	 * unchanged (a delta names its parent by id, and an id's full snapshot is read before its delta),
	 * and so is what it restores to: a crash anywhere in between leaves a snapshot that restores the
	 * same disk. The captures it built on can then be dropped. Nothing for a full snapshot, nor in
	 * memory (where every capture is whole).
	 */
	synchronized void compact(String id) {
		if (directory == null || !isId(id)) {
			return;
		}
		if (Files.isRegularFile(snapshotFile(id))) {
			// compacted already; a delta beside it is what a crash left before its removal (never read)
			deleteQuietly(deltaFile(id));
			return;
		}
		// collected at startup if a crash interrupts this (see dropSnapshotsExcept)
		Path scratch = directory.resolve(id + ".compact.tmp");
		FileDisk disk = null;
		try {
			List<Path> chain = wholeChain(id);
			long sectors = FileDisk.snapshotSectors(chain.get(chain.size() - 1));
			deleteQuietly(scratch);
			disk = FileDisk.open(scratch, sectors);
			replay(chain, sectors, disk);
			disk.writeSnapshot(snapshotFile(id));
			Files.delete(deltaFile(id));
		}
		catch (IOException e) {
			throw new UncheckedIOException(e.getMessage(), e);
		}
		finally {
			if (disk != null) {
				disk.delete();
			}
		}
	}

	void dropSnapshot(@Nullable String id) {
		if (id == null) {
			return;
		}
		snapshots.remove(id);
		pending.remove(id);
		lastCapture.values().remove(id);
		if (directory != null && isId(id)) {
			deleteQuietly(snapshotFile(id));
			deleteQuietly(deltaFile(id));
			deleteQuietly(parkedFile(id));
		}
	}

	/**
	 * Writes full snapshot {@code id}'s file to {@code out} as it is (its own format: a header with
	 * the disk's size, then its chunks). Only a store with a directory keeps snapshots as files; an
	 * incremental capture is exported with the chain it builds on, never alone.
	 */
	void exportSnapshot(String id, java.io.OutputStream out) {
		if (directory == null) {
			throw new IllegalStateException("the simulator keeps its disks in memory (xso.sim.snapshot-dir is blank):"
					+ " nothing to export");
		}
		if (!isId(id) || !Files.isRegularFile(snapshotFile(id))) {
			throw new IllegalArgumentException("disk snapshot " + id + " is not held by this host as a full snapshot");
		}
		try {
			Files.copy(snapshotFile(id), out);
		}
		catch (IOException e) {
			throw new UncheckedIOException("cannot read disk snapshot " + id, e);
		}
	}

	/**
	 * Takes snapshot {@code id} from another deployment's {@link #exportSnapshot}: written to a
	 * temporary file, its header checked, then moved into place. One already held is kept.
	 */
	synchronized void importSnapshot(String id, java.io.InputStream in) {
		if (directory == null) {
			throw new IllegalStateException("the simulator keeps its disks in memory (xso.sim.snapshot-dir is blank):"
					+ " it cannot take a disk snapshot file");
		}
		if (!isId(id)) {
			throw new IllegalArgumentException("'" + id + "' is not a disk snapshot id");
		}
		if (Files.isRegularFile(snapshotFile(id))) {
			return;
		}
		Path tmp = directory.resolve(id + ".vdisk.tmp"); // collected at startup if this is interrupted
		try {
			Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
			FileDisk.snapshotSectors(tmp);
			Files.move(tmp, snapshotFile(id), StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException e) {
			deleteQuietly(tmp);
			throw new IllegalArgumentException("disk snapshot " + id + " is not a disk image: " + e.getMessage(), e);
		}
	}

	/** The ids of every snapshot this store holds. */
	List<String> snapshotIds() {
		if (directory == null) {
			return List.copyOf(snapshots.keySet());
		}
		return list(directory, SNAPSHOT_FILE);
	}

	private static List<String> list(Path dir, Pattern name) {
		List<String> ids = new ArrayList<>();
		try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
			for (Path f : files) {
				var m = name.matcher(f.getFileName().toString());
				if (m.matches()) {
					ids.add(m.group(1));
				}
			}
		}
		catch (IOException e) {
			throw new UncheckedIOException("cannot list the disks in " + dir, e);
		}
		return ids;
	}

	/**
	 * Drops every snapshot whose id is not in {@code keep}, and the temporary files of snapshots
	 * whose writing a crash interrupted; returns how many snapshots were dropped.
	 */
	int dropSnapshotsExcept(Set<String> keep) {
		return dropSnapshotsExcept(keep, null);
	}

	/**
	 * As {@link #dropSnapshotsExcept(Set)}, for files written before {@code writtenBefore} only (all
	 * if null): on storage other hosts share, a younger file may be another host's save whose
	 * checkpoint is not stored yet.
	 */
	int dropSnapshotsExcept(Set<String> keep, java.time.@Nullable Instant writtenBefore) {
		int dropped = 0;
		for (String id : snapshotIds()) {
			if (!keep.contains(id) && (directory == null || writtenBefore(snapshotOrDelta(id), writtenBefore))) {
				dropSnapshot(id);
				dropped++;
			}
		}
		if (liveDirectory != null) {
			// a parked disk whose snapshot is gone cannot be resumed
			for (String id : list(liveDirectory, PARKED_FILE)) {
				if (!keep.contains(id) && writtenBefore(parkedFile(id), writtenBefore)) {
					deleteQuietly(parkedFile(id));
				}
			}
		}
		if (directory != null) {
			try (DirectoryStream<Path> tmps = Files.newDirectoryStream(directory, "*.{vdisk,vdelta,compact}.tmp")) {
				tmps.forEach(t -> {
					if (writtenBefore(t, writtenBefore)) {
						deleteQuietly(t);
					}
				});
			}
			catch (IOException e) {
				SimLog.warn("disks", "cannot list temporary snapshot files: " + e.getMessage());
			}
		}
		return dropped;
	}

	int snapshotCount() {
		return directory == null ? snapshots.size() : snapshotIds().size();
	}

	/** Closes the live disks; their files stay for the next host on the same directory. */
	@Override
	public synchronized void close() {
		for (LiveDisk d : live.values()) {
			if (d instanceof FileDisk f) {
				f.close();
			}
		}
		live.clear();
		attached.clear();
		holders.clear();
	}

	private Path snapshotOrDelta(String id) {
		Path full = snapshotFile(id);
		return Files.exists(full) ? full : deltaFile(id);
	}

	private static boolean writtenBefore(Path file, java.time.@Nullable Instant before) {
		if (before == null) {
			return true;
		}
		try {
			return Files.getLastModifiedTime(file).toInstant().isBefore(before);
		}
		catch (IOException e) {
			return false; // gone meanwhile, or unreadable: not ours to drop now
		}
	}

	private Path snapshotFile(String id) {
		return directory.resolve(id + ".vdisk");
	}

	private Path deltaFile(String id) {
		return directory.resolve(id + ".vdelta");
	}

	private Path parkedFile(String snapshotId) {
		return liveDirectory.resolve("parked-" + snapshotId + ".disk");
	}

	private Path liveFile(Volume volume) {
		return liveDirectory.resolve(volume.fileName());
	}

	private static boolean isId(String id) {
		return id.matches("[0-9a-f-]{36}");
	}

	private static void deleteQuietly(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException e) {
			SimLog.warn("disks", "cannot delete " + file.getFileName() + ": " + e.getMessage());
		}
	}

	/** A guest's vbd, as the holder of a volume. */
	record Vbd(DomId frontend, int devid) {

		@Override
		public String toString() {
			return "dom" + frontend + "'s vbd " + devid;
		}

	}

	/**
	 * What a vbd's {@code params} name, and the file under {@code live/} that keeps it: the backend's
	 * own volume for one guest's vbd ({@code sim:<domid>/<devid>}, in {@code dom<domid>-vbd<devid>.disk}),
	 * or a named target (a volume name or a path, in {@code vol-<sha-256 of the target>.disk}: a
	 * file name of fixed length whatever the target's characters and length). Targets beginning
	 * with {@code sim:} are the simulator's own and name no volume.
	 */
	record Volume(String params, String fileName) {

		private static final String OWN = "sim:";

		static Volume own(DomId frontend, int devid) {
			return new Volume(OWN + frontend.value() + "/" + devid, "dom" + frontend.value() + "-vbd" + devid + ".disk");
		}

		/** @throws IllegalArgumentException for a target in the simulator's own namespace */
		static Volume named(String target) {
			if (target.startsWith(OWN)) {
				throw new IllegalArgumentException("target " + target + " is in the simulator's namespace (" + OWN
						+ ") of guests' own volumes");
			}
			return new Volume(target, "vol-" + sha256(target) + ".disk");
		}

		/** The volume of a vbd with {@code target}, or its own without one. */
		static Volume of(DomId frontend, int devid, @Nullable String target) {
			return target == null ? own(frontend, devid) : named(target);
		}

		/** The volume a backend's {@code params} name. */
		static Volume parse(String params) {
			if (!params.startsWith(OWN)) {
				return named(params);
			}
			String[] vbd = params.substring(OWN.length()).split("/", -1);
			if (vbd.length != 2) {
				throw new IllegalArgumentException("params " + params + " name no vbd");
			}
			return own(DomId.of(Integer.parseInt(vbd[0])), Integer.parseInt(vbd[1]));
		}

		boolean named() {
			return !params.startsWith(OWN);
		}

		private static String sha256(String target) {
			try {
				return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
					.digest(target.getBytes(StandardCharsets.UTF_8)));
			}
			catch (NoSuchAlgorithmException e) {
				throw new IllegalStateException("every Java platform has SHA-256", e);
			}
		}

		@Override
		public String toString() {
			return params;
		}

	}

}
