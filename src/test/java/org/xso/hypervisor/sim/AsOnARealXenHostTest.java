package org.xso.hypervisor.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xso.hypervisor.BlkbackFeatures;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.ResumePhase;
import org.xso.hypervisor.SavedDomain;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.hypervisor.XenstoreEntry;
import org.xso.xen.DomId;
import org.xso.xen.XenbusState;
import org.xso.xen.store.XsHistoryEntry;
import org.xso.xen.store.XsOp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.xso.xen.XenbusState.Connected;
import static org.xso.xen.XenbusState.InitWait;
import static org.xso.xen.XenbusState.Initialised;
import static org.xso.xen.XenbusState.Initialising;

/**
 * The simulator against what a real Xen 4.17 host showed (docs/xen-host.md, "Figures"): the
 * states each end of a vbd and a vif goes through, and the permissions of both ends' xenstore
 * nodes.
 *
 * <p>
 * On the real host the states were recorded from watches the libxl adapter registers once
 * {@code libxl_domain_create_restore} has returned and before it unpauses the guest: libxl has
 * written Initialising on both ends by then and waited for each backend to reach InitWait, so what
 * the guest's frontends start from is a backend in InitWait. Here the same window is read from the
 * simulated xenstore's history, every write rather than what a watch happened to see: from the
 * REGRANT phase (the simulator's unpause) on, the state each end had then and every state written
 * after, repeats folded.
 */
class AsOnARealXenHostTest {

	private static final DomId DOM1 = DomId.of(1);

	private static final DeviceId XVDA = DeviceId.vbd(51712);

	private static final DeviceId VIF0 = DeviceId.vif(0);

	private static final Duration DEADLINE = Duration.ofSeconds(60);

	/** What the real host's xenstore showed after every restore, per device and end. */
	private static final Map<String, List<XenbusState>> REAL_HANDSHAKE = Map.of(
			"vbd/51712 BACKEND", List.of(InitWait, Connected),
			"vbd/51712 FRONTEND", List.of(Initialising, Initialised, Connected),
			"vif/0 BACKEND", List.of(InitWait, Connected),
			"vif/0 FRONTEND", List.of(Initialising, Connected));

	private final SimHypervisor hv = new SimHypervisor();

	@AfterEach
	void close() {
		hv.close();
	}

	private void boot(DomId domid) {
		hv.create(Optional.of(domid), new GuestSpec("real-host-" + domid, 128, 1,
				List.of(new DeviceSpec.Vbd(XVDA.devid(), DomId.DOM0, 2048, 512, BlkbackFeatures.LINUX_DEFAULT),
						new DeviceSpec.Vif(VIF0.devid(), DomId.DOM0, "00:16:3e:00:00:01"))),
				DEADLINE);
	}

	private SavedDomain suspend(DomId domid, SuspendStrategy strategy) {
		hv.quiesce(domid, strategy, DEADLINE);
		SavedDomain image = hv.save(domid, DEADLINE);
		hv.suspend(domid, DEADLINE);
		return image;
	}

	/** Resumes {@code image} as {@code target} and returns each end's states from the unpause on. */
	private Map<String, List<XenbusState>> resumeRecordingTheHandshake(SavedDomain image, DomId target) {
		long[] unpausedAt = new long[1];
		hv.resume(image, target, DEADLINE, phase -> {
			if (phase == ResumePhase.REGRANT) {
				unpausedAt[0] = lastSeq();
			}
		});
		return handshake(target, unpausedAt[0]);
	}

	@ParameterizedTest
	@EnumSource(SuspendStrategy.class)
	void aResumedGuestsDevicesGoThroughTheStatesARealHostShows(SuspendStrategy strategy) {
		boot(DOM1);
		SavedDomain image = suspend(DOM1, strategy);
		assertThat(resumeRecordingTheHandshake(image, DOM1)).isEqualTo(REAL_HANDSHAKE);
	}

	@ParameterizedTest
	@EnumSource(SuspendStrategy.class)
	void aCheckpointRestoredIntoANewDomainGoesThroughTheStatesARealHostShows(SuspendStrategy strategy) {
		boot(DOM1);
		SavedDomain image = suspend(DOM1, strategy);
		assertThat(resumeRecordingTheHandshake(image, DomId.of(5))).isEqualTo(REAL_HANDSHAKE);
	}

	@Test
	void aNewGuestsDevicesGoThroughTheSameStatesAfterTheToolstacksInitialising() {
		long before = lastSeq();
		boot(DOM1);
		Map<String, List<XenbusState>> expected = new LinkedHashMap<>();
		// libxl writes Initialising on both ends, then the backend goes InitWait before the guest runs
		REAL_HANDSHAKE.forEach((end, states) -> {
			List<XenbusState> all = new ArrayList<>(List.of(Initialising));
			all.addAll(states);
			expected.put(end, all.stream().distinct().toList());
		});
		assertThat(handshake(DOM1, before)).isEqualTo(expected);
		assertThat(backendWaitsBeforeTheFrontendMoves(DOM1, before)).isTrue();
	}

	@Test
	void frontendNodesAreTheGuestsAndBackendNodesDom0sEachReadableByTheOtherEnd() {
		boot(DOM1);
		assertPermissions(DOM1);
	}

	@Test
	void aResumedGuestsNodesCarryTheSamePermissions() {
		boot(DOM1);
		SavedDomain image = suspend(DOM1, SuspendStrategy.SUSPEND_RESUME);
		hv.resume(image, DomId.of(4), DEADLINE, p -> {
		});
		assertPermissions(DomId.of(4));
	}

	@Test
	void theToolstackGivesADriverDomainItsBackendNodesAndReadAccessToTheFrontend() {
		// what the toolstack writes for a backend domain other than dom0 is libxl's: frontend
		// {guest: NONE, backend: READ}, backend {backend: NONE, guest: READ}
		DomId driver = DomId.of(2);
		hv.host.toolstack.createDomain(DOM1, "real-host-driver-domain");
		hv.host.toolstack.addDevice(DOM1, new DeviceSpec.Vif(VIF0.devid(), driver, "00:16:3e:00:00:02"));
		assertThat(hv.xenstore("/local/domain/1/device/vif/0")).extracting(XenstoreEntry::permissions)
			.isNotEmpty()
			.containsOnly("n1,r2");
		assertThat(hv.xenstore("/local/domain/2/backend/vif/1/0")).extracting(XenstoreEntry::permissions)
			.isNotEmpty()
			.containsOnly("n2,r1");
	}

	/** {@code xenstore-ls -p} on the real host: frontend {@code (n<guest>,r0)}, backend {@code (n0,r<guest>)}. */
	private void assertPermissions(DomId guest) {
		for (DeviceId id : List.of(XVDA, VIF0)) {
			List<XenstoreEntry> frontend = hv.xenstore(Toolstack.frontendPath(guest, id));
			List<XenstoreEntry> backend = hv.xenstore(Toolstack.backendPath(DomId.DOM0, guest, id));
			assertThat(frontend).extracting(XenstoreEntry::path).contains(Toolstack.frontendPath(guest, id) + "/state");
			assertThat(frontend).as("%s frontend", id)
				.allSatisfy(e -> assertThat(e.permissions()).as(e.path()).isEqualTo("n" + guest + ",r0"));
			assertThat(backend).extracting(XenstoreEntry::path)
				.contains(Toolstack.backendPath(DomId.DOM0, guest, id) + "/state");
			assertThat(backend).as("%s backend", id)
				.allSatisfy(e -> assertThat(e.permissions()).as(e.path()).isEqualTo("n0,r" + guest));
		}
	}

	private long lastSeq() {
		List<XsHistoryEntry> all = hv.host.xenstore.history();
		return all.isEmpty() ? 0 : all.get(all.size() - 1).seq();
	}

	/** Each end's state when the history was at {@code fromSeq}, then every state written after, repeats folded. */
	private Map<String, List<XenbusState>> handshake(DomId guest, long fromSeq) {
		Map<String, List<XenbusState>> out = new LinkedHashMap<>();
		for (DeviceId id : List.of(XVDA, VIF0)) {
			out.put(id + " BACKEND", states(Toolstack.backendPath(DomId.DOM0, guest, id) + "/state", fromSeq));
			out.put(id + " FRONTEND", states(Toolstack.frontendPath(guest, id) + "/state", fromSeq));
		}
		return out;
	}

	private List<XenbusState> states(String path, long fromSeq) {
		List<XenbusState> states = new ArrayList<>();
		for (XsHistoryEntry e : writes(path)) {
			XenbusState s = XenbusState.parse(e.value());
			if (e.seq() <= fromSeq) {
				states.clear();
			}
			if (states.isEmpty() || states.get(states.size() - 1) != s) {
				states.add(s);
			}
		}
		return states;
	}

	/** Whether every backend reached InitWait before its frontend wrote anything but Initialising. */
	private boolean backendWaitsBeforeTheFrontendMoves(DomId guest, long fromSeq) {
		for (DeviceId id : List.of(XVDA, VIF0)) {
			long initWait = writes(Toolstack.backendPath(DomId.DOM0, guest, id) + "/state").stream()
				.filter(e -> e.seq() > fromSeq && XenbusState.parse(e.value()) == InitWait)
				.mapToLong(XsHistoryEntry::seq)
				.min()
				.orElse(Long.MAX_VALUE);
			long frontendMoves = writes(Toolstack.frontendPath(guest, id) + "/state").stream()
				.filter(e -> e.seq() > fromSeq && XenbusState.parse(e.value()) != Initialising)
				.mapToLong(XsHistoryEntry::seq)
				.min()
				.orElse(0);
			if (initWait > frontendMoves) {
				return false;
			}
		}
		return true;
	}

	private List<XsHistoryEntry> writes(String path) {
		return hv.host.xenstore.history(path).stream()
			.filter(e -> e.op() == XsOp.WRITE && e.path().equals(path))
			.toList();
	}

}
