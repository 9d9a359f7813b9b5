package org.xso.hypervisor.libxl;

import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xso.hypervisor.HypervisorEvent;
import org.xso.text.SafeText;
import org.xso.xen.DomId;

/**
 * Notices guests started on the host while the service runs ({@code xl create} on the dom0), through
 * xenstored's special watch {@code @introduceDomain}, and reports each one as
 * {@link HypervisorEvent.GuestIntroduced} once it runs: xenstored introduces a domain when it is
 * built, before libxl adds its devices and unpauses it, so a domain is reported only when it is
 * neither paused nor shut down (a guest created paused is reported when it is unpaused). Every
 * domain the host ran when the watch started counts as known: the startup reconciliation adopts
 * those.
 *
 * <p>
 * It is also how the adapter learns that xenstored went away: a watch connection that fails is a
 * lost xenstored (killed, or restarted without a live update). The watch then tells the adapter
 * ({@link Xenstored#stopped}), tries every second to connect again through xenstored's socket only
 * (a connection through the kernel's xenbus device would wait forever for a xenstored that is not
 * there), and once one answers, lets the adapter reconnect ({@link Xenstored#answersAgain}).
 *
 * <p>Threads: one thread, {@code libxl-domains}, owns the xenstore connection and both sets; it
 * publishes and calls {@link Xenstored} on that thread.
 */
final class DomainWatch implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(DomainWatch.class);

	private static final String TOKEN = "xso-domains";

	/** What the adapter does when xenstored stops answering and when it answers again. */
	interface Xenstored {

		/** xenstored stopped answering; {@code why} is one sentence for operators and callers. */
		void stopped(String why);

		/** A new xenstored answers: the adapter connects to it, or throws and is asked again later. */
		void answersAgain();

	}

	private final LongSupplier ctx;

	private final Consumer<HypervisorEvent> events;

	private final Xenstored xenstored;

	/** The watch connection; null while xenstored is not answering. Written by the thread only. */
	private volatile @Nullable XsHandle xs;

	private final Thread thread;

	/** Domains seen, reported or not; a released domid leaves it (Xen reuses domids). */
	private final Set<Integer> known = new HashSet<>();

	/** Domains seen paused or shut down and not yet reported. */
	private final Set<Integer> pending = new HashSet<>();

	private volatile boolean closed;

	/** {@code ctx} gives the adapter's current libxl context (a new one after xenstored came back). */
	DomainWatch(LongSupplier ctx, Consumer<HypervisorEvent> events, Xenstored xenstored) {
		this.ctx = ctx;
		this.events = events;
		this.xenstored = xenstored;
		XsHandle watch = XsHandle.open();
		for (long[] d : domains()) {
			known.add((int) d[0]);
		}
		watch.watch("@introduceDomain", TOKEN);
		watch.watch("@releaseDomain", TOKEN);
		this.xs = watch;
		this.thread = new Thread(this::run, "libxl-domains");
		thread.setDaemon(true);
		thread.start();
	}

	private void run() {
		while (!closed) {
			XsHandle watch = xs;
			if (watch == null) {
				if (!reconnect()) {
					sleep();
				}
				continue;
			}
			Optional<XsHandle.WatchEvent> event;
			try {
				event = watch.readWatch(pending.isEmpty() ? Duration.ofSeconds(1) : Duration.ofMillis(250));
			}
			catch (RuntimeException e) {
				if (!closed) {
					lose(watch, e);
				}
				continue;
			}
			try {
				if (event.isPresent() || !pending.isEmpty()) {
					scan();
				}
			}
			catch (RuntimeException e) {
				if (!closed) {
					log.warn("The domain watch could not list the host's domains: {}", SafeText.escape(e.toString()));
					sleep();
				}
			}
		}
	}

	/** The watch connection failed: xenstored is gone. Said once; then {@link #reconnect} every second. */
	private void lose(XsHandle watch, RuntimeException e) {
		xs = null;
		watch.close();
		String why = "xenstored stopped answering (" + e.getMessage() + "): it was stopped or restarted";
		log.error("{}; the libxl adapter reconnects when it answers again", SafeText.escape(why));
		xenstored.stopped(why + "; the adapter reconnects when it answers again");
	}

	/** Connects to xenstored again through its socket only; true once it answers and the adapter reconnected. */
	private boolean reconnect() {
		XsHandle fresh;
		try {
			fresh = XsHandle.open(LibxlNative.XS_OPEN_SOCKETONLY);
		}
		catch (RuntimeException e) {
			return false; // not there yet
		}
		try {
			fresh.watch("@introduceDomain", TOKEN);
			fresh.watch("@releaseDomain", TOKEN);
			xenstored.answersAgain();
		}
		catch (RuntimeException e) {
			log.warn("xenstored answers, but the libxl adapter could not reconnect yet: {}", SafeText.escape(e.toString()));
			fresh.close();
			return false;
		}
		xs = fresh;
		log.info("xenstored answers again: the libxl adapter reconnected");
		return true;
	}

	/** Compares the host's domains with those known; reports the new ones that run. */
	private void scan() {
		Set<Integer> now = new HashSet<>();
		for (long[] d : domains()) {
			int domid = (int) d[0];
			now.add(domid);
			boolean runs = (d[1] & (LibxlNative.FLAG_PAUSED | LibxlNative.FLAG_SHUTDOWN | LibxlNative.FLAG_DYING)) == 0;
			if (known.add(domid)) {
				pending.add(domid);
			}
			if (runs && pending.remove(domid)) {
				events.accept(new HypervisorEvent.GuestIntroduced(DomId.of(domid)));
			}
		}
		known.retainAll(now);
		pending.retainAll(now);
	}

	/** Every domain but dom0: {domid, flags}. */
	private java.util.List<long[]> domains() {
		long[] all = LibxlNative.listDomain(ctx.getAsLong());
		java.util.List<long[]> out = new java.util.ArrayList<>();
		for (int i = 0; i < all.length; i += LibxlNative.DOMINFO_STRIDE) {
			long domid = all[i + LibxlNative.DOMINFO_DOMID];
			if (domid != 0) {
				out.add(new long[] { domid, all[i + LibxlNative.DOMINFO_FLAGS] });
			}
		}
		return out;
	}

	private static void sleep() {
		try {
			Thread.sleep(1000);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void close() {
		closed = true;
		try {
			thread.join(Duration.ofSeconds(3).toMillis());
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
		XsHandle watch = xs;
		if (watch != null) {
			watch.close();
		}
	}

}
