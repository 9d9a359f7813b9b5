package org.xso.xen.store;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.xso.xen.DomId;

/**
 * A registered watch: a (path, token) pair on one connection, and where its events go.
 *
 * <p>
 * Events are queued in commit order while the store holds its lock, and handed to the executor
 * after the lock is released. A watch drains its queue in one executor task at a time, so its
 * callback is never run concurrently with itself and sees events in commit order, whatever kind of
 * executor it was given. A callback that throws is logged and does not stop later events.
 */
public final class XsWatch {

	private static final System.Logger LOG = System.getLogger(XsWatch.class.getName());

	private final XsConnection connection;

	private final String path;

	private final String target;

	private final String token;

	private final Executor executor;

	private final Consumer<XsWatchEvent> callback;

	private final Queue<XsWatchEvent> pending = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean scheduled = new AtomicBoolean();

	private volatile boolean cancelled;

	/** When it was registered among the store's watches (set under the store's lock, read there). */
	private long registration;

	XsWatch(XsConnection connection, String path, String target, String token, Executor executor,
			Consumer<XsWatchEvent> callback) {
		this.connection = connection;
		this.path = path;
		this.target = target;
		this.token = token;
		this.executor = executor;
		this.callback = callback;
	}

	/** The path as registered (relative paths stay relative). */
	public String path() {
		return path;
	}

	public String token() {
		return token;
	}

	public DomId domid() {
		return connection.domid();
	}

	/** Whether events are still delivered: not cancelled, connection not closed. */
	public boolean isActive() {
		return !cancelled;
	}

	/** Unregisters the watch; queued events not yet delivered are dropped. Idempotent. */
	public void cancel() {
		connection.store().unregister(this);
	}

	XsConnection connection() {
		return connection;
	}

	/** The resolved absolute path, or the special {@code @...} path. */
	String target() {
		return target;
	}

	boolean isSpecial() {
		return XsPaths.isSpecial(target);
	}

	boolean isRelative() {
		return !path.startsWith("/") && !isSpecial();
	}

	/** Queues an event for {@code absolutePath}; the store's lock is held, so order is commit order. */
	void enqueue(String absolutePath) {
		String eventPath = isRelative() ? XsPaths.relativize(domid(), absolutePath) : absolutePath;
		pending.add(new XsWatchEvent(eventPath, token));
	}

	void registered(long sequence) {
		this.registration = sequence;
	}

	long registration() {
		return registration;
	}

	void markCancelled() {
		cancelled = true;
		pending.clear();
	}

	/** Hands queued events to the executor unless a drain is already scheduled. Never under the lock. */
	void dispatch() {
		if (cancelled || pending.isEmpty() || !scheduled.compareAndSet(false, true)) {
			return;
		}
		try {
			executor.execute(this::drain);
		}
		catch (RejectedExecutionException ex) {
			scheduled.set(false);
			if (executor instanceof ExecutorService service && service.isShutdown()) {
				// the driver that registered the watch has stopped: nobody is left to tell
				LOG.log(System.Logger.Level.DEBUG, () -> this + ": executor shut down, watch cancelled");
				cancel();
			}
			else {
				LOG.log(System.Logger.Level.WARNING, this + ": executor rejected events, will retry on the next one",
						ex);
			}
		}
	}

	private void drain() {
		try {
			XsWatchEvent event;
			while (!cancelled && (event = pending.poll()) != null) {
				deliver(event);
			}
		}
		finally {
			scheduled.set(false);
		}
		dispatch();
	}

	private void deliver(XsWatchEvent event) {
		try {
			callback.accept(event);
		}
		catch (RuntimeException ex) {
			LOG.log(System.Logger.Level.WARNING, "watch callback failed for " + event, ex);
		}
	}

	@Override
	public String toString() {
		return "XsWatch[dom" + domid() + " " + path + " " + token + "]";
	}

}
