package org.xso.xen.store;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;

import org.xso.xen.DomId;

/**
 * One domain's connection to the store, as a driver holds it through {@code /dev/xen/xenbus} or
 * the xenstore ring. Paths without a leading {@code /} are relative to the domain's home
 * {@code /local/domain/<domid>}. Every operation checks the domain's permissions, except that
 * dom0 may do anything.
 *
 * <p>
 * Thread-safe. Once closed, by {@link #close()} or because the domain was released, every
 * operation fails with EINVAL.
 */
public final class XsConnection implements AutoCloseable {

	/** Attempts the retry helpers make before giving up with the last EAGAIN. */
	public static final int MAX_TRANSACTION_ATTEMPTS = 64;

	private final Xenstore store;

	private final DomId domid;

	private final Set<XsTransaction> transactions = ConcurrentHashMap.newKeySet();

	private volatile boolean open = true;

	XsConnection(Xenstore store, DomId domid) {
		this.store = Objects.requireNonNull(store, "store");
		this.domid = Objects.requireNonNull(domid, "domid");
	}

	public DomId domid() {
		return domid;
	}

	/** {@code GET_DOMAIN_PATH}: {@code /local/domain/<domid>}. */
	public String homePath() {
		return XsPaths.home(domid);
	}

	/**
	 * Validates {@code path} and makes it absolute.
	 * @throws XenstoreException EINVAL for an empty or too long path, a character outside
	 * {@code [A-Za-z0-9-/_@.]}, an empty component, a trailing {@code /} or a special {@code @} path
	 */
	public String resolve(String path) {
		return XsPaths.resolve(domid, Objects.requireNonNull(path, "path"));
	}

	/** @throws XenstoreException ENOENT if absent, EACCES without read access */
	public String read(String path) {
		checkOpen();
		return store.live().read(domid, resolve(path));
	}

	/** The value, or empty if the node does not exist; EACCES still throws. */
	public Optional<String> tryRead(String path) {
		return absentAsEmpty(() -> read(path));
	}

	/**
	 * Writes {@code value}, creating missing parents. New nodes inherit their parent's permissions
	 * and are owned by the writer unless it is dom0.
	 */
	public void write(String path, String value) {
		checkOpen();
		store.apply(this, Mutation.write(path, resolve(path), Objects.requireNonNull(value, "value")));
	}

	/** Creates the node (and missing parents) with an empty value; nothing if it exists. */
	public void mkdir(String path) {
		checkOpen();
		store.apply(this, Mutation.mkdir(resolve(path)));
	}

	/** Removes the node and everything below it. ENOENT if absent, EACCES without write access. */
	public void rm(String path) {
		checkOpen();
		store.apply(this, Mutation.rm(resolve(path)));
	}

	/** The names of the node's children, in natural order. */
	public List<String> directory(String path) {
		checkOpen();
		return store.live().directory(domid, resolve(path));
	}

	public XsPermissions getPerms(String path) {
		checkOpen();
		return store.live().getPerms(domid, resolve(path));
	}

	/** Only the owner or dom0 may; only dom0 may change the owner (EPERM). */
	public void setPerms(String path, XsPermissions perms) {
		checkOpen();
		store.apply(this, Mutation.setPerms(resolve(path), Objects.requireNonNull(perms, "perms")));
	}

	/**
	 * Registers a watch on {@code path} (or {@code @introduceDomain}, {@code @releaseDomain},
	 * {@code @releaseDomain/<domid>}). It fires once right away with {@code path}, then for every
	 * committed change at or below it (with the changed path), and for a removal of an ancestor (with
	 * {@code path}). A domain other than dom0 hears only of nodes it may read. Event paths are
	 * relative if {@code path} is. Events reach {@code callback} through {@code executor}, one at a
	 * time, in commit order.
	 * @throws XenstoreException EEXIST if this connection already watches (path, token)
	 */
	public XsWatch watch(String path, String token, Executor executor, Consumer<XsWatchEvent> callback) {
		checkOpen();
		Objects.requireNonNull(path, "path");
		String target = XsPaths.resolveWatch(domid, path);
		XsWatch watch = new XsWatch(this, path, target, Objects.requireNonNull(token, "token"),
				Objects.requireNonNull(executor, "executor"), Objects.requireNonNull(callback, "callback"));
		store.register(watch);
		return watch;
	}

	/** @throws XenstoreException ENOENT if there is no such watch */
	public void unwatch(String path, String token) {
		checkOpen();
		store.unwatch(this, XsPaths.resolveWatch(domid, Objects.requireNonNull(path, "path")), token);
	}

	/** {@code TRANSACTION_START}: a transaction reading a snapshot of the store taken now. */
	public XsTransaction transactionStart() {
		checkOpen();
		XsTransaction tx = new XsTransaction(this, store.nextTransactionId(), store.live().root());
		transactions.add(tx);
		return tx;
	}

	/**
	 * Runs {@code body} in a transaction and commits it, re-running the whole body in a new
	 * transaction after EAGAIN, up to {@link #MAX_TRANSACTION_ATTEMPTS} times (then the last EAGAIN
	 * is thrown). If the body throws, the transaction is aborted and the exception rethrown; if the
	 * body ends the transaction itself, its result is returned as is.
	 *
	 * <p>
	 * Java cannot choose between this and {@link #transaction(Consumer)} for an expression lambda
	 * such as {@code tx -> tx.read("x")}: give it a block body, {@code tx -> { return tx.read("x"); }}.
	 */
	public <T> T transaction(Function<XsTransaction, T> body) {
		return retrying(body);
	}

	/**
	 * {@link #transaction(Function)} for a body without a result; give the lambda a block body,
	 * {@code tx -> { tx.write("a", "1"); }}.
	 */
	public void transaction(Consumer<XsTransaction> body) {
		retrying(tx -> {
			body.accept(tx);
			return null;
		});
	}

	private <T> T retrying(Function<XsTransaction, T> body) {
		for (int attempt = 1;; attempt++) {
			XsTransaction tx = transactionStart();
			T result;
			try {
				result = body.apply(tx);
			}
			catch (RuntimeException | Error ex) {
				tx.abandon();
				throw ex;
			}
			if (!tx.isOpen()) {
				// the body committed or aborted it itself, unless the connection was closed under it
				checkOpen();
				return result;
			}
			try {
				tx.commit();
				return result;
			}
			catch (XenstoreException ex) {
				if (!ex.isConflict() || attempt >= MAX_TRANSACTION_ATTEMPTS) {
					throw ex;
				}
			}
			store.countRetry();
			backoff(attempt);
		}
	}

	private static void backoff(int attempt) {
		long maxNanos = 20_000L * Math.min(attempt, 10);
		LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(1_000, maxNanos));
	}

	public boolean isOpen() {
		return open;
	}

	/** Closes the connection: its watches are removed and its open transactions aborted. */
	@Override
	public void close() {
		store.close(this);
	}

	@Override
	public String toString() {
		return "XsConnection[dom" + domid + (open ? "" : ", closed") + "]";
	}

	// ---- used by the store and transactions

	Xenstore store() {
		return store;
	}

	void checkOpen() {
		if (!open) {
			throw new XenstoreException(XenstoreException.EINVAL, homePath(), "connection closed");
		}
	}

	/** Called under the store's lock when the connection closes. */
	void markClosed() {
		open = false;
		transactions.forEach(XsTransaction::abandon);
		transactions.clear();
	}

	void ended(XsTransaction tx) {
		transactions.remove(tx);
	}

	static <T> Optional<T> absentAsEmpty(java.util.function.Supplier<T> read) {
		try {
			return Optional.of(read.get());
		}
		catch (XenstoreException ex) {
			if (XenstoreException.ENOENT.equals(ex.errno())) {
				return Optional.empty();
			}
			throw ex;
		}
	}

}
