package org.xso.hypervisor.sim;

import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.xso.hypervisor.DeviceCounters;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceSavedState;
import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.HypervisorException.Reason;
import org.xso.hypervisor.QuiesceReport;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.xen.DomId;
import org.xso.xen.EvtchnPort;
import org.xso.xen.GrantRef;
import org.xso.xen.XenbusState;
import org.xso.xen.store.XsConnection;
import org.xso.xen.store.XsWatch;

/**
 * What blkfront and netfront share: the xenbus side of a frontend driver. It watches the backend's
 * {@code state}, runs the connect handshake (seed steps 2 to 5), the close handshake (step 7), the
 * suspend routines of both strategies and the resume path (xenbus_dev_resume: local state back to
 * Initialising, then the handshake again with fresh grants and event channels). Everything runs on
 * the driver's own executor; the blocking methods are for the guest kernel's thread.
 */
abstract class Frontend {

	enum Mode {

		/** Attaching for the first time. */
		NEW,
		/** Connected and issuing. */
		RUNNING,
		/** Guest frozen with requests in flight (SHADOW_REPLAY). */
		FROZEN,
		/** Not issuing, waiting for what is in flight (SUSPEND_RESUME). */
		DRAINING,
		/** Drained, tearing the ring down (SUSPEND_RESUME). */
		TEARING_DOWN,
		/** Ring torn down, grants ended, event channel closed. */
		TORN_DOWN,
		/** Reconnecting after a restore or a cancelled suspend. */
		RESUMING,
		/** Unplugging (backend asked for Closing). */
		CLOSING,
		/** Closed. */
		GONE

	}

	final SimGuest guest;

	final DeviceId id;

	final String nodePath;

	final XsConnection xs;

	final SerialExecutor executor;

	String backendPath;

	DomId backendId;

	XenbusState state = XenbusState.Initialising;

	Mode mode = Mode.NEW;

	/** The event channels published to the backend (blkfront: one per queue). */
	private final List<EvtchnPort> ports = new java.util.ArrayList<>();

	private XsWatch backendWatch;

	CompletableFuture<Void> regranted = new CompletableFuture<>();

	CompletableFuture<Void> connected = new CompletableFuture<>();

	CompletableFuture<Void> replayedPhase = new CompletableFuture<>();

	CompletableFuture<Void> verified = new CompletableFuture<>();

	private CompletableFuture<Void> drained = new CompletableFuture<>();

	private CompletableFuture<Void> tornDown = new CompletableFuture<>();

	final CompletableFuture<Void> closed = new CompletableFuture<>();

	List<GrantRef> refsBefore = List.of();

	List<String> featuresLost = List.of();

	/** The workload's counters as the image brought them back (they count over the guest's life). */
	DeviceCounters countersAtRestore = DeviceCounters.ZERO;

	Frontend(SimGuest guest, DeviceId id, String driver) {
		this.guest = guest;
		this.id = id;
		this.nodePath = "device/" + id.type() + "/" + id.devid();
		this.xs = guest.xs();
		this.executor = guest.host().newDriverExecutor(driver + "-" + guest.domid() + "-" + id.devid());
	}

	// ---- driver specifics --------------------------------------------------------------------

	/** Allocates and grants rings, allocates the event channel, publishes them (step 3). */
	abstract void talkToBackend();

	/** The backend is Connected: read its info, go Connected, replay or re-issue (step 5). */
	abstract void backendConnected();

	abstract void onEvent();

	abstract void kick();

	/** Nothing of ours is on the rings. */
	abstract boolean idle();

	abstract boolean inFlight();

	/** Ends grant access to everything, frees rings and pages, closes the event channel. */
	abstract void releaseRing();

	/** The device is going away: fail what never reached the ring. */
	abstract void failQueued();

	abstract QuiesceReport.Device report(SuspendStrategy strategy, long drained);

	abstract long outstanding();

	abstract DeviceSavedState save(SortedMap<String, String> backendInfo);

	abstract SortedMap<String, String> features();

	abstract List<GrantRef> ringRefs();

	abstract DeviceCounters counters();

	abstract DomId backendDomid();

	// ---- xenbus --------------------------------------------------------------------------------

	/** Probe: the toolstack created our node (step 2); start watching the backend. */
	void start() {
		executor.execute(() -> {
			readBackend();
			watchBackend();
		});
	}

	/** xenbus_dev_resume after a restore: re-read the backend, go Initialising, reconnect. */
	void resume() {
		executor.execute(() -> {
			mode = Mode.RESUMING;
			readBackend();
			switchState(XenbusState.Initialising);
			watchBackend();
		});
	}

	private void readBackend() {
		backendPath = xs.read(nodePath + "/backend");
		backendId = DomId.of(Integer.parseInt(xs.read(nodePath + "/backend-id")));
	}

	private void watchBackend() {
		if (backendWatch != null) {
			backendWatch.cancel();
		}
		backendWatch = xs.watch(backendPath + "/state", "fe-" + id, executor, e -> backendChanged());
	}

	/** The backend's state; a backend directory that is gone (or no longer readable) is Unknown. */
	XenbusState backendState() {
		try {
			return XenbusState.parse(xs.tryRead(backendPath + "/state").orElse(null));
		}
		catch (org.xso.xen.store.XenstoreException e) {
			return XenbusState.Unknown;
		}
	}

	private void backendChanged() {
		XenbusState be = backendState();
		switch (be) {
			case InitWait -> {
				if (state == XenbusState.Initialising && (mode == Mode.NEW || mode == Mode.RESUMING)) {
					talkToBackend();
				}
			}
			case Connected -> {
				if (waitingForConnect()) {
					backendConnected();
				}
			}
			case Closing -> {
				if (mode == Mode.TEARING_DOWN) {
					releaseRing();
					switchState(XenbusState.Closed);
					mode = Mode.TORN_DOWN;
					tornDown.complete(null);
				}
				else if (mode == Mode.RUNNING || mode == Mode.NEW) {
					mode = Mode.CLOSING;
					checkDrained();
				}
			}
			case Closed -> {
				if (mode == Mode.CLOSING && state == XenbusState.Closed) {
					releaseRing();
					failQueued();
					mode = Mode.GONE;
					closed.complete(null);
				}
			}
			default -> {
			}
		}
	}

	/** Whether a backend Connected completes our handshake (blkfront waits in Initialised). */
	boolean waitingForConnect() {
		return state == XenbusState.Initialised && (mode == Mode.NEW || mode == Mode.RESUMING);
	}

	void switchState(XenbusState next) {
		state = next;
		Xenbus.switchState(xs, nodePath, next);
	}

	EvtchnPort allocEvtchn() {
		EvtchnPort port = guest.host().evtchn.allocUnbound(guest.domid(), backendId);
		guest.host().evtchn.bindHandler(guest.domid(), port, () -> executor.execute(this::onEvent));
		ports.add(port);
		return port;
	}

	void closeEvtchn() {
		ports.forEach(p -> guest.host().evtchn.close(guest.domid(), p));
		ports.clear();
	}

	/** Notifies the backend through the first (for netfront, the only) event channel. */
	void notifyBackend() {
		notifyBackend(ports.get(0));
	}

	void notifyBackend(EvtchnPort port) {
		guest.host().evtchn.send(guest.domid(), port);
	}

	/** Clears what is pending on every event channel of the device. */
	void clearPending() {
		ports.forEach(p -> guest.host().evtchn.clearPending(guest.domid(), p));
	}

	List<Integer> evtchnPorts() {
		return ports.stream().map(EvtchnPort::value).toList();
	}

	List<EvtchnPort> ports() {
		return List.copyOf(ports);
	}

	void checkDrained() {
		if (mode == Mode.DRAINING && idle()) {
			drained.complete(null);
		}
		if (mode == Mode.CLOSING && idle() && state != XenbusState.Closed) {
			switchState(XenbusState.Closed);
		}
	}

	// ---- suspend / resume (called from the guest kernel's thread) -------------------------------

	/** Quiesces this one device by {@code strategy} and waits for it. */
	QuiesceReport.Device quiesce(SuspendStrategy strategy, long deadlineNanos) {
		return strategy == SuspendStrategy.SHADOW_REPLAY
				? await(freeze(), deadlineNanos, Reason.INTERNAL, id + " driver did not freeze")
				: drainAndTearDown(deadlineNanos);
	}

	/**
	 * SUSPEND_RESUME's quiesce (the illumos / NetBSD suspend routine): drain what is in flight up
	 * to the deadline, then tear the ring down with the backend. SHADOW_REPLAY's is {@link #freeze()}.
	 */
	QuiesceReport.Device drainAndTearDown(long deadlineNanos) {
		long before = outstanding();
		drained = new CompletableFuture<>();
		tornDown = new CompletableFuture<>();
		call(() -> {
			mode = Mode.DRAINING;
			checkDrained();
			return null;
		}, deadlineNanos);
		await(drained, deadlineNanos, Reason.QUIESCE_TIMEOUT,
				"drain of " + id + " missed its deadline with requests in flight");
		call(() -> {
			mode = Mode.TEARING_DOWN;
			switchState(XenbusState.Closing);
			return null;
		}, deadlineNanos);
		await(tornDown, deadlineNanos, Reason.QUIESCE_TIMEOUT, "backend of " + id + " did not close its ring");
		return call(() -> report(SuspendStrategy.SUSPEND_RESUME, before), deadlineNanos);
	}

	/** A cancelled suspend: the guest continues in the same domain. */
	void thaw(long deadlineNanos) {
		boolean reconnect = call(() -> {
			switch (mode) {
				case FROZEN, DRAINING -> {
					mode = Mode.RUNNING;
					onEvent();
					kick();
					return false;
				}
				case TEARING_DOWN, TORN_DOWN -> {
					resetPhases();
					mode = Mode.RESUMING;
					switchState(XenbusState.Initialising);
					return true;
				}
				default -> {
					return false;
				}
			}
		}, deadlineNanos);
		if (reconnect) {
			await(connected, deadlineNanos, Reason.BACKEND_TIMEOUT, id + " did not reconnect");
		}
	}

	void resetPhases() {
		regranted = new CompletableFuture<>();
		connected = new CompletableFuture<>();
		replayedPhase = new CompletableFuture<>();
		verified = new CompletableFuture<>();
	}

	/** Where the handshake stands, for error messages. */
	String describe() {
		return "frontend " + state + " (" + mode + "), backend " + (backendPath == null ? "?" : backendState());
	}

	/** The domain is gone: stop everything, no xenstore writes. */
	void kill() {
		executor.execute(() -> {
			if (backendWatch != null) {
				backendWatch.cancel();
			}
			executor.close();
		});
	}

	/**
	 * SHADOW_REPLAY's quiesce, started: the driver stops where it is (what is on the ring stays
	 * there, in the shadow) and reports. The guest's kernel starts it on every device, then waits.
	 */
	CompletableFuture<QuiesceReport.Device> freeze() {
		return submit(() -> {
			mode = Mode.FROZEN;
			return report(SuspendStrategy.SHADOW_REPLAY, 0);
		});
	}

	/** Runs {@code task} on the driver's executor. */
	<T> CompletableFuture<T> submit(java.util.concurrent.Callable<T> task) {
		CompletableFuture<T> f = new CompletableFuture<>();
		executor.execute(() -> {
			try {
				f.complete(task.call());
			}
			catch (Exception e) {
				f.completeExceptionally(e);
			}
		});
		return f;
	}

	/**
	 * Starts {@code start} on every driver at once (the kernel's loop over its devices), then waits
	 * for them all; the results come in device order.
	 */
	static <T> List<T> onEvery(java.util.Collection<Frontend> fronts,
			java.util.function.Function<Frontend, CompletableFuture<T>> start, long deadlineNanos, Reason late,
			String what) {
		List<CompletableFuture<T>> started = new java.util.ArrayList<>();
		for (Frontend f : fronts) {
			started.add(start.apply(f));
		}
		List<T> results = new java.util.ArrayList<>();
		int i = 0;
		for (Frontend f : fronts) {
			results.add(await(started.get(i++), deadlineNanos, late, f.id + " driver did not " + what));
		}
		return results;
	}

	<T> T call(java.util.concurrent.Callable<T> task, long deadlineNanos) {
		return await(submit(task), deadlineNanos, Reason.INTERNAL, id + " driver did not answer");
	}

	void call(Runnable task, long deadlineNanos) {
		call(() -> {
			task.run();
			return null;
		}, deadlineNanos);
	}

	static <T> T await(CompletableFuture<T> f, long deadlineNanos, Reason reason, String message) {
		try {
			return f.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException e) {
			throw new HypervisorException(reason, message);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new HypervisorException(Reason.INTERNAL, "interrupted: " + message);
		}
		catch (ExecutionException e) {
			if (e.getCause() instanceof HypervisorException h) {
				throw h;
			}
			throw new HypervisorException(Reason.INTERNAL, message + ": " + e.getCause(), e.getCause());
		}
	}

}
