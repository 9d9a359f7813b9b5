package org.xso.operation.internal;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.xso.checkpoint.Checkpoint;
import org.xso.hypervisor.Capture;
import org.xso.hypervisor.Hypervisor;
import org.xso.text.SafeText;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Persists the epochs of periodic checkpointing after their guests were thawed, off the schedules'
 * threads, on {@code xso.operations.epoch-writers} threads that share one backlog, the epochs of
 * several guests in one transaction (group commit): a writer takes the oldest epoch of each schedule
 * that no other writer is writing an epoch of (an epoch's record builds on the one before it, so a
 * schedule's epochs are written one at a time, in order), up to its share of the schedules with
 * epochs outstanding (their number over the writers', rounded up), so that the writers split the
 * work by what is waiting rather than by a fixed assignment and a schedule that fell behind is
 * taken by whichever writer is free. A batch writes its captures' storage, then their checkpoints
 * and epoch records (each kind of row in one JDBC batch for the whole batch of epochs), and commits
 * once. Only then is a schedule's held output released (output
 * commit). A batch that fails is written again one epoch per transaction, so that one guest's
 * failure is that guest's only; a failed epoch fails every later epoch of its schedule (each builds
 * on it), and its schedule ends FAILED when it sees it.
 *
 * <p>
 * Threads: {@link #backlog} and {@link #writing} are guarded by {@link #lock}. The writer
 * ({@code xso-epoch-writer-N}) that took an epoch owns it, its outcome and its schedule's
 * {@link OperationRun} (which it writes, adopting each epoch) until it has written it; the lock
 * orders one writer's work on a schedule before the next one's. Schedules hand epochs over with
 * {@link #submit} and read outcomes through the futures only; a schedule waits for its epochs
 * before it writes its run itself.
 */
@Component
class EpochWriter implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(EpochWriter.class);

	/** Epochs written in one transaction at most. */
	static final int MAX_BATCH = 32;

	/** Guards {@link #backlog} and {@link #writing}; writers wait on {@link #work} for epochs to take. */
	private final ReentrantLock lock = new ReentrantLock();

	private final Condition work = lock.newCondition();

	/** Epochs handed over and not yet taken by a writer, in the order they came. */
	private final ArrayDeque<Pending> backlog = new ArrayDeque<>();

	/** The schedules a writer is writing an epoch of: their next epoch waits for it. */
	private final Set<UUID> writing = new HashSet<>();

	private final OperationJournal journal;

	private final Hypervisor hypervisor;

	private final TransactionTemplate tx;

	private final DistributionSummary batchSizes;

	private final List<Thread> threads = new ArrayList<>();

	/** How many writers share the backlog. */
	private final int writers;

	EpochWriter(OperationJournal journal, Hypervisor hypervisor, TransactionTemplate tx, MeterRegistry meters,
			OperationProperties properties) {
		this.journal = journal;
		this.hypervisor = hypervisor;
		this.tx = tx;
		this.batchSizes = DistributionSummary.builder("xso.checkpoint.epoch.batch")
			.description("Epochs of periodic checkpointing persisted in one transaction")
			.register(meters);
		this.writers = properties.epochWriters();
		for (int i = 0; i < writers; i++) {
			Thread thread = new Thread(this::loop, "xso-epoch-writer-" + (i + 1));
			thread.setDaemon(true);
			threads.add(thread);
			thread.start();
		}
	}

	/**
	 * One captured epoch to persist: {@code parent} is the epoch of the same schedule it is
	 * incremental on (null for a full one), {@code thawedAt} the {@link System#nanoTime()} at which
	 * its guest ran again (its persist lag counts from there).
	 */
	static final class Pending {

		final OperationRun run;

		final int n;

		final Instant startedAt;

		final boolean startedLate;

		/** The capture until it is stored or discarded (then dropped, so a chain holds no old capture). */
		private @Nullable Capture capture;

		/** The epoch this one builds on, until this one is stored or failed. */
		private @Nullable Pending parent;

		final Checkpoint.Header header;

		final long quiesceMs;

		final long saveMs;

		final long thawMs;

		final long thawedAt;

		final CompletableFuture<Checkpoint.Link> stored = new CompletableFuture<>();

		/** Set by the writer that stored it; read by the writer of the next epoch (the lock orders them). */
		private Checkpoint.@Nullable Link link;

		/** Set by the writer that failed it; read by the writer of the next epoch (the lock orders them). */
		private boolean failed;

		Pending(OperationRun run, int n, Instant startedAt, boolean startedLate, Capture capture,
				@Nullable Pending parent, Checkpoint.Header header, long quiesceMs, long saveMs, long thawMs,
				long thawedAt) {
			this.run = run;
			this.n = n;
			this.startedAt = startedAt;
			this.startedLate = startedLate;
			this.capture = capture;
			this.parent = parent;
			this.header = header;
			this.quiesceMs = quiesceMs;
			this.saveMs = saveMs;
			this.thawMs = thawMs;
			this.thawedAt = thawedAt;
		}

		UUID operation() {
			return run.ticket().id();
		}

	}

	/** Hands an epoch over; its future completes once it is durable (or failed). */
	Pending submit(Pending epoch) {
		lock.lock();
		try {
			backlog.add(epoch);
			work.signal();
		}
		finally {
			lock.unlock();
		}
		return epoch;
	}

	private void loop() {
		try {
			while (!Thread.currentThread().isInterrupted()) {
				List<Pending> batch = take();
				try {
					write(batch);
				}
				catch (RuntimeException | Error e) {
					// whatever went wrong, no schedule waits for ever: the batch's epochs fail
					log.error("The epoch writer failed on a batch of {} epochs", batch.size(), e);
					batch.stream().filter(p -> !p.stored.isDone()).forEach(p -> fail(p, e));
				}
				finally {
					written(batch);
				}
			}
		}
		catch (InterruptedException e) {
			// the service stops: what is still queued is not durable, and recovery continues the schedules
			Thread.currentThread().interrupt();
		}
	}

	/** Waits until there are epochs this writer can take, and takes its share of them. */
	private List<Pending> take() throws InterruptedException {
		lock.lockInterruptibly();
		try {
			while (true) {
				List<Pending> batch = nextBatch();
				if (!batch.isEmpty()) {
					batch.forEach(p -> writing.add(p.operation()));
					if (!backlog.isEmpty()) {
						work.signal(); // what is left may be for another writer
					}
					return batch;
				}
				work.await();
			}
		}
		finally {
			lock.unlock();
		}
	}

	/** The schedules of {@code batch} are free for the next writer. */
	private void written(List<Pending> batch) {
		lock.lock();
		try {
			batch.forEach(p -> writing.remove(p.operation()));
			work.signalAll();
		}
		finally {
			lock.unlock();
		}
	}

	/**
	 * The oldest epoch of each schedule in the backlog that no writer is writing, in their order, up
	 * to this writer's share: the schedules with epochs outstanding over the writers, rounded up (and
	 * {@link #MAX_BATCH} at most). Under {@link #lock}.
	 */
	private List<Pending> nextBatch() {
		Set<UUID> outstanding = new HashSet<>(writing);
		backlog.forEach(p -> outstanding.add(p.operation()));
		int share = Math.min(MAX_BATCH, (outstanding.size() + writers - 1) / writers);
		Set<UUID> taken = new HashSet<>(writing);
		List<Pending> batch = new ArrayList<>();
		for (Iterator<Pending> i = backlog.iterator(); i.hasNext() && batch.size() < share;) {
			Pending p = i.next();
			if (taken.add(p.operation())) {
				batch.add(p);
				i.remove();
			}
		}
		return batch;
	}

	private void write(List<Pending> batch) {
		List<Pending> ready = new ArrayList<>();
		for (Pending p : batch) {
			Pending parent = p.parent;
			if (parent != null && parent.failed) {
				fail(p, new IllegalStateException("epoch " + p.n + " builds on epoch " + parent.n
						+ ", which was not stored"));
				continue;
			}
			try {
				hypervisor.persistCapture(capture(p));
				ready.add(p);
			}
			catch (RuntimeException e) {
				fail(p, e);
			}
		}
		if (!ready.isEmpty()) {
			commit(ready);
		}
	}

	/** Stores the epochs of {@code ready} (their storage written) in one transaction, then completes them. */
	private void commit(List<Pending> ready) {
		List<Checkpoint.Link> links;
		try {
			links = java.util.Objects.requireNonNull(tx.execute(s -> journal.epochs(ready.stream().map(this::captured).toList())));
		}
		catch (RuntimeException e) {
			if (ready.size() == 1) {
				fail(ready.get(0), e);
				return;
			}
			log.warn("A batch of {} epochs failed ({}); writing them one by one", ready.size(),
					SafeText.escape(e.getMessage()));
			ready.forEach(p -> commit(List.of(p)));
			return;
		}
		batchSizes.record(ready.size());
		for (int i = 0; i < ready.size(); i++) {
			Pending p = ready.get(i);
			p.link = links.get(i);
			// durable: the output the guest produced before this capture may leave
			try {
				hypervisor.releaseOutput(capture(p));
			}
			catch (RuntimeException e) {
				log.warn("Epoch {} of {} is stored, but its guest's held output was not released: {}", p.n,
						p.operation(), SafeText.escape(e.getMessage()));
			}
			p.capture = null;
			p.parent = null;
			p.stored.complete(p.link);
		}
	}

	private static Capture capture(Pending p) {
		return java.util.Objects.requireNonNull(p.capture, "a pending epoch's capture");
	}

	private OperationJournal.CapturedEpoch captured(Pending p) {
		Pending parent = p.parent;
		return new OperationJournal.CapturedEpoch(p.run, p.n, p.startedAt, p.startedLate, capture(p),
				parent == null ? null : parent.link, p.header,
				new OperationEpoch.Captured(p.quiesceMs, p.saveMs, p.thawMs, System.nanoTime() - p.thawedAt));
	}

	private void fail(Pending p, Throwable e) {
		p.failed = true;
		p.parent = null;
		Capture capture = p.capture;
		try {
			if (capture != null) {
				hypervisor.discardCapture(capture);
			}
		}
		catch (RuntimeException again) {
			log.warn("Could not discard the capture of epoch {} of {}: {}", p.n, p.operation(),
					SafeText.escape(again.getMessage()));
		}
		p.capture = null;
		p.stored.completeExceptionally(e);
	}

	@Override
	public void destroy() throws InterruptedException {
		threads.forEach(Thread::interrupt);
		for (Thread thread : threads) {
			thread.join(5_000);
		}
	}

}
