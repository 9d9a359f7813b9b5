package org.xso.hypervisor.libxl;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

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
 * <p>Threads: one thread, {@code libxl-domains}, owns the xenstore connection and both sets; it
 * publishes on that thread.
 */
final class DomainWatch implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(DomainWatch.class);

	private static final String TOKEN = "xso-domains";

	private final long ctx;

	private final Consumer<HypervisorEvent> events;

	private final XsHandle xs;

	private final Thread thread;

	/** Domains seen, reported or not; a released domid leaves it (Xen reuses domids). */
	private final Set<Integer> known = new HashSet<>();

	/** Domains seen paused or shut down and not yet reported. */
	private final Set<Integer> pending = new HashSet<>();

	private volatile boolean closed;

	DomainWatch(long ctx, Consumer<HypervisorEvent> events) {
		this.ctx = ctx;
		this.events = events;
		this.xs = XsHandle.open();
		for (long[] d : domains()) {
			known.add((int) d[0]);
		}
		xs.watch("@introduceDomain", TOKEN);
		xs.watch("@releaseDomain", TOKEN);
		this.thread = new Thread(this::run, "libxl-domains");
		thread.setDaemon(true);
		thread.start();
	}

	private void run() {
		while (!closed) {
			try {
				var event = xs.readWatch(pending.isEmpty() ? Duration.ofSeconds(1) : Duration.ofMillis(250));
				if (event.isPresent() || !pending.isEmpty()) {
					scan();
				}
			}
			catch (RuntimeException e) {
				if (!closed) {
					log.warn("The domain watch failed: {}", SafeText.escape(e.toString()));
					sleep();
				}
			}
		}
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
		long[] all = LibxlNative.listDomain(ctx);
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
		xs.close();
	}

}
