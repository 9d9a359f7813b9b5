package org.xso.hypervisor.libxl;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.HypervisorEvent;
import org.xso.hypervisor.HypervisorEvent.End;
import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.HypervisorException.Reason;
import org.xso.xen.DomId;
import org.xso.xen.XenbusState;

/**
 * Watches the {@code state} node of both ends of every device of a restored guest until all of
 * them are Connected (the handshake of xen-reference.md section 1), relaying each change as a
 * {@link HypervisorEvent.XenbusStateChanged}. The watches are registered before the guest runs, so
 * no transition is missed; each watch fires once on registration, and every event is answered by
 * re-reading the node (events may be spurious or coalesced).
 */
final class HandshakeWatch implements AutoCloseable {

	private final XsHandle xs;

	private final DomId domid;

	private final Map<String, End> ends = new HashMap<>();

	private final Map<String, DeviceId> devices = new HashMap<>();

	private final Map<String, XenbusState> states = new HashMap<>();

	private final Consumer<HypervisorEvent> events;

	private final String token;

	/** Opens its own xenstore connection, so that concurrent resumes never read each other's events. */
	HandshakeWatch(DomId domid, List<LibxlDevices.Device> watched, Consumer<HypervisorEvent> events) {
		this.xs = XsHandle.open();
		this.domid = domid;
		this.events = events;
		this.token = "xso-handshake-" + domid.value() + "-" + System.nanoTime();
		for (LibxlDevices.Device d : watched) {
			add(d.frontend() + "/state", d.id(), End.FRONTEND);
			add(d.backend() + "/state", d.id(), End.BACKEND);
		}
		ends.keySet().forEach(path -> xs.watch(path, token));
	}

	private void add(String path, DeviceId id, End end) {
		ends.put(path, end);
		devices.put(path, id);
		states.put(path, XenbusState.Unknown);
	}

	/**
	 * Waits until both ends of every device are Connected.
	 * @throws HypervisorException BACKEND_TIMEOUT naming the devices and states still pending
	 */
	void awaitConnected(Duration timeout) {
		Instant end = Instant.now().plus(timeout);
		ends.keySet().forEach(this::refresh);
		while (!allConnected()) {
			Duration left = Duration.between(Instant.now(), end);
			if (left.isNegative() || left.isZero()) {
				throw new HypervisorException(Reason.BACKEND_TIMEOUT,
						"dom" + domid.value() + ": devices not Connected after "
								+ timeout.truncatedTo(java.time.temporal.ChronoUnit.MILLIS) + ": " + pending());
			}
			var event = xs.readWatch(left.compareTo(Duration.ofMillis(200)) < 0 ? left : Duration.ofMillis(200));
			if (event.isEmpty()) {
				ends.keySet().forEach(this::refresh); // quiet for a while: re-read everything
			}
			else if (event.get().token().equals(token) && ends.containsKey(event.get().path())) {
				refresh(event.get().path());
			}
		}
	}

	private void refresh(String path) {
		XenbusState now = XenbusState.parse(xs.read(path).orElse(""));
		if (states.put(path, now) != now) {
			events.accept(new HypervisorEvent.XenbusStateChanged(domid, devices.get(path), ends.get(path), now));
		}
	}

	private boolean allConnected() {
		return states.values().stream().allMatch(s -> s == XenbusState.Connected);
	}

	private String pending() {
		StringBuilder b = new StringBuilder();
		states.forEach((path, s) -> {
			if (s != XenbusState.Connected) {
				b.append(b.length() == 0 ? "" : ", ").append(devices.get(path)).append(' ')
					.append(ends.get(path).name().toLowerCase(java.util.Locale.ROOT)).append('=').append(s);
			}
		});
		return b.toString();
	}

	@Override
	public void close() {
		try {
			ends.keySet().forEach(path -> xs.unwatch(path, token));
		}
		finally {
			xs.close();
		}
	}

}
