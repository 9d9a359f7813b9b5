package org.xso.hypervisor.sim;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One driver's executor: tasks run one at a time, in submission order, on a shared pool. Every
 * frontend and backend has its own, so the two ends of a device never run each other's code; a
 * thousand guests do not need eight thousand threads.
 *
 * <p>
 * <b>Threads.</b> Any thread may {@link #execute} or {@link #close}: the queue and the running flag
 * are guarded by the queue's monitor, which also makes everything a task's submitter did before
 * {@code execute} visible to the task. {@code current} is volatile, for {@link #inExecutor()}.
 */
final class SerialExecutor implements Executor {

	private final String name;

	private final Executor pool;

	private final Deque<Runnable> tasks = new ArrayDeque<>();

	private final AtomicBoolean closed = new AtomicBoolean();

	private boolean running;

	private volatile Thread current;

	SerialExecutor(String name, Executor pool) {
		this.name = name;
		this.pool = pool;
	}

	@Override
	public void execute(Runnable task) {
		if (closed.get()) {
			return;
		}
		boolean schedule;
		synchronized (tasks) {
			tasks.addLast(task);
			schedule = !running;
			running = true;
		}
		if (schedule) {
			pool.execute(this::drain);
		}
	}

	private void drain() {
		current = Thread.currentThread();
		try {
			for (int n = 0; n < 64; n++) {
				Runnable task;
				synchronized (tasks) {
					task = tasks.pollFirst();
					if (task == null) {
						running = false;
						return;
					}
				}
				try {
					task.run();
				}
				catch (RuntimeException e) {
					SimLog.error(name, e);
				}
			}
		}
		finally {
			current = null;
		}
		// fairness: give other drivers the pool thread, then go on
		try {
			pool.execute(this::drain);
		}
		catch (java.util.concurrent.RejectedExecutionException hostClosing) {
			// the host is closing: what is left queued dies with its driver
			SimLog.debug(name, "pool closed: queued tasks dropped");
		}
	}

	/** Whether the caller is running on this executor. */
	boolean inExecutor() {
		return current == Thread.currentThread();
	}

	/** Drops queued tasks and refuses new ones: the driver is gone. */
	void close() {
		closed.set(true);
		synchronized (tasks) {
			tasks.clear();
		}
	}

	String name() {
		return name;
	}

}
