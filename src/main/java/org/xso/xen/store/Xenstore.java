package org.xso.xen.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.xso.xen.DomId;

/**
 * The simulated xenstore daemon: a tree of nodes, each with a string value, permissions, children
 * and the generation of its last change; domain connections; watches; transactions; and a bounded
 * history of every committed change.
 *
 * <p>
 * Like xenstored, the store is single-threaded at heart: every change is applied under one lock.
 * The tree is persistent (see {@link Node}), so reads outside transactions take the current root
 * without locking and transactions snapshot it for free. Watch callbacks never run under the lock:
 * events are queued per watch in commit order under the lock and handed to each watch's executor
 * after it is released.
 */
public final class Xenstore {

	/**
	 * The newest changes kept for {@link #history()}: enough for every handshake of a few dozen
	 * device cycles. Every entry outlives young collections until it is evicted, so a larger log
	 * is paid for in GC copying on every young pause.
	 */
	public static final int DEFAULT_HISTORY_CAPACITY = 4_096;

	private static final List<String> SKELETON = List.of("/local", "/local/domain", "/tool", "/vm");

	private final ReentrantLock lock = new ReentrantLock();

	private final NodeTree live;

	private final Watches watches = new Watches();

	private final History history;

	/** Who is told of every committed change ({@link #trace}); called under {@link #lock}. */
	private final List<Consumer<XsHistoryEntry>> tracers = new CopyOnWriteArrayList<>();

	/**
	 * Open connections by domain, each domain's in the order they opened (a dying domain's are
	 * found without going through every guest's); guarded by {@link #lock}.
	 */
	private final Map<DomId, List<XsConnection>> connections = new HashMap<>();

	/** How many connections are open; guarded by {@link #lock}. */
	private int openConnections;

	/**
	 * The generation counter: every change takes the next value, committed or made inside a
	 * transaction, so a node's generation names its last change uniquely and a transaction's
	 * per-node check is an equality test.
	 */
	private final AtomicLong generation = new AtomicLong();

	private final AtomicInteger nextTransactionId = new AtomicInteger(1);

	private final AtomicInteger injectedConflicts = new AtomicInteger();

	private final AtomicLong transactionRetries = new AtomicLong();

	private final AtomicLong transactionConflicts = new AtomicLong();

	public Xenstore() {
		this(DEFAULT_HISTORY_CAPACITY);
	}

	/** @param historyCapacity how many of the newest history entries to keep */
	public Xenstore(int historyCapacity) {
		this.history = new History(historyCapacity);
		NodeTree tree = new NodeTree(Node.leaf("", XsPermissions.owner(DomId.DOM0), 0), NodeTree.AccessLog.NONE);
		for (String path : SKELETON) {
			tree.apply(DomId.DOM0, Mutation.mkdir(path), () -> 0);
		}
		this.live = tree;
	}

	/** A connection for {@code domid}; dom0's is privileged. */
	public XsConnection connect(DomId domid) {
		XsConnection connection = new XsConnection(this, domid);
		locked(touched -> {
			connections.computeIfAbsent(domid, d -> new ArrayList<>(2)).add(connection);
			openConnections++;
		});
		return connection;
	}

	/**
	 * What the toolstack does when it creates a domain: creates {@code /local/domain/<domid>} owned
	 * by the domain with no access for others (dom0 always has it), and fires
	 * {@code @introduceDomain}.
	 */
	public void introduceDomain(DomId domid) {
		String home = XsPaths.home(domid);
		locked(touched -> {
			Node node = NodeTree.find(live.root(), home);
			if (node == null) {
				applyLocked(DomId.DOM0, Mutation.mkdir(home), touched);
			}
			if (node == null || !node.perms().equals(XsPermissions.owner(domid))) {
				applyLocked(DomId.DOM0, Mutation.setPerms(home, XsPermissions.owner(domid)), touched);
			}
			watches.fireSpecial(XsPaths.INTRODUCE_DOMAIN, domid, touched);
		});
	}

	/**
	 * What xenstored does when a domain dies: closes the domain's connections (their watches and open
	 * transactions are dropped; further use fails with EINVAL) and fires {@code @releaseDomain}. The
	 * domain's nodes stay until the toolstack removes them.
	 */
	public void releaseDomain(DomId domid) {
		locked(touched -> {
			for (XsConnection connection : List.copyOf(connections.getOrDefault(domid, List.of()))) {
				closeLocked(connection);
			}
			watches.fireSpecial(XsPaths.RELEASE_DOMAIN, domid, touched);
		});
	}

	/** Every committed change still kept, in commit order. */
	public List<XsHistoryEntry> history() {
		return history.all();
	}

	/** The committed changes to {@code pathPrefix} or below it (a path prefix, not a string one). */
	public List<XsHistoryEntry> history(String pathPrefix) {
		return history.under(pathPrefix);
	}

	/**
	 * Tells {@code tracer} of every change committed from now on, with the value it wrote, in commit
	 * order, as xenstored's trace log does. Unlike a watch, which says only that a path changed and
	 * leaves the value to a later read, a trace loses no intermediate value, not even of a node removed
	 * right after. The tracer runs on the committing thread under the store's lock: it must hand the
	 * entry on and return, never block or call the store.
	 */
	public void trace(Consumer<XsHistoryEntry> tracer) {
		tracers.add(tracer);
	}

	public void clearHistory() {
		history.clear();
	}

	/** Fault injection: the next {@code n} transaction commits fail with EAGAIN and change nothing. */
	public void injectTransactionConflicts(int n) {
		if (n < 0) {
			throw new IllegalArgumentException("conflicts to inject must be >= 0: " + n);
		}
		injectedConflicts.addAndGet(n);
	}

	/** How many times the retry helpers re-ran a transaction body after EAGAIN. */
	public long transactionRetries() {
		return transactionRetries.get();
	}

	/** How many commits failed with EAGAIN, injected or real. */
	public long transactionConflicts() {
		return transactionConflicts.get();
	}

	/**
	 * The subtree at {@code absolutePath} as dom0 sees it, like {@code xenstore-ls -f -p}: depth
	 * first, children in natural order.
	 */
	public List<XsNodeView> list(String absolutePath) {
		if (!absolutePath.startsWith("/")) {
			throw new XenstoreException(XenstoreException.EINVAL, absolutePath, "absolute path expected");
		}
		String path = XsPaths.resolve(DomId.DOM0, absolutePath);
		Node node = NodeTree.find(live.root(), path);
		if (node == null) {
			throw new XenstoreException(XenstoreException.ENOENT, path);
		}
		List<XsNodeView> views = new ArrayList<>(node.size());
		node.collect(path, views);
		return views;
	}

	/**
	 * The generation counter: it grows by one with every committed change outside a transaction
	 * and by at least one per change of a transaction.
	 */
	public long generation() {
		return generation.get();
	}

	public int nodeCount() {
		return live.root().size();
	}

	/** Open connections (what {@code xenstore-control} would list); a leak shows here first. */
	public int connectionCount() {
		lock.lock();
		try {
			return openConnections;
		}
		finally {
			lock.unlock();
		}
	}

	/** Registered watches, special ones included. */
	public int watchCount() {
		lock.lock();
		try {
			return watches.size();
		}
		finally {
			lock.unlock();
		}
	}

	@Override
	public String toString() {
		return "Xenstore[nodes=" + nodeCount() + ", generation=" + generation.get() + "]";
	}

	// ---- used by connections, transactions and watches

	NodeTree live() {
		return live;
	}

	int nextTransactionId() {
		return nextTransactionId.getAndUpdate(id -> id == Integer.MAX_VALUE ? 1 : id + 1);
	}

	void countRetry() {
		transactionRetries.incrementAndGet();
	}

	void apply(XsConnection connection, Mutation mutation) {
		locked(touched -> {
			connection.checkOpen();
			applyLocked(connection.domid(), mutation, touched);
		});
	}

	private void applyLocked(DomId who, Mutation mutation, Set<XsWatch> touched) {
		Change change = live.apply(who, mutation, this::nextGeneration);
		if (change != null) {
			publish(change, touched);
		}
	}

	private void publish(Change change, Set<XsWatch> touched) {
		XsHistoryEntry entry = history.record(change);
		for (Consumer<XsHistoryEntry> tracer : tracers) {
			tracer.accept(entry);
		}
		watches.fire(change, touched);
	}

	/**
	 * Commits a transaction: EAGAIN if a conflict is injected or any node it depended on changed
	 * since it started (per-node generations), otherwise its mutations are replayed in order as
	 * one atomic change of the live tree.
	 */
	void commit(XsConnection connection, int txId, Node base, List<String> accessed, List<Mutation> mutations,
			List<Change> applied) {
		locked(touched -> {
			connection.checkOpen();
			if (injectedConflicts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
				throw conflict(XsPaths.ROOT, "injected conflict in transaction " + txId);
			}
			List<Change> changes;
			if (live.root() == base) {
				// nothing committed since the transaction started: its own tree is the result
				changes = applied;
			}
			else {
				String changed = TransactionCommit.firstConflict(base, live.root(), accessed);
				if (changed != null) {
					throw conflict(changed, "changed since transaction " + txId + " started");
				}
				changes = replay(connection.domid(), mutations, txId);
			}
			if (!changes.isEmpty()) {
				live.replaceRoot(changes.get(changes.size() - 1).after());
			}
			changes.forEach(change -> publish(change, touched));
		});
	}

	/** The generation for the next change. */
	long nextGeneration() {
		return generation.incrementAndGet();
	}

	private List<Change> replay(DomId who, List<Mutation> mutations, int txId) {
		try {
			return TransactionCommit.replay(live.root(), who, mutations, this::nextGeneration);
		}
		catch (XenstoreException ex) {
			// cannot happen while every node the transaction depends on is unchanged; refuse if it does
			throw conflict(ex.path(), "replay of transaction " + txId + " failed: " + ex.getMessage());
		}
	}

	private XenstoreException conflict(String path, String why) {
		transactionConflicts.incrementAndGet();
		return new XenstoreException(XenstoreException.EAGAIN, path, why);
	}

	void register(XsWatch watch) {
		locked(touched -> {
			watch.connection().checkOpen();
			watches.add(watch);
			// the registration event comes before any change committed after it
			watch.enqueue(watch.target());
			touched.add(watch);
		});
	}

	void unregister(XsWatch watch) {
		locked(touched -> watches.remove(watch));
	}

	void unwatch(XsConnection connection, String target, String token) {
		locked(touched -> {
			connection.checkOpen();
			XsWatch watch = watches.find(connection, target, token);
			if (watch == null) {
				throw new XenstoreException(XenstoreException.ENOENT, target, "no watch with token " + token);
			}
			watches.remove(watch);
		});
	}

	void close(XsConnection connection) {
		locked(touched -> closeLocked(connection));
	}

	private void closeLocked(XsConnection connection) {
		List<XsConnection> same = connections.get(connection.domid());
		if (same != null && same.remove(connection)) {
			openConnections--;
			if (same.isEmpty()) {
				connections.remove(connection.domid());
			}
		}
		watches.removeAll(connection);
		connection.markClosed();
	}

	/**
	 * Runs {@code action} under the lock, then hands the events it queued to the executors of the
	 * watches it collected, outside the lock.
	 */
	private void locked(Consumer<Set<XsWatch>> action) {
		Set<XsWatch> touched = new LinkedHashSet<>();
		try {
			lock.lock();
			try {
				action.accept(touched);
			}
			finally {
				lock.unlock();
			}
		}
		finally {
			touched.forEach(XsWatch::dispatch);
		}
	}

}
