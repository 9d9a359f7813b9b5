package org.xso.xen.grant;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.xso.xen.DomId;
import org.xso.xen.GrantRef;
import org.xso.xen.Mfn;

/**
 * One domain's v1 grant table: {@code nrFrames} direct little-endian 4 KiB frames of real
 * {@code grant_entry_v1_t} entries ({@link GrantTableLayout}, written by {@link GrantFrames}) and
 * the guest's free list of refs ({@link GrantRefs}; refs 0..7 are reserved and never handed out).
 * The guest side follows Linux {@code grant-table.c}; the Xen side ({@link #pin}, {@link #unpin})
 * is driven by {@link GrantTables}.
 *
 * <p>
 * <b>Concurrency.</b> Flags change only by compare-and-set of the entry's first word (see
 * {@link GrantFrames}). The bookkeeping around them (free list, ref states, Xen's pin counts, the
 * generation) is guarded by one lock per table that both sides take: this is the Java-side lock
 * kept in parallel with the CAS, so guest and Xen never actually race on an entry here.
 *
 * <p>
 * <b>Generations.</b> {@link #reset()} starts a new generation. A pin taken in an earlier
 * generation belongs to what in Xen would be another domain's table: releasing it never touches
 * the fresh entries.
 */
public final class GrantTable {

	/** The outcome of a Xen-side pin: a {@code GNTST_*} status and, if okay, the granted frame. */
	record Pin(int status, Mfn frame, int generation) {
	}

	private final DomId owner;

	private final GrantFrames frames;

	private final int entries;

	private final ReentrantLock lock = new ReentrantLock();

	private final GrantRefs refs;

	/**
	 * Xen's active entries: per frame, all mappings of each ref and then the writable ones; a
	 * frame's counts are allocated when one of its refs is first pinned, as Xen allocates
	 * {@code active_grant_entry} pages when the table grows.
	 */
	private final int[][] pins;

	private int generation;

	private long grantsIssued;

	private long grantsEnded;

	public GrantTable(DomId owner, int nrFrames) {
		this.frames = new GrantFrames(nrFrames);
		this.owner = owner;
		this.entries = GrantTableLayout.entries(nrFrames);
		this.refs = new GrantRefs(this.entries);
		// frames and pin counts come as refs in them are used; GrantRefs starts all free
		this.pins = new int[nrFrames][];
	}

	public DomId owner() {
		return this.owner;
	}

	public int nrFrames() {
		return this.frames.count();
	}

	/** Number of entries, the reserved ones included. */
	public int size() {
		return this.entries;
	}

	/**
	 * Linux {@code gnttab_grant_foreign_access}: takes a free ref and grants {@code peer} access to
	 * {@code frame}.
	 * @throws GrantTableFullException if no ref is free
	 */
	public GrantRef grantForeignAccess(DomId peer, Mfn frame, boolean readonly) {
		checkFrame(frame);
		this.lock.lock();
		try {
			int r = takeFree(GrantRefs.State.GRANTED);
			publish(r, peer, frame, readonly);
			return GrantRef.of(r);
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Linux {@code gnttab_claim_grant_reference}: takes a free ref without granting anything. */
	public GrantRef claimRef() {
		this.lock.lock();
		try {
			int r = takeFree(GrantRefs.State.CLAIMED);
			return GrantRef.of(r);
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Linux {@code gnttab_release_grant_reference}: gives back a claimed, ungranted ref. */
	public void releaseRef(GrantRef ref) {
		this.lock.lock();
		try {
			int r = checkUsable(ref);
			requireState(r, GrantRefs.State.CLAIMED);
			this.refs.release(r);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Linux {@code gnttab_grant_foreign_access_ref}: grants through a given ref number, as classic
	 * blkfront's {@code blkif_recover} re-granted the refs of its shadow after a restore. The ref
	 * must be free or claimed; an active ref is refused.
	 */
	public void grantForeignAccessRef(GrantRef ref, DomId peer, Mfn frame, boolean readonly) {
		checkFrame(frame);
		this.lock.lock();
		try {
			int r = checkUsable(ref);
			if (this.refs.state(r) == GrantRefs.State.GRANTED) {
				throw new IllegalStateException(describe(r) + ": end access before granting it again");
			}
			this.refs.grant(r);
			publish(r, peer, frame, readonly);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Linux {@code gnttab_end_foreign_access_ref}, then frees the ref: clears the flags with a
	 * compare-and-set, but only while Xen does not have the frame mapped.
	 * @return {@code false}, changing nothing, while the peer maps the frame; {@code true} once
	 * access is revoked. A ref that is already free (such as a pre-suspend ref after
	 * {@link #reset()}) has nothing to revoke: {@code true}, and nothing changes.
	 * @throws IllegalStateException for a ref that is claimed but was never granted
	 */
	public boolean endForeignAccess(GrantRef ref) {
		this.lock.lock();
		try {
			int r = checkUsable(ref);
			if (this.refs.state(r) == GrantRefs.State.FREE) {
				return true;
			}
			requireState(r, GrantRefs.State.GRANTED);
			if (!this.frames.revoke(r)) {
				return false;
			}
			this.refs.release(r);
			this.grantsEnded++;
			return true;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** The entry as it is in the frame now. */
	public GrantEntryV1 entry(GrantRef ref) {
		return this.frames.read(checkRange(ref));
	}

	/** Whether the ref is granted and not yet ended. An out-of-range ref is not active. */
	public boolean isActive(GrantRef ref) {
		int r = ref.value();
		return r >= 0 && r < this.entries && locked(() -> this.refs.state(r) == GrantRefs.State.GRANTED);
	}

	public int activeCount() {
		return activeRefs().size();
	}

	/** The granted refs, in ascending order. */
	public List<GrantRef> activeRefs() {
		return locked(this.refs::granted);
	}

	/** Refs that {@link #grantForeignAccess} could still hand out. */
	public int freeCount() {
		return locked(this.refs::freeCount);
	}

	/**
	 * Makes this a fresh, empty table, as a restored or migrated domain gets one: every entry
	 * invalid, every ref free, Xen's pins forgotten (mappings made before stay with their mapper,
	 * but releasing them no longer touches this table). The grant counters keep counting across
	 * resets, over the domain's whole life.
	 */
	public void reset() {
		this.lock.lock();
		try {
			clear();
			this.generation++;
		}
		finally {
			this.lock.unlock();
		}
	}

	public long grantsIssued() {
		return locked(() -> this.grantsIssued);
	}

	public long grantsEnded() {
		return locked(() -> this.grantsEnded);
	}

	/**
	 * Xen's side of a map or a copy: checks the entry and sets {@code GTF_reading} (and
	 * {@code GTF_writing} when {@code writable}), counting the pin.
	 */
	Pin pin(DomId grantee, GrantRef ref, boolean writable) {
		this.lock.lock();
		try {
			int r = ref.value();
			if (r < 0 || r >= this.entries) {
				return new Pin(Gntst.GNTST_bad_gntref, null, this.generation);
			}
			int status = this.frames.setStatus(r, grantee.value(), writable);
			if (status != Gntst.GNTST_okay) {
				return new Pin(status, null, this.generation);
			}
			int[] counts = pinCounts(r);
			int at = r % GrantTableLayout.ENTRIES_PER_FRAME;
			counts[at]++;
			if (writable) {
				counts[GrantTableLayout.ENTRIES_PER_FRAME + at]++;
			}
			return new Pin(status, Mfn.of(this.frames.read(r).frame()), this.generation);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Releases a pin taken by {@link #pin}: clears {@code GTF_writing} when the last writable pin
	 * goes and {@code GTF_reading} when the last pin goes. A pin of an earlier generation is
	 * ignored.
	 */
	void unpin(GrantRef ref, boolean writable, int pinGeneration) {
		this.lock.lock();
		try {
			int r = ref.value();
			int[] counts = this.pins[GrantTableLayout.frameIndex(r)];
			int at = r % GrantTableLayout.ENTRIES_PER_FRAME;
			if (pinGeneration != this.generation || counts == null || counts[at] == 0) {
				return;
			}
			counts[at]--;
			if (writable) {
				counts[GrantTableLayout.ENTRIES_PER_FRAME + at]--;
			}
			int clear = (counts[GrantTableLayout.ENTRIES_PER_FRAME + at] == 0 ? Gtf.GTF_writing : 0)
					| (counts[at] == 0 ? Gtf.GTF_reading : 0);
			this.frames.clearFlags(r, clear);
		}
		finally {
			this.lock.unlock();
		}
	}

	/** The pin counts of {@code r}'s frame: {@code [0, n)} all pins, {@code [n, 2n)} writable ones. */
	private int[] pinCounts(int r) {
		int frame = GrantTableLayout.frameIndex(r);
		int[] counts = this.pins[frame];
		if (counts == null) {
			counts = new int[2 * GrantTableLayout.ENTRIES_PER_FRAME];
			this.pins[frame] = counts;
		}
		return counts;
	}

	private int takeFree(GrantRefs.State next) {
		int r = this.refs.take(next);
		if (r < 0) {
			throw new GrantTableFullException(this.owner, this.entries);
		}
		return r;
	}

	private void publish(int r, DomId peer, Mfn frame, boolean readonly) {
		this.frames.publish(r, peer.value(), frame.value(),
				Gtf.GTF_permit_access | (readonly ? Gtf.GTF_readonly : 0));
		this.grantsIssued++;
	}

	private void clear() {
		this.frames.clearAll();
		this.refs.reset();
		for (int[] counts : this.pins) {
			if (counts != null) {
				Arrays.fill(counts, 0);
			}
		}
	}

	private int checkRange(GrantRef ref) {
		int r = ref.value();
		if (r < 0 || r >= this.entries) {
			throw new IllegalArgumentException(
					"grant ref must be 0.." + (this.entries - 1) + " in dom " + this.owner + "'s table: " + ref);
		}
		return r;
	}

	private int checkUsable(GrantRef ref) {
		int r = checkRange(ref);
		if (r < GrantRef.GNTTAB_NR_RESERVED_ENTRIES) {
			throw new IllegalArgumentException(
					"grant refs 0.." + (GrantRef.GNTTAB_NR_RESERVED_ENTRIES - 1) + " are reserved: " + ref);
		}
		return r;
	}

	private void requireState(int r, GrantRefs.State expected) {
		if (this.refs.state(r) != expected) {
			throw new IllegalStateException(describe(r) + ", expected " + expected);
		}
	}

	private String describe(int r) {
		return "grant ref " + r + " of dom " + this.owner + " is " + this.refs.state(r);
	}

	private static void checkFrame(Mfn frame) {
		if (frame.value() > 0xFFFF_FFFFL) {
			throw new IllegalArgumentException("frame does not fit a v1 entry (u32): " + frame);
		}
	}

	private <T> T locked(Supplier<T> read) {
		this.lock.lock();
		try {
			return read.get();
		}
		finally {
			this.lock.unlock();
		}
	}

}
