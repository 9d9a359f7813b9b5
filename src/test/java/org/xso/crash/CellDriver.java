package org.xso.crash;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;

/**
 * Drives one cell on the service of a {@link DatabaseRun}: sets up a guest for it, makes the request,
 * kills the service right after the 2xx or while the API shows the phase, restarts it on the same
 * database and data directory, and checks what recovery left: what the API had confirmed is there;
 * the operation ended in a named state with a recovery note; every checkpoint verifies; the guest
 * can be suspended and resumed, its workload runs, nothing was lost or duplicated and its disk
 * verifies.
 */
final class CellDriver {

	/** Attempts at seeing a short phase before the cell is given up as not driven. */
	static final int ATTEMPTS = 8;

	/** The backend latency that holds a SUSPEND_RESUME quiesce while it drains. */
	static final long DRAIN_LATENCY_MS = 2_000;

	static final Duration OPERATION_END = Duration.ofSeconds(120);

	static final Duration SETTLE = Duration.ofSeconds(60);

	/** The deadline of the suspend and resume that show a guest usable (seconds on a busy machine). */
	private static final Map<String, Object> STEP_DEADLINE = Map.of("deadlineMs", 30_000);

	private static final Set<String> LONG_IMAGE_PHASES = Set.of("SAVE", "PERSIST", "VERIFY_CHECKPOINT");

	private final DatabaseRun run;

	private final Cell cell;

	private final CellResult result;

	private final Guest.Workload workload;

	// what the cell drove, and what the API had confirmed before the kill
	private int domid;

	private Integer target;

	private String checkpointToRestore;

	private String operationId;

	private JsonNode lastSeen;

	private String shownPhase;

	private Instant killedAt;

	/** The accepted operation had ended before the kill (a guest it brought back ran at the kill). */
	private boolean endedBeforeKill;

	private int shownEpochs;

	private final Set<String> shownCheckpoints = new LinkedHashSet<>();

	/** Periodic checkpointing: the checkpoint of the newest epoch the API showed before the kill. */
	private String newestShownEpoch;

	private int newestShownEpochNumber;

	private final List<Integer> domains = new ArrayList<>();

	private final List<String> phasesSeen = new ArrayList<>();

	private boolean stallOnThaw;

	/** Whether the cell's guests ran their workload before the kill (a domain created by the cell's kill did not). */
	private boolean workloadStarted;

	CellDriver(DatabaseRun run, Cell cell) {
		this.run = run;
		this.cell = cell;
		this.result = new CellResult(cell, run.title());
		this.workload = LONG_IMAGE_PHASES.contains(cell.point()) || cell.point().equals("THAW") ? Guest.Workload.HEAVY
				: Guest.Workload.LIGHT;
	}

	CellResult run() {
		Instant start = Instant.now();
		try {
			setUp();
			if (actAndKill()) {
				run.log(cell, "killed " + (shownPhase == null ? cell.pointTitle() : "in " + shownPhase)
						+ "; restarting on the same database");
				if (run.restart(cell, result)) {
					check();
				}
			}
		}
		catch (RuntimeException e) {
			if (killedAt == null) {
				result.harness("setup", "the cell's guest and request set up on the running service", describe(e));
			}
			else {
				result.fail("after restart", "the API to answer the checks", describe(e));
			}
			run.log(cell, "error: " + describe(e));
		}
		finally {
			cleanUp();
			result.took(Duration.between(start, Instant.now()));
		}
		return result;
	}

	private Api api() {
		return run.service().api();
	}

	// ---- set-up ---------------------------------------------------------------------------------

	private void setUp() {
		if (cell.kind() == Cell.Kind.CREATE) {
			domid = run.nextDomid();
			domains.add(domid);
			return;
		}
		domid = newGuest();
		switch (cell.kind()) {
			case RESUME -> suspendForResume();
			case RESTORE -> {
				// the copy takes the guest's name, so the guest is suspended first: one name is one live
				// domain (libxl refuses a second), and the guest comes back once its copy is gone
				JsonNode op = Guest.run(api(), "/api/v1/domains/" + domid + "/suspend",
						Map.of("strategy", "SHADOW_REPLAY"), OPERATION_END);
				checkpointToRestore = op.path("checkpointId").asString();
				shownCheckpoints.add(checkpointToRestore);
			}
			case PERIODIC -> {
				// every epoch's checkpoint is kept, so each id the API shows must still be there after
				JsonNode d = api().get("/api/v1/domains/" + domid).body();
				Api.Response r = api().patch("/api/v1/domains/" + domid, Map.of("checkpointRetention", 1000),
						"\"" + d.path("version").asLong() + "\"");
				if (r.status() != 200) {
					r = api().patch("/api/v1/domains/" + domid, Map.of("checkpointRetention", 1000), null);
				}
				require(r.status() == 200, "PATCH retention answered " + r.describe());
			}
			default -> {
			}
		}
		slowPhase();
	}

	/**
	 * A QUIESCE or VERIFY_CHECKPOINT cell needs a phase that lasts. A draining quiesce waits for the
	 * requests in flight, each DRAIN_LATENCY_MS long; a freezing one (SHADOW_REPLAY) does not wait
	 * for the backend, so the guest is made as slow to answer the suspend request; a resume's
	 * VERIFY_CHECKPOINT is made to wait for slow storage. (An operation's progress before its first
	 * write is shown from memory, not from commits, so an instant phase is over before a GET sees it.)
	 */
	private void slowPhase() {
		if (cell.point().equals("VERIFY_CHECKPOINT")) {
			// the checkpoint was verified when the request was accepted; the host's own check remains
			Guest.slowStorageCheck(api(), domid, DRAIN_LATENCY_MS);
			return;
		}
		if (!cell.point().equals("QUIESCE")) {
			return;
		}
		if (cell.kind().strategy().equals("SUSPEND_RESUME")) {
			Guest.slowDisk(api(), domid, DRAIN_LATENCY_MS);
		}
		else {
			Guest.slowSuspendAnswer(api(), domid, DRAIN_LATENCY_MS);
		}
	}

	/** A new guest with its workload running. */
	private int newGuest() {
		int d = run.nextDomid();
		Api.Response r = api().post("/api/v1/domains", Guest.createRequest(d));
		require(r.status() == 201, "create domain " + d + " answered " + r.describe());
		domains.add(d);
		r = api().post("/api/v1/domains/" + d + "/workload", workload.start());
		require(r.status() == 200, "workload start answered " + r.describe());
		workloadStarted = true;
		require(Guest.awaitProgress(api(), d, workload == Guest.Workload.HEAVY ? 2_000 : 200, Duration.ofSeconds(60)),
				"the workload of dom" + d + " made no progress in 60 s");
		return d;
	}

	private void suspendForResume() {
		JsonNode op = Guest.run(api(), "/api/v1/domains/" + domid + "/suspend", Map.of("strategy", "SHADOW_REPLAY"),
				OPERATION_END);
		shownCheckpoints.add(op.path("checkpointId").asString());
		if (cell.point().equals("RESTORE")) {
			// the restored guest's backends never connect: RESTORE lasts until the kill
			Guest.stall(api(), domid, true);
		}
	}

	// ---- the request and the kill ---------------------------------------------------------------

	private boolean actAndKill() {
		int attempts = cell.afterAnswer() ? 1 : ATTEMPTS;
		for (int attempt = 1; attempt <= attempts; attempt++) {
			if (attempt > 1) {
				run.log(cell, "attempt " + attempt + ": the last one did not show " + cell.point() + " (saw "
						+ phasesSeen + ")");
				result.note("attempt " + attempt);
			}
			phasesSeen.clear();
			switch (cell.kind()) {
				case CREATE -> {
					Api.Response r = api().post("/api/v1/domains", Guest.createRequest(domid));
					require(r.status() == 201, "create answered " + r.describe());
					killedAt = run.service().kill();
					return true;
				}
				case PATCH -> {
					Api.Response d = api().get("/api/v1/domains/" + domid);
					String etag = d.header("ETag").orElse(null);
					Api.Response r = api().patch("/api/v1/domains/" + domid, Map.of("checkpointRetention", 9), etag);
					require(r.status() == 200, "PATCH answered " + r.describe());
					killedAt = run.service().kill();
					return true;
				}
				default -> {
					Api.Response r = start();
					require(r.status() == 202, cell.kind().title + " answered " + r.describe());
					operationId = r.body().path("id").asString();
					lastSeen = r.body();
					if (cell.afterAnswer()) {
						killedAt = run.service().kill();
						return true;
					}
					if (cell.kind() == Cell.Kind.RESTORE && cell.point().equals("RESTORE")) {
						Guest.stall(api(), target, true);
					}
					if (watchAndKill()) {
						return true;
					}
					resetAfterMiss();
				}
			}
		}
		result.harness("phase seen", "the API to show " + cell.point() + " (polled without pause)",
				"not in " + attempts + " attempts; the last showed " + phasesSeen);
		return false;
	}

	private Api.Response start() {
		Map<String, Object> quiesce = new LinkedHashMap<>();
		quiesce.put("strategy", cell.kind().strategy());
		quiesce.put("quiesceTimeoutMs", 30_000);
		quiesce.put("deadlineMs", 120_000);
		return switch (cell.kind()) {
			case SUSPEND_SHADOW_REPLAY, SUSPEND_SUSPEND_RESUME -> api().post("/api/v1/domains/" + domid + "/suspend",
					quiesce);
			case CHECKPOINT -> api().post("/api/v1/domains/" + domid + "/checkpoints", quiesce);
			case RESUME -> api().post("/api/v1/domains/" + domid + "/resume", Map.of("deadlineMs", 120_000));
			case RESTORE -> {
				target = run.nextDomid();
				domains.add(target);
				yield api().post("/api/v1/checkpoints/" + checkpointToRestore + "/restore",
						Map.of("targetDomid", target, "deadlineMs", 120_000));
			}
			case PERIODIC -> api().post("/api/v1/domains/" + domid + "/periodic-checkpoints",
					Map.of("strategy", "SHADOW_REPLAY", "intervalMs", 100, "epochDeadlineMs", 60_000));
			default -> throw new IllegalStateException(cell.kind() + " is not an operation");
		};
	}

	/**
	 * Reads the operation without pause until the API shows the cell's phase, then kills the service
	 * at once. False if the operation ended first.
	 */
	private boolean watchAndKill() {
		Instant deadline = Instant.now().plus(OPERATION_END);
		String last = null;
		while (Instant.now().isBefore(deadline)) {
			Api.Response r = api().get("/api/v1/operations/" + operationId);
			require(r.status() == 200, "GET of the accepted operation answered " + r.describe());
			JsonNode op = r.body();
			lastSeen = op;
			remember(op);
			String phase = Guest.phase(op);
			if (!phase.equals(last)) {
				phasesSeen.add(Guest.state(op) + "/" + phase);
				last = phase;
			}
			if ("RUNNING".equals(Guest.state(op)) && phase.equals(cell.point()) && killable(op)) {
				killedAt = run.service().kill();
				shownPhase = phase;
				return true;
			}
			if (Guest.ended(op)) {
				return false;
			}
			if (cell.point().equals("THAW") && !stallOnThaw && (phase.equals("SAVE") || phase.equals("PERSIST"))) {
				// the quiesce has drained: stalled backends now hold the reconnect of THAW
				Guest.stall(api(), domid, true);
				stallOnThaw = true;
			}
		}
		throw new IllegalStateException("operation " + operationId + " neither showed " + cell.point()
				+ " nor ended in " + OPERATION_END.toSeconds() + " s; it showed " + phasesSeen);
	}

	private boolean killable(JsonNode op) {
		// periodic checkpointing: once epochs (and their checkpoints) have been shown
		return cell.kind() != Cell.Kind.PERIODIC || op.path("periodic").path("epochsCompleted").asInt() >= 2;
	}

	/** What the API has shown: checkpoint ids and completed epochs must survive the kill. */
	private void remember(JsonNode op) {
		if (op.hasNonNull("checkpointId") && cell.kind() != Cell.Kind.RESUME && cell.kind() != Cell.Kind.RESTORE) {
			shownCheckpoints.add(op.path("checkpointId").asString());
		}
		JsonNode periodic = op.path("periodic");
		if (!periodic.isMissingNode()) {
			shownEpochs = Math.max(shownEpochs, periodic.path("epochsCompleted").asInt());
			for (JsonNode e : periodic.path("recentEpochs")) {
				if (e.hasNonNull("checkpointId")) {
					shownCheckpoints.add(e.path("checkpointId").asString());
					if (e.path("epoch").asInt() > newestShownEpochNumber) {
						newestShownEpochNumber = e.path("epoch").asInt();
						newestShownEpoch = e.path("checkpointId").asString();
					}
				}
			}
		}
	}

	/** The operation ended before the phase was seen: put the guest back for another attempt. */
	private void resetAfterMiss() {
		JsonNode op = Guest.awaitEnd(api(), operationId, OPERATION_END);
		run.log(cell, "missed " + cell.point() + ": the operation ended " + Guest.state(op) + " after " + phasesSeen);
		if (stallOnThaw) {
			Guest.stall(api(), domid, false);
			stallOnThaw = false;
		}
		JsonNode d = Guest.awaitSettled(api(), domid, SETTLE);
		String state = d.path("state").asString("");
		boolean suspended = state.equals("SUSPENDED");
		switch (cell.kind()) {
			case RESUME -> {
				if (!suspended) {
					suspendForResume();
				}
				return;
			}
			case RESTORE -> {
				if (target != null) {
					api().delete("/api/v1/domains/" + target);
					domains.remove(target);
				}
				return;
			}
			default -> {
			}
		}
		if (suspended) {
			Guest.run(api(), "/api/v1/domains/" + domid + "/resume", Map.of(), OPERATION_END);
		}
		else if (!state.equals("RUNNING")) {
			// a guest a failed attempt left FAULTED: start over with a new one
			domid = newGuest();
			slowPhase();
		}
	}

	// ---- after the restart ----------------------------------------------------------------------

	private void check() {
		Api api = api();
		boolean runningAtKill = true;
		if (cell.kind() == Cell.Kind.CREATE) {
			Api.Response r = api.get("/api/v1/domains/" + domid);
			if (r.status() != 200) {
				result.fail("created domain kept", "the domain the API had created (201) to exist",
						"GET /domains/" + domid + " answered " + r.describe());
				return;
			}
			result.outcome("created");
		}
		if (cell.kind() == Cell.Kind.PATCH) {
			Api.Response r = api.get("/api/v1/domains/" + domid);
			long retention = r.body().path("storage").path("retention").asLong(-1);
			if (retention != 9) {
				result.fail("patch kept", "checkpoint retention 9 (the PATCH had answered 200)",
						"retention " + retention + " (" + r.status() + ")");
			}
			result.outcome("patched");
		}
		if (cell.kind().isOperation()) {
			if (!checkOperation()) {
				return;
			}
			// a resumed guest was suspended at the kill unless its resume had ended by then; a
			// restore's source stayed suspended
			runningAtKill = switch (cell.kind()) {
				case RESUME -> endedBeforeKill;
				case RESTORE -> false;
				default -> true;
			};
		}
		checkCheckpoints();
		// a restore's copy first, then gone: its source (suspended) resumes only under a name no one has
		List<Integer> order = new ArrayList<>(domains);
		if (target != null && order.remove(target)) {
			order.add(0, target);
		}
		for (int d : order) {
			if (target != null && d == target) {
				if (!"SUCCEEDED".equals(result.outcome())) {
					continue; // a restore that did not succeed leaves no target (checked with the operation)
				}
				checkGuest(d, endedBeforeKill);
				api.delete("/api/v1/domains/" + d);
				continue;
			}
			checkGuest(d, d == domid && runningAtKill);
		}
		if (cell.kind() == Cell.Kind.PERIODIC && newestShownEpoch != null) {
			restoreNewestShownEpoch();
		}
	}

	/**
	 * Periodic checkpointing's promise after a kill mid-schedule: the newest epoch the API showed
	 * before it (an incremental checkpoint, most likely, resolved with its chain) restores into a new
	 * domain, whose guest loses nothing and finds its disk as its memory of that epoch expects. The
	 * guest is suspended first: the copy takes its name.
	 */
	private void restoreNewestShownEpoch() {
		Api api = api();
		JsonNode c = api.get("/api/v1/checkpoints/" + newestShownEpoch).body();
		run.log(cell, "restoring epoch " + newestShownEpochNumber + " (chain depth " + c.path("chainDepth").asInt()
				+ "), the newest shown before the kill");
		if (!step(domid, "suspend before restoring an epoch", "/api/v1/domains/" + domid + "/suspend",
				Map.of("strategy", "SHADOW_REPLAY", "deadlineMs", STEP_DEADLINE.get("deadlineMs")))) {
			return;
		}
		int copy = run.nextDomid();
		domains.add(copy);
		if (!step(copy, "restore of the newest epoch shown", "/api/v1/checkpoints/" + newestShownEpoch + "/restore",
				Map.of("targetDomid", copy, "deadlineMs", STEP_DEADLINE.get("deadlineMs")))) {
			return;
		}
		checkGuest(copy, false);
		if (result.ok()) {
			run.log(cell, "epoch " + newestShownEpochNumber + " restored: nothing lost, its disk verifies");
		}
	}

	/** The accepted operation after the restart. False if there is none to check further. */
	private boolean checkOperation() {
		Api api = api();
		Api.Response r = api.get("/api/v1/operations/" + operationId);
		if (r.status() != 200) {
			result.fail("accepted operation kept", "operation " + operationId + " (answered 202, last seen "
					+ Guest.state(lastSeen) + "/" + Guest.phase(lastSeen) + ") to exist",
					"GET answered " + r.describe());
			return false;
		}
		if (cell.kind() == Cell.Kind.PERIODIC) {
			stopPeriodic(r.body());
		}
		JsonNode op = Guest.awaitEnd(api, operationId, OPERATION_END);
		String state = Guest.state(op);
		result.outcome(state);
		if (!Guest.ended(op)) {
			result.fail("operation ended", "a named end state within " + OPERATION_END.toSeconds()
					+ " s of the restart", state + " in " + Guest.phase(op) + ", note " + op.path("recoveryNote"));
			return false;
		}
		endedBeforeKill = op.hasNonNull("finishedAt")
				&& Instant.parse(op.path("finishedAt").asString()).isBefore(killedAt);
		if (endedBeforeKill) {
			result.note("the operation had ended before the kill");
		}
		else if (op.path("recoveryNote").asString("").isBlank()) {
			result.fail("recovery note", "a recoveryNote on the operation the kill interrupted (it was "
					+ Guest.state(lastSeen) + "/" + Guest.phase(lastSeen) + ")",
					state + " without a recoveryNote; error " + brief(op.path("error")));
		}
		if (shownPhase != null && op.path("attempts").asInt() <= 1 && !entered(op, shownPhase)) {
			if (run.database().visibleBeforeDurable()) {
				// H2 shows a commit to other connections a moment before it writes it (docs/crash-safety.md):
				// a phase only a GET showed may be lost; nothing a 2xx confirmed may
				result.note("phase " + shownPhase + " shown by a GET was not yet written (H2)");
			}
			else {
				result.fail("shown phase kept",
						"phase " + shownPhase + " (shown by the API before the kill) recorded as entered",
						"phases " + phases(op));
			}
		}
		if (cell.kind() == Cell.Kind.PERIODIC) {
			int epochs = op.path("periodic").path("epochsCompleted").asInt();
			if (epochs < shownEpochs) {
				result.fail("shown epochs kept", ">= " + shownEpochs + " epochs (shown before the kill)",
						epochs + " epochs");
			}
		}
		checkEnd(op, state);
		return true;
	}

	/** Periodic checkpointing goes on after a restart: cancel it to bring it to its end. */
	private void stopPeriodic(JsonNode op) {
		if (Guest.ended(op)) {
			return;
		}
		Instant deadline = Instant.now().plus(OPERATION_END);
		while (Instant.now().isBefore(deadline)) {
			Api.Response r = api().post("/api/v1/operations/" + operationId + "/cancel", Map.of());
			if (r.status() == 202 || r.status() == 409 && r.raw().contains("OPERATION_FINISHED")) {
				return;
			}
			ServiceProcess.sleep(Duration.ofMillis(200));
		}
	}

	/** What each end state promises about the domains. */
	private void checkEnd(JsonNode op, String state) {
		Api api = api();
		JsonNode d = Guest.awaitSettled(api, domid, SETTLE);
		String domainState = d.path("state").asString("absent");
		switch (cell.kind()) {
			case SUSPEND_SHADOW_REPLAY, SUSPEND_SUSPEND_RESUME -> {
				if (state.equals("SUCCEEDED")) {
					expectDomain(d, "SUSPENDED", "the suspend SUCCEEDED");
					String pinned = d.path("suspendCheckpointId").asString("");
					if (!pinned.equals(op.path("checkpointId").asString("-"))) {
						result.fail("suspend image", "suspendCheckpointId = the operation's checkpoint "
								+ op.path("checkpointId"), "suspendCheckpointId " + d.path("suspendCheckpointId"));
					}
				}
				else {
					expectDomain(d, "RUNNING", "the suspend ended " + state);
				}
			}
			case CHECKPOINT, PERIODIC -> expectDomain(d, "RUNNING", "a live checkpoint ended " + state);
			case RESUME -> expectDomain(d, state.equals("SUCCEEDED") ? "RUNNING" : "SUSPENDED",
					"the resume ended " + state);
			case RESTORE -> {
				expectDomain(d, "SUSPENDED", "the source of a restore (suspended before it)");
				JsonNode t = Guest.awaitSettled(api, target, SETTLE);
				if (state.equals("SUCCEEDED")) {
					expectDomain(t, "RUNNING", "the restore SUCCEEDED");
				}
				else if (!t.isMissingNode()) {
					result.fail("restore target", "no domain " + target + " (the restore ended " + state + ")",
							"domain " + target + " " + t.path("state") + "/" + t.path("powerState"));
				}
			}
			default -> {
			}
		}
		if (state.equals("FAILED") && !domainState.equals("FAULTED")) {
			result.note("FAILED with the domain " + domainState);
		}
	}

	private void expectDomain(JsonNode d, String state, String because) {
		String found = d.isMissingNode() ? "absent" : d.path("state").asString() + "/" + d.path("powerState").asString();
		if (d.isMissingNode() || !d.path("state").asString().equals(state)) {
			result.fail("domain state", "dom" + (d.isMissingNode() ? "?" : d.path("domid").asInt()) + " " + state
					+ " (" + because + ")", found + stateReason(d));
		}
	}

	/** No half checkpoint: every checkpoint shown or listed verifies. */
	private void checkCheckpoints() {
		Api api = api();
		Set<String> listed = new LinkedHashSet<>();
		for (int d : domains) {
			Api.Response r = api.get("/api/v1/domains/" + d + "/checkpoints?size=200");
			if (r.status() == 200) {
				r.body().path("items").forEach(i -> listed.add(i.path("id").asString()));
			}
		}
		for (String id : shownCheckpoints) {
			Api.Response r = api.get("/api/v1/checkpoints/" + id);
			if (r.status() != 200) {
				result.fail("shown checkpoint kept", "checkpoint " + id + " (its id was shown by the API) to exist",
						"GET answered " + r.describe());
			}
		}
		for (String id : listed) {
			Api.Response r = api.get("/api/v1/checkpoints/" + id + "/integrity");
			if (r.status() != 200 || !r.body().path("ok").asBoolean()) {
				result.fail("checkpoint integrity", "checkpoint " + id + " (listed) to verify",
						"integrity answered " + r.describe());
			}
		}
	}

	/**
	 * The guest after recovery: its recorded state matches the hypervisor's; it resumes if it is
	 * suspended; its workload runs (started again if the guest was booted again); it suspends and
	 * resumes; nothing lost or duplicated; its disk verifies.
	 */
	private void checkGuest(int d, boolean ranAtKill) {
		Api api = api();
		JsonNode dom = Guest.awaitSettled(api, d, SETTLE);
		if (dom.isMissingNode()) {
			result.fail("guest kept", "domain " + d + " to exist", "404");
			return;
		}
		String state = dom.path("state").asString();
		String power = dom.path("powerState").asString();
		if (!dom.path("lease").isMissingNode()) {
			result.fail("lease released", "no lease on dom" + d + " " + SETTLE.toSeconds() + " s after recovery",
					"lease " + dom.path("lease"));
			return;
		}
		boolean coherent = state.equals("RUNNING") && power.equals("RUNNING")
				|| state.equals("SUSPENDED") && (power.equals("ABSENT") || power.equals("SUSPENDED"));
		if (!coherent) {
			result.fail("state matches hypervisor", "dom" + d + " RUNNING/RUNNING or SUSPENDED/ABSENT",
					state + "/" + power + stateReason(dom));
			return;
		}
		if (state.equals("SUSPENDED")) {
			String pinned = dom.path("suspendCheckpointId").asString("");
			Api.Response integrity = api.get("/api/v1/checkpoints/" + pinned + "/integrity");
			if (integrity.status() != 200 || !integrity.body().path("ok").asBoolean()) {
				result.fail("suspend image", "dom" + d + "'s suspendCheckpointId to verify",
						pinned + ": " + integrity.describe());
				return;
			}
			if (!step(d, "resume after recovery", "/api/v1/domains/" + d + "/resume", STEP_DEADLINE)) {
				return;
			}
		}
		// A guest running at the kill ended with the simulated host and was booted again on its disks:
		// its workload starts afresh, like a rebooted guest's. One restored from a checkpoint (a
		// resume, a restore) is the guest that was saved, and its workload runs on.
		JsonNode running = api.get("/api/v1/domains/" + d + "/workload").body();
		if (!running.path("running").asBoolean()) {
			if (workloadStarted && !ranAtKill) {
				result.fail("workload runs", "dom" + d + "'s workload running after recovery (it ran when the"
						+ " guest was saved)", "running=false");
			}
			else if (workloadStarted) {
				result.note("dom" + d + " booted again");
			}
			api.post("/api/v1/domains/" + d + "/workload", workload.start());
		}
		if (!Guest.awaitProgress(api, d, 100, Duration.ofSeconds(30))) {
			result.fail("workload runs", "dom" + d + "'s vbd to complete requests", "no progress in 30 s");
			return;
		}
		if (!step(d, "suspend after recovery", "/api/v1/domains/" + d + "/suspend",
				Map.of("strategy", "SHADOW_REPLAY", "deadlineMs", STEP_DEADLINE.get("deadlineMs")))
				|| !step(d, "resume after recovery", "/api/v1/domains/" + d + "/resume", STEP_DEADLINE)) {
			return;
		}
		for (String[] dev : List.of(new String[] { "vbd", Guest.VBD }, new String[] { "vif", "0" })) {
			JsonNode c = Guest.stats(api, d, dev[0], dev[1]);
			if (c.path("lost").asLong() != 0 || c.path("duplicated").asLong() != 0
					|| c.path("verifyFailures").asLong() != 0) {
				result.fail("nothing lost", "dom" + d + " " + dev[0] + " lost 0, duplicated 0, verifyFailures 0",
						c.toString());
			}
		}
		Api.Response v = api.post("/api/v1/domains/" + d + "/workload/verify", Map.of("timeoutMs", 60_000));
		// a guest booted again learns its disk from the sectors: 0 mismatches alone would pass a blank disk
		if (v.status() != 200 || v.body().path("mismatches").asLong() != 0
				|| v.body().path("writtenSectors").asLong() <= 0) {
			result.fail("disk verifies", "dom" + d + " verify: 200 with 0 mismatches and written sectors found",
					v.describe());
		}
	}

	/** One operation of the usability check; false (with a finding) if it did not succeed. */
	private boolean step(int d, String what, String path, Object body) {
		Api.Response r = api().post(path, body);
		if (r.status() != 202) {
			result.fail(what, "dom" + d + ": 202", r.describe());
			return false;
		}
		JsonNode op = Guest.awaitEnd(api(), r.body().path("id").asString(), OPERATION_END);
		if (!"SUCCEEDED".equals(Guest.state(op))) {
			result.fail(what, "dom" + d + ": SUCCEEDED", Guest.state(op) + " " + brief(op.path("error")));
			return false;
		}
		return true;
	}

	private void cleanUp() {
		if (run.service() == null || !run.service().alive()) {
			return;
		}
		for (int d : domains) {
			try {
				Api.Response r = api().delete("/api/v1/domains/" + d);
				if (r.status() == 409) {
					JsonNode dom = Guest.awaitSettled(api(), d, Duration.ofSeconds(30));
					if (!dom.isMissingNode()) {
						api().delete("/api/v1/domains/" + d);
					}
				}
			}
			catch (RuntimeException e) {
				run.log(cell, "could not delete dom" + d + ": " + describe(e));
			}
		}
	}

	// ---- helpers --------------------------------------------------------------------------------

	private static boolean entered(JsonNode op, String phase) {
		for (JsonNode p : op.path("phases")) {
			if (p.path("name").asString().equals(phase)) {
				return p.hasNonNull("startedAt");
			}
		}
		return false;
	}

	private static String phases(JsonNode op) {
		List<String> out = new ArrayList<>();
		op.path("phases").forEach(p -> out.add(p.path("name").asString() + ":" + p.path("state").asString()));
		return out.toString();
	}

	private static String stateReason(JsonNode d) {
		return d.hasNonNull("stateReason") ? " (" + d.path("stateReason").asString() + ")" : "";
	}

	private static String brief(JsonNode problem) {
		if (problem.isMissingNode() || problem.isNull()) {
			return "none";
		}
		return problem.path("code").asString() + ": " + problem.path("detail").asString();
	}

	private static String describe(RuntimeException e) {
		String m = e instanceof UncheckedIOException ? "connection: " + e.getMessage() : e.getMessage();
		return e.getClass().getSimpleName() + ": " + m;
	}

	private static void require(boolean condition, String message) {
		if (!condition) {
			throw new IllegalStateException(message);
		}
	}

}
