package org.xso.operation.internal;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.xso.domain.DomainLeases;
import org.xso.operation.OperationKind;
import org.xso.operation.OperationState;
import org.xso.problem.ProblemCode;
import org.xso.problem.ProblemException;
import org.xso.text.SafeText;

/**
 * Runs operations off the web threads on bounded pools (one for the short operations, one for
 * periodic checkpointing), tracks which ones this instance has queued or running, and renews their
 * leases while they do.
 */
@Component
class OperationExecutor implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(OperationExecutor.class);

	private final ThreadPoolExecutor workers;

	private final ThreadPoolExecutor periodic;

	private final Set<UUID> tracked = ConcurrentHashMap.newKeySet();

	private final OperationRunner runner;

	private final OperationJournal journal;

	private final DomainLeases leases;

	private final java.time.Duration shutdownGrace;

	private final ServiceStopping stopping;

	OperationExecutor(OperationRunner runner, OperationJournal journal, DomainLeases leases,
			OperationProperties properties, ServiceStopping stopping) {
		this.stopping = stopping;
		this.runner = runner;
		this.journal = journal;
		this.leases = leases;
		this.shutdownGrace = properties.shutdownGrace();
		if (properties.leaseRenewInterval().multipliedBy(2).compareTo(leases.ttl()) > 0) {
			throw new IllegalStateException("xso.operations.lease-renew-interval (" + properties.leaseRenewInterval()
					+ ") must be at most half of xso.domains.lease-ttl (" + leases.ttl() + ")");
		}
		this.workers = pool("xso-op-", properties.workers(), new LinkedBlockingQueue<>(properties.queueCapacity()));
		this.periodic = pool("xso-periodic-", properties.periodicWorkers(), new SynchronousQueue<>());
	}

	private static ThreadPoolExecutor pool(String prefix, int size, java.util.concurrent.BlockingQueue<Runnable> q) {
		AtomicInteger n = new AtomicInteger();
		return new ThreadPoolExecutor(size, size, 60, TimeUnit.SECONDS, q, r -> {
			Thread t = new Thread(r, prefix + n.incrementAndGet());
			t.setDaemon(true);
			return t;
		});
	}

	/** 503 SERVICE_OVERLOADED now, rather than accepting an operation that cannot be queued. */
	void requireCapacity(OperationKind kind) {
		boolean full = kind == OperationKind.PERIODIC_CHECKPOINT ? periodic.getActiveCount() >= periodic.getMaximumPoolSize()
				: workers.getQueue().remainingCapacity() == 0;
		if (full) {
			throw new ProblemException(ProblemCode.SERVICE_OVERLOADED,
					"too many " + (kind == OperationKind.PERIODIC_CHECKPOINT ? "periodic checkpointers" : "queued operations")
							+ "; retry later");
		}
	}

	/** Runs an operation the caller just accepted, as it recorded it (the worker reads nothing first). */
	void dispatch(Operation accepted) {
		dispatch(accepted.id(), accepted.kind(), accepted);
	}

	/** Runs operation {@code id} as its row has it. */
	void dispatch(UUID id, OperationKind kind) {
		dispatch(id, kind, null);
	}

	private void dispatch(UUID id, OperationKind kind, @Nullable Operation accepted) {
		if (!tracked.add(id)) {
			return;
		}
		Runnable task = () -> {
			try {
				runner.run(id, accepted);
			}
			finally {
				tracked.remove(id);
			}
		};
		try {
			(kind == OperationKind.PERIODIC_CHECKPOINT ? periodic : workers).execute(task);
		}
		catch (RejectedExecutionException e) {
			tracked.remove(id);
			if (stopping.stopping()) {
				return; // the pools are closed for the stop: recovery runs it after the restart
			}
			log.warn("Operation {} rejected: no capacity", id);
			try {
				journal.load(id).ifPresent(run -> journal.end(run, OperationState.FAILED,
						new ProblemException(ProblemCode.SERVICE_OVERLOADED, "no worker could take the operation"),
						Set.of()));
			}
			catch (RuntimeException again) {
				log.warn("Could not end rejected operation {}: {}", id, SafeText.escape(again.getMessage()));
			}
		}
	}

	boolean tracks(UUID id) {
		return tracked.contains(id);
	}

	@Scheduled(fixedDelayString = "${xso.operations.lease-renew-interval:PT10S}")
	void renewLeases() {
		try {
			leases.renew(Set.copyOf(tracked));
		}
		catch (RuntimeException e) {
			log.warn("Could not renew leases: {}", SafeText.escape(e.getMessage()));
		}
	}

	@Override
	public void destroy() throws InterruptedException {
		stopping.begin();
		periodic.shutdownNow();
		workers.shutdown();
		if (!workers.awaitTermination(shutdownGrace.toMillis(), TimeUnit.MILLISECONDS)) {
			workers.shutdownNow();
		}
		periodic.awaitTermination(Math.min(5_000, shutdownGrace.toMillis()), TimeUnit.MILLISECONDS);
	}

}
