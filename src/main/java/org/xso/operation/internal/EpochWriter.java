package org.xso.operation.internal;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

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
 * threads, on {@code xso.operations.epoch-writers} lanes (a schedule always on the same one, so that
 * its epochs are written in order; schedules take the lanes in turn, so that they share them
 * evenly), and the epochs of several guests in one transaction (group
 * commit): each batch of a lane takes
 * what the schedules handed over meanwhile, at most one epoch of each schedule (an epoch's record
 * builds on the one before it), writes their captures' storage, then their checkpoints and epoch
 * records, and commits once. Only then is a schedule's held output released (output commit). A
 * batch that fails is written again one epoch per transaction, so that one guest's failure is
 * that guest's only; a failed epoch fails every later epoch of its schedule still queued (each
 * builds on it), and its schedule ends FAILED when it sees it.
 *
 * <p>
 * Threads: each lane's thread ({@code xso-epoch-writer-N}) owns its backlog and every
 * {@link Pending}'s outcome until it completes its future; schedules hand epochs over through the
 * lane's queue and read outcomes through the futures only. The {@link OperationRun} of a schedule
 * with epochs outstanding is written (adopted) by its lane's thread alone: its schedule waits for
 * them before it writes the run itself.
 */
@Component
class EpochWriter implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(EpochWriter.class);

	/** Epochs written in one transaction at most. */
	static final int MAX_BATCH = 32;

	private final List<BlockingQueue<Pending>> queues = new ArrayList<>();

	private final OperationJournal journal;

	private final Hypervisor hypervisor;

	private final TransactionTemplate tx;

	private final DistributionSummary batchSizes;

	private final List<Thread> threads = new ArrayList<>();

	private final java.util.concurrent.atomic.AtomicInteger nextLane = new java.util.concurrent.atomic.AtomicInteger();

	EpochWriter(OperationJournal journal, Hypervisor hypervisor, TransactionTemplate tx, MeterRegistry meters,
			OperationProperties properties) {
		this.journal = journal;
		this.hypervisor = hypervisor;
		this.tx = tx;
		this.batchSizes = DistributionSummary.builder("xso.checkpoint.epoch.batch")
			.description("Epochs of periodic checkpointing persisted in one transaction")
			.register(meters);
		for (int i = 0; i < properties.epochWriters(); i++) {
			BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
			Thread thread = new Thread(() -> loop(queue), "xso-epoch-writer-" + (i + 1));
			thread.setDaemon(true);
			queues.add(queue);
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

		/** The writer lane of its schedule ({@link EpochWriter#lane()}). */
		final int lane;

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

		/** Set by its lane's thread once stored; read by that thread only. */
		private Checkpoint.@Nullable Link link;

		/** Set by its lane's thread if it failed; read by that thread only. */
		private boolean failed;

		Pending(OperationRun run, int lane, int n, Instant startedAt, boolean startedLate, Capture capture,
				@Nullable Pending parent, Checkpoint.Header header, long quiesceMs, long saveMs, long thawMs,
				long thawedAt) {
			this.run = run;
			this.lane = lane;
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

	/** The lane for a schedule that starts: the lanes in turn. */
	int lane() {
		return Math.floorMod(nextLane.getAndIncrement(), queues.size());
	}

	/** Hands an epoch over; its future completes once it is durable (or failed). */
	Pending submit(Pending epoch) {
		queues.get(epoch.lane).add(epoch);
		return epoch;
	}

	private void loop(BlockingQueue<Pending> queue) {
		ArrayDeque<Pending> backlog = new ArrayDeque<>();
		try {
			while (!Thread.currentThread().isInterrupted()) {
				if (backlog.isEmpty()) {
					backlog.add(queue.take());
				}
				queue.drainTo(backlog);
				List<Pending> batch = nextBatch(backlog);
				try {
					write(batch);
				}
				catch (RuntimeException | Error e) {
					// whatever went wrong, no schedule waits for ever: the batch's epochs fail
					log.error("The epoch writer failed on a batch of {} epochs", batch.size(), e);
					batch.stream().filter(p -> !p.stored.isDone()).forEach(p -> fail(p, e));
				}
			}
		}
		catch (InterruptedException e) {
			// the service stops: what is still queued is not durable, and recovery continues the schedules
			Thread.currentThread().interrupt();
		}
	}

	/** The oldest epoch of each schedule in the backlog, up to {@link #MAX_BATCH}, in their order. */
	private static List<Pending> nextBatch(ArrayDeque<Pending> backlog) {
		List<Pending> batch = new ArrayList<>();
		Set<UUID> taken = new HashSet<>();
		for (Iterator<Pending> i = backlog.iterator(); i.hasNext() && batch.size() < MAX_BATCH;) {
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
			links = java.util.Objects.requireNonNull(tx.execute(s -> ready.stream().map(this::store).toList()));
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

	private Checkpoint.Link store(Pending p) {
		Pending parent = p.parent;
		return journal.epoch(p.run, p.n, p.startedAt, p.startedLate, capture(p), parent == null ? null : parent.link,
				p.header, new OperationEpoch.Captured(p.quiesceMs, p.saveMs, p.thawMs, System.nanoTime() - p.thawedAt));
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
