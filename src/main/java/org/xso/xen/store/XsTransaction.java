package org.xso.xen.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import org.xso.xen.DomId;

/**
 * A xenstore transaction: reads and writes against a snapshot of the store taken at
 * {@code TRANSACTION_START}, isolated from other writers; reads see the transaction's own writes.
 * Nothing is visible to others, and no watch fires, until {@link #commit()}.
 *
 * <p>
 * Like modern xenstored, the transaction remembers the generation every node it read, listed,
 * wrote or removed had when it started (or that it did not exist); the commit fails with EAGAIN if
 * any of them has changed, appeared or disappeared since. Callers retry the whole body, as
 * {@link XsConnection#transaction(java.util.function.Function)} does.
 *
 * <p>
 * Once committed or aborted, every operation fails with EINVAL.
 */
public final class XsTransaction {

	/** The generation recorded for a node that did not exist. */
	static final long ABSENT = -1;

	private final XsConnection connection;

	private final int id;

	private final Node base;

	private final NodeTree working;

	/**
	 * Every node the transaction read, listed, wrote or removed, with repeats. The generations it
	 * saw are those in {@code base}, which never changes, so they are looked up only when a commit
	 * finds the store moved on.
	 */
	private final List<String> accessed = new ArrayList<>();

	private final List<Mutation> mutations = new ArrayList<>();

	/** What each mutation did to the private tree, kept for a commit with nothing to merge. */
	private final List<Change> applied = new ArrayList<>();

	private final AtomicBoolean ended = new AtomicBoolean();

	XsTransaction(XsConnection connection, int id, Node base) {
		this.connection = connection;
		this.id = id;
		this.base = base;
		this.working = new NodeTree(base, this::touched);
	}

	/** The id {@code TRANSACTION_START} returned, never 0. */
	public int id() {
		return id;
	}

	public DomId domid() {
		return connection.domid();
	}

	public boolean isOpen() {
		return !ended.get();
	}

	public synchronized String read(String path) {
		checkOpen();
		return working.read(domid(), connection.resolve(path));
	}

	/** The value, or empty if the node does not exist (in this transaction's view). */
	public Optional<String> tryRead(String path) {
		return XsConnection.absentAsEmpty(() -> read(path));
	}

	public synchronized void write(String path, String value) {
		checkOpen();
		Objects.requireNonNull(value, "value");
		apply(Mutation.write(path, connection.resolve(path), value));
	}

	public synchronized void mkdir(String path) {
		checkOpen();
		apply(Mutation.mkdir(connection.resolve(path)));
	}

	public synchronized void rm(String path) {
		checkOpen();
		apply(Mutation.rm(connection.resolve(path)));
	}

	public synchronized List<String> directory(String path) {
		checkOpen();
		return working.directory(domid(), connection.resolve(path));
	}

	public synchronized XsPermissions getPerms(String path) {
		checkOpen();
		return working.getPerms(domid(), connection.resolve(path));
	}

	public synchronized void setPerms(String path, XsPermissions perms) {
		checkOpen();
		apply(Mutation.setPerms(connection.resolve(path), Objects.requireNonNull(perms, "perms")));
	}

	/**
	 * {@code TRANSACTION_END "T"}: applies the transaction's changes atomically, in the order they
	 * were made, and fires their watches.
	 * @throws XenstoreException EAGAIN if another writer changed a node this transaction depends on
	 * (nothing is applied), EINVAL if the transaction already ended
	 */
	public void commit() {
		List<String> seen;
		List<Mutation> changes;
		List<Change> done;
		synchronized (this) {
			end();
			seen = List.copyOf(accessed);
			changes = List.copyOf(mutations);
			done = List.copyOf(applied);
		}
		connection.store().commit(connection, id, base, seen, changes, done);
	}

	/** {@code TRANSACTION_END "F"}: discards the transaction. EINVAL if it already ended. */
	public synchronized void abort() {
		end();
	}

	/** Ends the transaction if it is still open, without complaint. */
	void abandon() {
		if (ended.compareAndSet(false, true)) {
			connection.ended(this);
		}
	}

	private void end() {
		if (!ended.compareAndSet(false, true)) {
			throw ended();
		}
		connection.ended(this);
	}

	private void checkOpen() {
		if (ended.get()) {
			throw ended();
		}
		connection.checkOpen();
	}

	private XenstoreException ended() {
		return new XenstoreException(XenstoreException.EINVAL, connection.homePath(),
				"transaction " + id + " has ended");
	}

	private void apply(Mutation mutation) {
		Change change = working.apply(domid(), mutation, connection.store()::nextGeneration);
		if (change != null) {
			mutations.add(mutation);
			applied.add(change);
		}
	}

	private void touched(String path) {
		accessed.add(path);
	}

	@Override
	public String toString() {
		return "XsTransaction[" + id + ", dom" + domid() + (isOpen() ? "" : ", ended") + "]";
	}

}
