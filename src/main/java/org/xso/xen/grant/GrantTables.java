package org.xso.xen.grant;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.xso.xen.DomId;
import org.xso.xen.GrantRef;
import org.xso.xen.Mfn;
import org.xso.xen.mm.MachineMemory;

/**
 * Xen's side of grant tables across domains: the {@code GNTTABOP_*} operations a backend uses on
 * pages its frontend granted.
 *
 * <p>
 * Status codes follow the simulator's contract rather than Xen to the letter: Xen reports a
 * non-permit entry, a wrong grantee and a writable map of a read-only grant all as
 * {@code GNTST_general_error}; here they are {@code GNTST_bad_gntref} and
 * {@code GNTST_permission_denied}, so a test can tell a stale ref from a misdirected one.
 *
 * <p>
 * <b>Dying domains.</b> {@link #destroy} forgets the domain's table at once. Mappings other domains
 * made of its grants stay until they are unmapped, and their pages stay readable and writable.
 * Unlike Xen, which keeps a mapped frame alive by reference count, {@link MachineMemory} does not
 * pin frames: whoever frees a dead domain's frames should first wait until {@link #isMapped} is
 * false for them (a frame freed while mapped is recycled under a new number, and the old mapping
 * would alias it). Unmapping after the table is gone only drops the mapping.
 *
 * <p>
 * Thread-safe: one lock guards the tables and mappings; a table's own lock is taken inside it,
 * never the other way round.
 */
public final class GrantTables {

	private record Mapping(GrantHandle handle, GrantTable table, int generation) {
	}

	/** A side of a copy with its pin taken: {@code table} is null for a local frame. */
	private record Held(int status, ByteBuffer page, Mfn frame, GrantTable table, GrantRef ref, boolean writable,
			int generation) {

		static Held failed(int status) {
			return new Held(status, null, null, null, null, false, 0);
		}

		boolean ok() {
			return this.status == Gntst.GNTST_okay;
		}

	}

	private final MachineMemory memory;

	private final ReentrantLock lock = new ReentrantLock();

	private final Map<DomId, GrantTable> tables = new HashMap<>();

	private final TreeMap<Integer, Mapping> mappings = new TreeMap<>();

	/**
	 * How many mappings hold each mapped frame: a dead domain's frames are each asked whether they
	 * are still mapped, which a scan of every mapping made quadratic in the guests.
	 */
	private final Map<Mfn, Integer> mappedFrames = new HashMap<>();

	private int nextHandle = 1;

	private long mapsPerformed;

	private long mapFailures;

	private long copiesPerformed;

	private long copyFailures;

	public GrantTables(MachineMemory memory) {
		this.memory = memory;
	}

	/**
	 * Gives {@code domid} a fresh table.
	 * @throws IllegalStateException if the domain already has one
	 */
	public GrantTable create(DomId domid, int nrFrames) {
		GrantTable table = new GrantTable(domid, nrFrames);
		return locked(() -> {
			if (this.tables.containsKey(domid)) {
				throw new IllegalStateException("dom " + domid + " already has a grant table");
			}
			this.tables.put(domid, table);
			return table;
		});
	}

	/** Forgets a dying domain's table (see the class comment); nothing happens if it has none. */
	public void destroy(DomId domid) {
		locked(() -> this.tables.remove(domid));
	}

	public Optional<GrantTable> table(DomId domid) {
		return locked(() -> Optional.ofNullable(this.tables.get(domid)));
	}

	/**
	 * {@code GNTTABOP_map_grant_ref}: maps the frame {@code granter} granted {@code mapper} through
	 * {@code ref}, setting {@code GTF_reading} (and {@code GTF_writing} for a writable map) in the
	 * granter's entry.
	 */
	public GrantMapResult map(DomId mapper, DomId granter, GrantRef ref, boolean readonly) {
		return locked(() -> {
			Held held = hold(mapper, granter, ref, !readonly);
			if (!held.ok()) {
				this.mapFailures++;
				return new GrantMapResult.Failed(held.status());
			}
			GrantHandle handle = new GrantHandle(this.nextHandle++, mapper, granter, ref, held.frame(), readonly);
			this.mappings.put(handle.value(), new Mapping(handle, held.table(), held.generation()));
			this.mappedFrames.merge(handle.frame(), 1, Integer::sum);
			this.mapsPerformed++;
			return new GrantMapResult.Mapped(handle, held.page());
		});
	}

	/**
	 * {@code GNTTABOP_unmap_grant_ref}: drops the mapping; the granter's flags are cleared once the
	 * last mapping of the ref goes, if the granter's table still exists.
	 * @return {@code GNTST_okay}, or {@code GNTST_bad_handle} for a handle not currently mapped
	 */
	public int unmap(GrantHandle h) {
		return locked(() -> {
			Mapping m = this.mappings.get(h.value());
			if (m == null || !m.handle().equals(h)) {
				return Gntst.GNTST_bad_handle;
			}
			this.mappings.remove(h.value());
			this.mappedFrames.computeIfPresent(m.handle().frame(), (frame, n) -> n == 1 ? null : n - 1);
			if (this.tables.get(h.granter()) == m.table()) {
				m.table().unpin(h.ref(), !h.readonly(), m.generation());
			}
			return Gntst.GNTST_okay;
		});
	}

	/**
	 * {@code GNTTABOP_copy}: copies {@code len} bytes from {@code src} to {@code dst}. A granted side
	 * is checked as a map by {@code caller} would be (writable for {@code dst}) and pinned for the
	 * duration of the copy; a local side must be an allocated frame. Ownership of a local frame is
	 * not checked: {@link MachineMemory} does not record owners.
	 * @return {@code GNTST_okay}, {@code GNTST_bad_copy_arg} if either range leaves its page, or the
	 * status of the failing side ({@code GNTST_bad_page} for a local frame that is not allocated)
	 */
	public int copy(DomId caller, GrantCopySide src, GrantCopySide dst, int len) {
		if (len < 0 || outOfPage(src.offset(), len) || outOfPage(dst.offset(), len)) {
			locked(() -> this.copyFailures++);
			return Gntst.GNTST_bad_copy_arg;
		}
		return locked(() -> {
			Held from = hold(caller, src, false);
			if (!from.ok()) {
				this.copyFailures++;
				return from.status();
			}
			Held to = hold(caller, dst, true);
			try {
				if (!to.ok()) {
					this.copyFailures++;
					return to.status();
				}
				byte[] bytes = new byte[len];
				from.page().get(src.offset(), bytes);
				to.page().put(dst.offset(), bytes);
				this.copiesPerformed++;
				return Gntst.GNTST_okay;
			}
			finally {
				release(from);
				release(to);
			}
		});
	}

	/** Mappings currently held, by all domains. */
	public int activeMappings() {
		return locked(this.mappings::size);
	}

	/** The mappings {@code mapper} currently holds, oldest first. */
	public List<GrantHandle> mappingsOf(DomId mapper) {
		return locked(() -> {
			List<GrantHandle> handles = new ArrayList<>();
			for (Mapping m : this.mappings.values()) {
				if (m.handle().mapper().equals(mapper)) {
					handles.add(m.handle());
				}
			}
			return handles;
		});
	}

	/** Whether any domain currently maps {@code frame}. */
	public boolean isMapped(Mfn frame) {
		return locked(() -> this.mappedFrames.containsKey(frame));
	}

	public long mapsPerformed() {
		return locked(() -> this.mapsPerformed);
	}

	public long mapFailures() {
		return locked(() -> this.mapFailures);
	}

	public long copiesPerformed() {
		return locked(() -> this.copiesPerformed);
	}

	public long copyFailures() {
		return locked(() -> this.copyFailures);
	}

	private Held hold(DomId caller, GrantCopySide side, boolean writable) {
		if (side.isGranted()) {
			return hold(caller, side.domid(), side.ref(), writable);
		}
		ByteBuffer page = pageOf(side.frame());
		return (page != null) ? new Held(Gntst.GNTST_okay, page, side.frame(), null, null, false, 0)
				: Held.failed(Gntst.GNTST_bad_page);
	}

	/** Pins {@code ref} of {@code granter}'s table for {@code grantee}; checks the frame is real. */
	private Held hold(DomId grantee, DomId granter, GrantRef ref, boolean writable) {
		GrantTable table = this.tables.get(granter);
		if (table == null) {
			return Held.failed(Gntst.GNTST_bad_domain);
		}
		GrantTable.Pin pin = table.pin(grantee, ref, writable);
		if (pin.status() != Gntst.GNTST_okay) {
			return Held.failed(pin.status());
		}
		ByteBuffer page = pageOf(pin.frame());
		if (page == null) {
			table.unpin(ref, writable, pin.generation());
			return Held.failed(Gntst.GNTST_general_error);
		}
		return new Held(Gntst.GNTST_okay, page, pin.frame(), table, ref, writable, pin.generation());
	}

	private void release(Held held) {
		if (held.table() != null) {
			held.table().unpin(held.ref(), held.writable(), held.generation());
		}
	}

	private ByteBuffer pageOf(Mfn frame) {
		try {
			return this.memory.isAllocated(frame) ? this.memory.page(frame) : null;
		}
		catch (IllegalArgumentException freedMeanwhile) {
			return null;
		}
	}

	private static boolean outOfPage(int offset, int len) {
		return offset < 0 || offset > MachineMemory.PAGE_SIZE - len;
	}

	private <T> T locked(Supplier<T> action) {
		this.lock.lock();
		try {
			return action.get();
		}
		finally {
			this.lock.unlock();
		}
	}

}
