package org.xso.hypervisor.sim;

import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.xso.hypervisor.DeviceCounters;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceInfo;
import org.xso.hypervisor.DeviceSavedState;
import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.HypervisorException.Reason;
import org.xso.hypervisor.QuiesceReport;
import org.xso.hypervisor.ResumeReport;
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
 * Initialising, then the handshake again with fresh grants and event channels).
 *
 * <p>
 * <b>Threads.</b> A frontend is a driver of the guest's kernel and runs on its own
 * {@link #executor}: every field that is not final, and every final collection's contents, is
 * owned by that executor and read or written only there, as are the rings and what the subclasses
 * keep (queues, shadows, counters). The methods under "executor" below run there only. Every
 * other thread (the toolstack's calls in {@link SimDomains} and {@link SimHypervisor}, the controls,
 * the guest's workloads, the bus that probes the device) reaches the driver through the methods
 * under "messages": they queue their work on the executor and answer with a future, or wait for
 * that answer up to the caller's deadline. What any thread may read is final and immutable or
 * thread-safe and says so: the device's identity, its backend domain, the refs of the previous
 * incarnation and the handshake's {@link Phase phases}. A restored driver is built on the caller's
 * thread before its executor runs anything ({@code restore}): what the factory sets is handed to
 * the executor with the first task, whose queue is the happens-before edge.
 */
abstract class Frontend {

	/**
	 * How long a question to a driver that no caller's deadline bounds (a query, a control, the
	 * description of a driver for an error) waits for the answer: a driver answers within
	 * microseconds unless its executor is wedged, and this turns that into an error instead of a
	 * call that never returns.
	 */
	static final java.time.Duration DRIVER_ANSWER = java.time.Duration.ofSeconds(5);

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

	/** The milestones of one connection that the toolstack waits for, in order. */
	enum Phase {

		/** Rings granted and event channels allocated for the backend. */
		REGRANTED,
		/** Both ends Connected. */
		CONNECTED,
		/** What the shadow held (or the queue) is back on the ring. */
		REPLAYED,
		/** Every request issued before the suspend has completed. */
		VERIFIED

	}

	/**
	 * One connection's phases: thread-safe futures the executor completes and any thread waits on.
	 * The holder is immutable; the executor replaces it only when the driver reconnects in place (a
	 * thaw after its ring was torn down), and that thaw's caller gets the new futures as the answer
	 * to its message.
	 */
	private record Phases(List<CompletableFuture<Void>> futures) {

		static Phases fresh() {
			List<CompletableFuture<Void>> f = new java.util.ArrayList<>();
			for (int i = 0; i < Phase.values().length; i++) {
				f.add(new CompletableFuture<>());
			}
			return new Phases(List.copyOf(f));
		}

		CompletableFuture<Void> of(Phase p) {
			return futures.get(p.ordinal());
		}

	}

	final SimGuest guest;

	final DeviceId id;

	final String nodePath;

	/** The guest's xenstore connection: thread-safe, shared with the guest's other drivers. */
	final XsConnection xs;

	final SerialExecutor executor;

	/**
	 * The backend's domain (the toolstack's {@code backend-id}, or the saved device's): the device's
	 * for the driver's life, so any thread may read it.
	 */
	final DomId backendId;

	/**
	 * The grant refs of the guest's previous incarnation (rings, data, shadow): never handed out
	 * again by this one. Empty for a device that was never saved; immutable, any thread.
	 */
	final List<GrantRef> refsBefore;

	/** Completes when the device has closed (step 7): thread-safe, waited on by the toolstack. */
	final CompletableFuture<Void> closed = new CompletableFuture<>();

	/** The phases of the connection now: see {@link Phases}. Shared, written on the executor only. */
	private volatile Phases phases = Phases.fresh();

	// owned by the executor

	String backendPath;

	XenbusState state = XenbusState.Initialising;

	Mode mode = Mode.NEW;

	/** The event channels published to the backend (blkfront: one per queue). */
	private final List<EvtchnPort> ports = new java.util.ArrayList<>();

	private XsWatch backendWatch;

	private CompletableFuture<Void> drained = new CompletableFuture<>();

	private CompletableFuture<Void> tornDown = new CompletableFuture<>();

	/** A thaw came while the ring was being torn down: reconnect once the backend has closed it. */
	private boolean reconnectWhenTornDown;

	/** FROZEN by a pause of the guest's vCPUs, not by a quiesce: only an unpause lets it run again. */
	private boolean paused;

	List<String> featuresLost = List.of();

	/** The workload's counters as the image brought them back (they count over the guest's life). */
	private DeviceCounters countersAtRestore = DeviceCounters.ZERO;

	Frontend(SimGuest guest, DeviceId id, DomId backendId, List<GrantRef> refsBefore, String driver) {
		this.guest = guest;
		this.id = id;
		this.backendId = backendId;
		this.refsBefore = List.copyOf(refsBefore);
		this.nodePath = "device/" + id.type() + "/" + id.devid();
		this.xs = guest.xs();
		this.executor = guest.host().newDriverExecutor(driver + "-" + guest.domid() + "-" + id.devid());
	}

	// ---- driver specifics (executor) ---------------------------------------------------------

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

	/** The device's saved state: rings, grants, shadow and the driver's own state. */
	abstract DeviceSavedState saveState(SortedMap<String, String> backendInfo);

	abstract SortedMap<String, String> features();

	abstract List<GrantRef> ringRefs();

	abstract DeviceCounters counters();

	// ---- messages (any thread) ---------------------------------------------------------------

	/**
	 * The future of {@code phase} of the connection now. Thread-safe: waited on by the toolstack
	 * while the executor completes it.
	 */
	CompletableFuture<Void> phase(Phase phase) {
		return phases.of(phase);
	}

	/** Probe: the toolstack created our node (step 2); start watching the backend. */
	void start() {
		executor.execute(() -> {
			readBackend();
			watchBackend();
		});
	}

	/**
	 * The driver's image is loaded: its counters from here on are this resume's work. Queued ahead of
	 * {@link #resume()}, whose restore routine already counts (netfront's dropped transmits).
	 */
	void restored() {
		executor.execute(() -> countersAtRestore = counters());
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

	/** The domain is gone: stop everything, no xenstore writes. */
	void kill() {
		executor.execute(() -> {
			if (backendWatch != null) {
				backendWatch.cancel();
			}
			executor.close();
		});
	}

	/** What the toolstack reports of the device: both ends' states, refs, ports, features, counters. */
	CompletableFuture<DeviceInfo> info() {
		return submit(() -> new DeviceInfo(id, backendId, state,
				backendPath == null ? XenbusState.Unknown : backendState(), ringRefs(), ports(), features(),
				counters()));
	}

	/** The event channels published to the backend now. */
	CompletableFuture<List<EvtchnPort>> eventChannels() {
		return submit(this::ports);
	}

	/** Where the handshake stands, for error messages. */
	CompletableFuture<String> describe() {
		return submit(() -> "frontend " + state + " (" + mode + "), backend "
				+ (backendPath == null ? "?" : backendState()));
	}

	/**
	 * {@link #describe()}, waited for up to {@link #DRIVER_ANSWER}: what an error says of a driver
	 * whose caller's deadline has passed. A driver too busy to answer is described as such.
	 */
	String describeNow() {
		try {
			return describe().get(DRIVER_ANSWER.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException e) {
			return "driver did not answer within " + DRIVER_ANSWER;
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			return "interrupted";
		}
		catch (ExecutionException e) {
			return "driver failed: " + e.getCause();
		}
	}

	/** Saves the device on the executor, with what the toolstack read of the backend. */
	CompletableFuture<DeviceSavedState> save(SortedMap<String, String> backendInfo) {
		return submit(() -> saveState(backendInfo));
	}

	/**
	 * What this resume did to the device: what was replayed, re-issued and dropped since the image
	 * was loaded ({@link #restored()}), the refs before and after, the features lost.
	 */
	CompletableFuture<ResumeReport.Device> resumeReport() {
		return submit(() -> {
			// the counters run over the guest's life and came back with its image
			DeviceCounters c = counters();
			DeviceCounters before = countersAtRestore;
			return new ResumeReport.Device(id, c.replayed() - before.replayed(), c.reissued() - before.reissued(),
					c.packetsDropped() - before.packetsDropped(), refsBefore, ringRefs(), featuresLost);
		});
	}

	/** Quiesces this one device by {@code strategy} and waits for it, up to the deadline. */
	QuiesceReport.Device quiesce(SuspendStrategy strategy, long deadlineNanos) {
		return strategy == SuspendStrategy.SHADOW_REPLAY
				? await(freeze(), deadlineNanos, Reason.QUIESCE_TIMEOUT, id + " driver did not freeze")
				: drainAndTearDown(deadlineNanos);
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

	/**
	 * SUSPEND_RESUME's quiesce (the illumos / NetBSD suspend routine): drain what is in flight up
	 * to the deadline, then tear the ring down with the backend. SHADOW_REPLAY's is {@link #freeze()}.
	 * Each step is a message; the futures to wait for are its answers.
	 */
	QuiesceReport.Device drainAndTearDown(long deadlineNanos) {
		record Draining(long before, CompletableFuture<Void> drained) {
		}
		Draining draining = call(() -> {
			long before = outstanding();
			drained = new CompletableFuture<>();
			tornDown = new CompletableFuture<>();
			mode = Mode.DRAINING;
			checkDrained();
			return new Draining(before, drained);
		}, deadlineNanos);
		await(draining.drained(), deadlineNanos, Reason.QUIESCE_TIMEOUT,
				"drain of " + id + " missed its deadline with requests in flight");
		CompletableFuture<Void> closing = call(() -> {
			mode = Mode.TEARING_DOWN;
			switchState(XenbusState.Closing);
			return tornDown;
		}, deadlineNanos);
		await(closing, deadlineNanos, Reason.QUIESCE_TIMEOUT, "backend of " + id + " did not close its ring");
		return call(() -> report(SuspendStrategy.SUSPEND_RESUME, draining.before()), deadlineNanos);
	}

	/** A cancelled suspend: the guest continues in the same domain, reconnecting if its ring is gone. */
	void thaw(long deadlineNanos) {
		CompletableFuture<Void> reconnected = call(() -> {
			switch (mode) {
				case FROZEN, DRAINING -> {
					mode = Mode.RUNNING;
					onEvent();
					kick();
					return null;
				}
				case TEARING_DOWN -> {
					// the backend has not closed the ring yet: going Initialising now would leave it
					// Connected (a backend ignores Initialising until it is Closed) and this ring
					// granted beside the next one, so the cancel lets the tear-down finish first
					phases = Phases.fresh();
					reconnectWhenTornDown = true;
					return phases.of(Phase.CONNECTED);
				}
				case TORN_DOWN -> {
					phases = Phases.fresh();
					reconnect();
					return phases.of(Phase.CONNECTED);
				}
				default -> {
					return null;
				}
			}
		}, deadlineNanos);
		if (reconnected != null) {
			await(reconnected, deadlineNanos, Reason.BACKEND_TIMEOUT, id + " did not reconnect");
		}
	}

	/**
	 * The guest's vCPUs are paused ({@code xl pause}): a connected driver stops where it is, as a
	 * SHADOW_REPLAY freeze stops it but without being asked. What is on its rings stays there for the
	 * backend to answer, and the backend's events wait for {@link #unpause()}. A driver that is not
	 * connected (a device being plugged or unplugged) is left as it is.
	 */
	CompletableFuture<Void> pause() {
		return submit(() -> {
			if (mode == Mode.RUNNING) {
				mode = Mode.FROZEN;
				paused = true;
			}
			return null;
		});
	}

	/**
	 * The guest runs again after a pause: a driver the pause stopped handles what its backend answered
	 * meanwhile and issues what waited. A driver a quiesce froze is left to its thaw.
	 */
	CompletableFuture<Void> unpause() {
		return submit(() -> {
			if (mode == Mode.FROZEN && paused) {
				paused = false;
				mode = Mode.RUNNING;
				onEvent();
				kick();
			}
			return null;
		});
	}

	/** A cancelled suspend's reconnect: the attach path again, from Initialising (executor). */
	private void reconnect() {
		mode = Mode.RESUMING;
		switchState(XenbusState.Initialising);
	}

	/** Runs {@code task} on the driver's executor; the future has its answer. */
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

	/** Runs {@code task} on the driver's executor and waits for its answer up to the deadline. */
	<T> T call(java.util.concurrent.Callable<T> task, long deadlineNanos) {
		return await(submit(task), deadlineNanos, Reason.INTERNAL, id + " driver did not answer");
	}

	void call(Runnable task, long deadlineNanos) {
		call(() -> {
			task.run();
			return null;
		}, deadlineNanos);
	}

	/**
	 * Starts {@code start} on every driver at once (the kernel's loop over its devices), then waits
	 * for them all; the results come in device order.
	 * @param late the reason of the failure when a driver misses the deadline
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

	// ---- xenbus (executor) ---------------------------------------------------------------------

	/** Completes {@code phase} of the connection now. */
	void reached(Phase phase) {
		phases.of(phase).complete(null);
	}

	private void readBackend() {
		backendPath = xs.read(nodePath + "/backend");
	}

	private void watchBackend() {
		if (backendWatch != null) {
			backendWatch.cancel();
		}
		backendWatch = xs.watch(backendPath + "/state", "fe-" + id, executor, e -> backendChanged());
	}

	/** The backend's state; a backend directory that is gone (or no longer readable) is Unknown. */
	XenbusState backendState() {
		return Xenbus.readDriverState(xs, backendPath);
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
					if (reconnectWhenTornDown) {
						reconnectWhenTornDown = false;
						reconnect();
					}
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

}
