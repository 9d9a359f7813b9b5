package org.xso.hypervisor.libxl;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntSupplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.HypervisorException.Reason;
import org.xso.text.SafeText;

/**
 * The dedicated thread that runs libxl's long, asynchronous-capable operations (suspend, resume,
 * restore, destroy) synchronously ({@code ao_how} NULL), one at a time and in order, so that no
 * caller's thread, and never a web thread, blocks inside libxl beyond its deadline. A call that
 * misses its deadline cannot be cancelled: it goes on, and its compensation is queued behind it.
 */
final class LibxlCalls implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(LibxlCalls.class);

	private final ExecutorService ao = Executors.newSingleThreadExecutor(r -> {
		Thread t = new Thread(r, "libxl-ao");
		t.setDaemon(true);
		return t;
	});

	void await(String call, Runnable body, Duration timeout, Reason onTimeout) {
		await(call, body, timeout, onTimeout, null);
	}

	/**
	 * Runs {@code body} on the libxl thread and waits up to {@code timeout}.
	 * @param compensation queued behind {@code body} if the wait times out (for example thawing a
	 * guest whose suspend outlived its deadline)
	 */
	void await(String call, Runnable body, Duration timeout, Reason onTimeout, @Nullable Runnable compensation) {
		awaitInt(call, () -> {
			body.run();
			return 0;
		}, timeout, onTimeout, compensation);
	}

	int awaitInt(String call, IntSupplier body, Duration timeout, Reason onTimeout, @Nullable Runnable compensation) {
		Future<Integer> f = ao.submit(body::getAsInt);
		try {
			return f.get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException e) {
			if (e.getCause() instanceof RuntimeException r) {
				throw r;
			}
			throw new HypervisorException(Reason.INTERNAL, call + " failed: " + e.getCause(), e.getCause());
		}
		catch (TimeoutException e) {
			if (compensation != null) {
				afterPending(compensation);
			}
			throw new HypervisorException(onTimeout, call + " did not finish within " + timeout
					+ (compensation == null ? "" : "; it goes on and is undone when it ends"));
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new HypervisorException(Reason.INTERNAL, call + " was interrupted while waiting");
		}
	}

	/** Runs {@code r} on the libxl thread after everything queued so far; its failure is logged. */
	void afterPending(Runnable r) {
		ao.execute(() -> {
			try {
				r.run();
			}
			catch (RuntimeException e) {
				log.warn("libxl follow-up failed: {}", SafeText.escape(e.getMessage()));
			}
		});
	}

	@Override
	public void close() {
		ao.shutdown();
		try {
			if (!ao.awaitTermination(30, TimeUnit.SECONDS)) {
				log.warn("libxl calls still running at shutdown");
			}
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

}
