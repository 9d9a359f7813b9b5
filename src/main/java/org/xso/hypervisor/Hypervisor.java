package org.xso.hypervisor;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.xso.xen.DomId;

/**
 * The port: what the service needs from a Xen host. The simulator adapter implements it in
 * process; the libxl adapter drives a real dom0. Every call is synchronous; callers run it off the
 * web threads.
 *
 * <p>
 * Every call that waits for the guest, its drivers or the toolstack takes the time it may take
 * (the operation's deadline, or what is left of it), so that the operation, not the adapter,
 * decides how long a suspend may last. A time that is zero or negative has passed: the call fails
 * unless it has nothing to wait for. Undoing a call that failed (the thaw after a failed quiesce,
 * the teardown of a half-built domain) has a budget of its own, {@link #undoBudget}: the call's time
 * again, never less than {@link #UNDO_FLOOR}. By then the caller's time is spent, and an undo cut
 * short would leave the guest worse off than the failure: a quiesce that missed a 50 ms deadline is
 * a recoverable timeout (the guest thawed, the operation rolled back), but a thaw given those same
 * 50 ms, which may have to reconnect rings on a busy host, turns it into a faulted domain. The queries
 * ({@link #guests}, {@link #guest}, {@link #resumeBlockers}, {@link #xenstore}) take no time: they
 * wait for nothing the caller could budget for, and each adapter bounds them itself.
 *
 * <p>
 * A suspend is {@link #quiesce}, {@link #save}, {@link #suspend}; a live checkpoint is
 * {@link #quiesce}, {@link #save}, {@link #thaw} (a cancelled suspend); a resume or a restore into a
 * new domain is {@link #resume}. Failures are {@link HypervisorException}s with a {@link
 * HypervisorException.Reason}; a failed call leaves the guest as it was before the call.
 */
public interface Hypervisor {

	/**
	 * The least time an undo of a failed call gets (see {@link #undoBudget}): enough for a thaw to
	 * reconnect every ring of a guest on a busy host, and short enough that a host that cannot do
	 * it within that time is reported as failing, not waited for.
	 */
	Duration UNDO_FLOOR = Duration.ofSeconds(5);

	/**
	 * The time an adapter gives the undo of a call that failed (the thaw after a failed quiesce,
	 * the teardown of a domain a failed create or resume half-built): the call's own time again,
	 * and never less than {@link #UNDO_FLOOR}, since a call with a tiny deadline is precisely one
	 * that fails before its guest could be put back in that time.
	 * @param callTime the time the failed call was given
	 * @return {@code max(callTime, UNDO_FLOOR)}
	 */
	static Duration undoBudget(Duration callTime) {
		return callTime.compareTo(UNDO_FLOOR) < 0 ? UNDO_FLOOR : callTime;
	}

	/**
	 * {@code sim} or {@code libxl}. What only a simulated host can do (workloads, fault injection) is
	 * not part of this port: the simulator provides {@link SimulatorControls} beside it.
	 */
	String kind();

	/**
	 * What this adapter can say of the hypervisor it drives (its version, for the fleet's host
	 * registry and a checkpoint's compatibility); the adapter's kind alone where it knows no more.
	 */
	default String version() {
		return kind();
	}

	/**
	 * An identity of the storage this host keeps guests' disks on: two hosts that report the same
	 * id reach the same storage, so a guest suspended on one can be resumed on the other. Empty if
	 * the adapter cannot tell (then nothing is checked before a move, and the target's own check
	 * refuses a guest whose storage it cannot reach).
	 */
	default Optional<String> storageId() {
		return Optional.empty();
	}

	/**
	 * The domains that run device backends here (dom0 first) and their bridges. The default is dom0
	 * with libxl's default bridge: an adapter that can see more says so.
	 */
	default List<BackendDomain> backendDomains() {
		return List.of(BackendDomain.dom0(List.of(DeviceSpec.DEFAULT_BRIDGE)));
	}

	List<GuestInfo> guests();

	Optional<GuestInfo> guest(DomId domid);

	/**
	 * Creates a guest and attaches its devices, returning once every device's handshake reached
	 * Connected on both ends.
	 * @param domid the id to use, or empty for the next free one
	 */
	GuestInfo create(Optional<DomId> domid, GuestSpec spec, Duration connectTimeout);

	/** Destroys a guest: its devices go Closing then Closed and are removed. */
	void destroy(DomId domid, Duration timeout);

	/** Hot-plugs a device (handshake steps 1 to 6). */
	DeviceInfo attach(DomId domid, DeviceSpec device, Duration timeout);

	/** Unplugs a device (handshake step 7: Closing, then Closed on both ends). */
	void detach(DomId domid, DeviceId device, Duration timeout);

	/**
	 * Asks the guest to suspend and quiesces its devices by {@code strategy}. The guest is PAUSED
	 * afterwards. On failure (a drain that misses the deadline) the guest is thawed before the
	 * exception is thrown; if that thaw fails too, a {@link ThawFailedException} says so.
	 */
	QuiesceReport quiesce(DomId domid, SuspendStrategy strategy, Duration deadline);

	/** Cancels a quiesce: the guest continues in the same domain (suspend_cancel). */
	void thaw(DomId domid, Duration timeout);

	/**
	 * Pauses a RUNNING guest's vCPUs, as {@code xl pause} does: the guest runs no code until
	 * {@link #unpause}, so neither its programs nor its frontends issue anything new. Its devices
	 * stay connected and its backends finish what is already on the rings; the guest sees those
	 * completions once it runs again, so nothing is lost. The guest is PAUSED afterwards. The guest
	 * is not asked anything and nothing of it is saved: a paused guest is not a quiesced one
	 * ({@link #thaw}, {@link #save} and {@link #suspend} refuse it, as {@link #unpause} refuses a
	 * quiesced one). BAD_POWER_STATE for a guest that is not RUNNING, DOMAIN_NOT_FOUND for one the
	 * hypervisor does not know.
	 */
	void pause(DomId domid, Duration timeout);

	/**
	 * Lets a guest {@link #pause}d continue where it stopped: it handles what its backends answered
	 * meanwhile and issues again. RUNNING afterwards. BAD_POWER_STATE for a guest that was not paused
	 * by {@link #pause} (a running one, or one a quiesce froze: that one is thawed).
	 */
	void unpause(DomId domid, Duration timeout);

	/**
	 * Captures a quiesced guest's saved state: every device's, its memory image and the storage its
	 * resume needs. On failure, storage taken for this save is released again.
	 * @param deadline how long the capture may take (a large guest's image is read in full)
	 */
	SavedDomain save(DomId domid, Duration deadline);

	/**
	 * A {@link #save} for continuous checkpointing, of a quiesced guest: with {@code incremental},
	 * only what changed since this guest's previous capture (its memory pages, its disk chunks) where
	 * the adapter tracks that and there was one, else everything; the result says which. What the
	 * capture has to write (disk chunks) may stay in memory until {@link #persistCapture}, so that the
	 * guest is paused only while it is copied. An incremental capture is restored with the chain it
	 * builds on ({@link #resolve}); its caller keeps every capture it stores and discards
	 * ({@link #discardCapture}) every other, so that the next builds on a stored one. By default a
	 * full save.
	 */
	default Capture capture(DomId domid, Duration deadline, boolean incremental) {
		return Capture.full(save(domid, deadline));
	}

	/**
	 * Writes what a capture held in memory (disk chunks) to the host's storage: when it returns, the
	 * capture can be restored after the service dies. Call it before the capture's checkpoint is
	 * stored, in capture order. Nothing for a capture that held nothing back.
	 */
	default void persistCapture(Capture capture) {
	}

	/**
	 * A capture will not be stored: the storage it took is released, and the guest's next capture is
	 * full (nothing stored to build on).
	 */
	default void discardCapture(Capture capture) {
		capture.saved().devices().forEach(d -> releaseStorage(d.backendInfo()));
	}

	/**
	 * Output commit, as Remus does it: while on, the network output a guest produces is held in the
	 * host until the capture taken after it is durable ({@link #releaseOutput}), so that a guest
	 * restored from its last durable capture never contradicts what the outside world saw. Turning
	 * it off releases what is held. An adapter that cannot hold output fails with
	 * {@link HypervisorException.Reason#NOT_SUPPORTED}.
	 */
	default void holdOutput(DomId domid, boolean hold, Duration timeout) {
		if (hold) {
			throw new HypervisorException(HypervisorException.Reason.NOT_SUPPORTED,
					"the " + kind() + " adapter cannot hold a guest's network output");
		}
	}

	/** Whether {@link #holdOutput} can hold a guest's output. */
	default boolean holdsOutput() {
		return false;
	}

	/**
	 * The checkpoint of {@code capture} is durable: the output its guest produced before it was
	 * captured leaves the host (what came after waits for a later capture). Nothing if output was not
	 * held.
	 */
	default void releaseOutput(Capture capture) {
	}

	/**
	 * The saved guest a chain of captures describes, oldest first: a full capture, then incremental
	 * ones, each building on the one before it. The result resumes like a save of the newest; a link
	 * that does not build on the one before it fails with {@link HypervisorException.Reason#INVALID_IMAGE}
	 * naming it.
	 */
	default SavedDomain resolve(List<SavedDomain> chain) {
		if (chain.size() == 1) {
			return chain.get(0);
		}
		throw new HypervisorException(HypervisorException.Reason.NOT_SUPPORTED,
				"the " + kind() + " adapter makes no incremental captures: a chain of " + chain.size() + " cannot be resolved");
	}

	/**
	 * Makes the storage an incremental capture keeps outside its saved guest (the simulator's disk
	 * captures) stand alone, as a full capture's does, so that the captures it builds on can be
	 * deleted: {@code resolved} is its chain {@link #resolve resolved}. What it restores to does not
	 * change, so a failure or a crash part-way leaves it restorable either way. Fails with
	 * {@link HypervisorException.Reason#NOT_SUPPORTED} where the adapter makes no incremental captures.
	 */
	default void compact(SavedDomain resolved) {
		throw new HypervisorException(HypervisorException.Reason.NOT_SUPPORTED,
				"the " + kind() + " adapter makes no incremental captures: there is no chain to compact");
	}

	/** Ends a quiesced guest: its devices are torn down and its frames released. SUSPENDED. */
	void suspend(DomId domid, Duration timeout);

	/**
	 * Brings a saved guest back as {@code target}, which must not exist: its own id for a resume, a
	 * new id for a restore. New frames, fresh grants and event channels, the xenbus handshake, then
	 * the replay; {@code phases} hears each phase as it starts. On failure nothing of the target
	 * domain is left behind.
	 */
	ResumeReport resume(SavedDomain image, DomId target, Duration deadline, Consumer<ResumePhase> phases);

	/**
	 * Which parts of each device's saved state this adapter's {@link #save} fills in, and which it
	 * leaves to the memory image. By default every part is present.
	 */
	default Map<SavedPart, SavedPart.Presence> savedParts() {
		return SavedPart.all(SavedPart.Presence.PRESENT);
	}

	/** Why {@code image} cannot be resumed on this host (format, backends present, features): empty if it can. */
	List<ResumeBlocker> resumeBlockers(SavedDomain image);

	/**
	 * The checkpoint holding a device's saved state is gone: storage the adapter kept for it (the
	 * simulator's disk snapshot), which the adapter named in the device's saved
	 * {@link DeviceSavedState#backendInfo() backend info}, may be freed. Unknown or already freed
	 * storage is ignored.
	 */
	void releaseStorage(Map<String, String> backendInfo);

	/**
	 * Releases every piece of storage this host keeps for saved devices (the simulator's disk
	 * snapshots) that none of {@code referenced} names: what saves left whose checkpoint was never
	 * stored, because the service died between the save and the commit or the commit failed.
	 * {@code referenced} is the {@link DeviceSavedState#backendInfo() backend info} of every device of
	 * every stored checkpoint. The caller makes sure no save is between this adapter's {@link #save}
	 * and the commit of its checkpoint meanwhile (at startup, once recovery has decided every
	 * interrupted operation): the storage of such a save is not referenced yet and would go.
	 * @return how many pieces of storage were released (0 for an adapter that keeps none)
	 */
	int releaseStorageExcept(Collection<Map<String, String>> referenced);

	/**
	 * As {@link #releaseStorageExcept(Collection)}, for storage written before {@code writtenBefore}
	 * only: on storage that other hosts share (the same {@link #storageId}), younger pieces may be
	 * another host's save whose checkpoint is not stored yet. An adapter that keeps no storage, or
	 * cannot tell when it was written, releases what it would release without the bound.
	 */
	default int releaseStorageExcept(Collection<Map<String, String>> referenced, java.time.Instant writtenBefore) {
		return releaseStorageExcept(referenced);
	}

	/**
	 * Writes the storage this host keeps for a saved device (the simulator's disk snapshot), named
	 * in its {@link DeviceSavedState#backendInfo() backend info}, to {@code out}, for a checkpoint
	 * that leaves the deployment; false (nothing written) if the adapter keeps none for it (libxl: the
	 * guest's disks are the deployment's, reached by every host). Fails if the storage is named but
	 * not held here.
	 */
	default boolean exportStorage(Map<String, String> backendInfo, java.io.OutputStream out) {
		return false;
	}

	/** Whether {@link #exportStorage} writes something for a saved device with {@code backendInfo}. */
	default boolean keepsStorage(Map<String, String> backendInfo) {
		return false;
	}

	/**
	 * Takes storage that {@link #exportStorage} wrote on another deployment for a saved device with
	 * {@code backendInfo}, checking its format; held from now on as if this host's save had written
	 * it (and released like it). Storage already held under that name is kept as it is.
	 */
	default void importStorage(Map<String, String> backendInfo, java.io.InputStream in) {
		throw new HypervisorException(HypervisorException.Reason.NOT_SUPPORTED,
				"the " + kind() + " adapter keeps no storage of its own for saved devices");
	}

	/**
	 * What would make a suspend (or live checkpoint) of {@code domid} with {@code strategy} fail
	 * part-way, known now without touching the guest: it does not run, or a device is not connected
	 * at both ends. An adapter that knows more (a backend that does not answer) says so too.
	 */
	default List<SuspendBlocker> suspendBlockers(DomId domid, SuspendStrategy strategy) {
		Optional<GuestInfo> guest = guest(domid);
		if (guest.isEmpty() || guest.get().state() != PowerState.RUNNING) {
			return List.of(new SuspendBlocker(SuspendBlocker.Kind.GUEST_NOT_RUNNING, null, "the guest is "
					+ guest.map(g -> g.state().name()).orElse("not in the hypervisor")));
		}
		List<SuspendBlocker> out = new java.util.ArrayList<>();
		for (DeviceInfo d : guest.get().devices()) {
			if (!d.connected()) {
				out.add(new SuspendBlocker(SuspendBlocker.Kind.DEVICE_NOT_CONNECTED, d.id(), "frontend "
						+ d.frontendState() + ", backend " + d.backendState() + ": not connected"));
			}
		}
		return out;
	}

	/** The xenstore under {@code path}, like {@code xenstore-ls -f -p}. */
	List<XenstoreEntry> xenstore(String path);

	void addListener(Consumer<HypervisorEvent> listener);

}
