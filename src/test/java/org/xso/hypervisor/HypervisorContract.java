package org.xso.hypervisor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.xso.xen.DomId;
import org.xso.xen.XenbusState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What every adapter of the {@link Hypervisor} port must do, run against each of them: the
 * simulator in the default build, the libxl adapter (against the stand-in of libxl and xenstore)
 * in the libxl profile. What an adapter legitimately cannot do is declared as a missing
 * {@link Capability}, and the contract then asserts the explicit refusal or absence instead.
 */
public abstract class HypervisorContract {

	/** What an adapter may lack, and what it must say instead. */
	public enum Capability {

		/** {@link Hypervisor#create}; without it: NOT_SUPPORTED (guests come from the host's toolstack). */
		CREATE_GUESTS,
		/** {@link Hypervisor#attach} and {@link Hypervisor#detach}; without it: NOT_SUPPORTED. */
		HOTPLUG,
		/** The guest's own device counters; without them: {@link DeviceCounters#ZERO}. */
		GUEST_COUNTERS,
		/**
		 * Ring pages, grant entries, shadow and driver state in saved device states; without them they
		 * are absent (held in the save image).
		 */
		RING_CONTENTS,
		/**
		 * Storage kept per saved device (the simulator's disk snapshots), named in its backend info and
		 * needed to resume; without it nothing is kept, so nothing is ever released.
		 */
		CHECKPOINT_STORAGE,
		/**
		 * {@link Hypervisor#capture} holds only what changed since the guest's previous capture; without
		 * it every capture is a full save, and a chain of more than one cannot be resolved.
		 */
		INCREMENTAL_CAPTURES,
		/** {@link Hypervisor#holdOutput}; without it: NOT_SUPPORTED for holding, nothing for releasing. */
		OUTPUT_COMMIT

	}

	protected static final Duration DEADLINE = Duration.ofSeconds(60);

	protected static final DeviceId XVDA = DeviceId.vbd(51712);

	protected static final DeviceId VIF0 = DeviceId.vif(0);

	protected abstract Hypervisor hypervisor();

	protected abstract Set<Capability> capabilities();

	/**
	 * The host's workload controls, which are not part of the port: only an adapter with
	 * {@link Capability#GUEST_COUNTERS} needs them here, to make the counters move.
	 */
	protected Optional<SimulatorControls> controls() {
		return Optional.empty();
	}

	/**
	 * A running guest {@code name} as {@code domid} with vbd 51712 (xvda, 2048 sectors) and vif 0,
	 * both Connected, made the way the adapter's host makes guests.
	 */
	protected abstract void givenRunningGuest(DomId domid, String name);

	@Test
	void listsARunningGuestWithItsDevicesConnected() {
		givenRunningGuest(DomId.of(3), "contract-list");
		GuestInfo g = hypervisor().guest(DomId.of(3)).orElseThrow();
		assertThat(g.state()).isEqualTo(PowerState.RUNNING);
		assertThat(g.config().name()).isEqualTo("contract-list");
		assertThat(g.devices()).extracting(DeviceInfo::id).containsExactlyInAnyOrder(XVDA, VIF0);
		assertThat(g.devices()).allSatisfy(d -> assertThat(d.connected()).isTrue());
		assertThat(g.devices()).allSatisfy(d -> assertThat(d.ringRefs()).isNotEmpty());
		assertThat(g.config().devices()).filteredOn(d -> d instanceof DeviceSpec.Vbd)
			.singleElement()
			.satisfies(d -> assertThat(((DeviceSpec.Vbd) d).sectors()).isEqualTo(2048));
		assertThat(hypervisor().guests()).extracting(GuestInfo::domid).contains(DomId.of(3));
		// a running guest with every device connected can be suspended with either strategy
		assertThat(hypervisor().suspendBlockers(DomId.of(3), SuspendStrategy.SHADOW_REPLAY)).isEmpty();
		assertThat(hypervisor().suspendBlockers(DomId.of(3), SuspendStrategy.SUSPEND_RESUME)).isEmpty();
	}

	@Test
	void reportsAnUnknownGuestAsAbsentAndRefusesToQuiesceIt() {
		assertThat(hypervisor().guest(DomId.of(40))).isEmpty();
		assertThat(hypervisor().suspendBlockers(DomId.of(40), SuspendStrategy.SHADOW_REPLAY))
			.extracting(SuspendBlocker::kind)
			.containsExactly(SuspendBlocker.Kind.GUEST_NOT_RUNNING);
		assertThatThrownBy(() -> hypervisor().quiesce(DomId.of(40), SuspendStrategy.SHADOW_REPLAY, DEADLINE))
			.isInstanceOfSatisfying(HypervisorException.class,
					e -> assertThat(e.reason()).isEqualTo(HypervisorException.Reason.DOMAIN_NOT_FOUND));
	}

	@Test
	void aCheckpointLeavesTheGuestRunningInTheSameDomain() {
		DomId domid = DomId.of(4);
		givenRunningGuest(domid, "contract-checkpoint");
		QuiesceReport q = hypervisor().quiesce(domid, SuspendStrategy.SHADOW_REPLAY, DEADLINE);
		assertThat(q.devices()).extracting(QuiesceReport.Device::id).containsExactlyInAnyOrder(XVDA, VIF0);
		assertThat(hypervisor().guest(domid).orElseThrow().state()).isEqualTo(PowerState.PAUSED);
		SavedDomain saved = hypervisor().save(domid, DEADLINE);
		assertThat(saved.adapter()).isEqualTo(hypervisor().kind());
		assertThat(saved.config().name()).isEqualTo("contract-checkpoint");
		assertThat(saved.devices()).extracting(DeviceSavedState::id).containsExactlyInAnyOrder(XVDA, VIF0);
		assertThat(saved.memoryImageLength()).isPositive();
		assertThat(SavedDomain.fromCanonicalBytes(saved.canonicalBytes())).isEqualTo(saved);
		hypervisor().thaw(domid, DEADLINE);
		GuestInfo after = hypervisor().guest(domid).orElseThrow();
		assertThat(after.state()).isEqualTo(PowerState.RUNNING);
		assertThat(after.devices()).allSatisfy(d -> assertThat(d.connected()).isTrue());
	}

	@Test
	void releasesTheStorageOfSavesNoCheckpointNamesAndKeepsWhatOneDoes() {
		DomId domid = DomId.of(9);
		givenRunningGuest(domid, "contract-storage");
		SavedDomain lost = checkpoint(domid);
		SavedDomain stored = checkpoint(domid);
		List<Map<String, String>> referenced = stored.devices().stream()
			.<Map<String, String>>map(DeviceSavedState::backendInfo)
			.toList();
		List<ResumeBlocker> lostBefore = hypervisor().resumeBlockers(lost);

		int released = hypervisor().releaseStorageExcept(referenced);

		if (capabilities().contains(Capability.CHECKPOINT_STORAGE)) {
			assertThat(lostBefore).extracting(ResumeBlocker::kind)
				.as("only that the guest still runs under the saved name")
				.containsExactly(ResumeBlocker.Kind.DOMAIN_NAME_IN_USE);
			assertThat(released).isPositive();
			assertThat(hypervisor().resumeBlockers(lost)).extracting(ResumeBlocker::kind)
				.contains(ResumeBlocker.Kind.STORAGE_MISSING);
		}
		else {
			assertThat(released).isZero();
			assertThat(hypervisor().resumeBlockers(lost)).isEqualTo(lostBefore);
		}
		assertThat(hypervisor().resumeBlockers(stored)).extracting(ResumeBlocker::kind)
			.doesNotContain(ResumeBlocker.Kind.STORAGE_MISSING);
		assertThat(hypervisor().releaseStorageExcept(referenced)).isZero();
		assertThat(hypervisor().guest(domid).orElseThrow().state()).isEqualTo(PowerState.RUNNING);
	}

	private SavedDomain checkpoint(DomId domid) {
		hypervisor().quiesce(domid, SuspendStrategy.SHADOW_REPLAY, DEADLINE);
		SavedDomain saved = hypervisor().save(domid, DEADLINE);
		hypervisor().thaw(domid, DEADLINE);
		return saved;
	}

	/** The caller's deadline bounds the save: with none left it fails, and the guest stays quiesced. */
	@Test
	void aSaveWithNoTimeLeftFailsAndLeavesTheGuestQuiesced() {
		DomId domid = DomId.of(17);
		givenRunningGuest(domid, "contract-save-deadline");
		hypervisor().quiesce(domid, SuspendStrategy.SHADOW_REPLAY, DEADLINE);
		assertThatThrownBy(() -> hypervisor().save(domid, Duration.ZERO)).isInstanceOfSatisfying(
				HypervisorException.class,
				e -> assertThat(e.reason()).isEqualTo(HypervisorException.Reason.BACKEND_TIMEOUT));
		assertThat(hypervisor().guest(domid).orElseThrow().state()).isEqualTo(PowerState.PAUSED);
		assertThat(hypervisor().save(domid, DEADLINE).devices()).extracting(DeviceSavedState::id)
			.containsExactlyInAnyOrder(XVDA, VIF0);
		hypervisor().thaw(domid, DEADLINE);
		assertThat(hypervisor().guest(domid).orElseThrow().state()).isEqualTo(PowerState.RUNNING);
	}

	@Test
	void savingAGuestThatWasNotQuiescedFails() {
		DomId domid = DomId.of(5);
		givenRunningGuest(domid, "contract-unquiesced");
		assertThatThrownBy(() -> hypervisor().save(domid, DEADLINE)).isInstanceOfSatisfying(HypervisorException.class,
				e -> assertThat(e.reason()).isEqualTo(HypervisorException.Reason.DEVICE_NOT_QUIESCED));
		assertThatThrownBy(() -> hypervisor().thaw(domid, DEADLINE)).isInstanceOfSatisfying(
				HypervisorException.class,
				e -> assertThat(e.reason()).isEqualTo(HypervisorException.Reason.BAD_POWER_STATE));
	}

	@Test
	void aPausedGuestKeepsItsDevicesConnectedAndRunsOnWhenUnpaused() {
		DomId domid = DomId.of(18);
		givenRunningGuest(domid, "contract-pause");
		List<HypervisorEvent> events = new CopyOnWriteArrayList<>();
		hypervisor().addListener(events::add);

		hypervisor().pause(domid, DEADLINE);

		GuestInfo paused = hypervisor().guest(domid).orElseThrow();
		assertThat(paused.state()).isEqualTo(PowerState.PAUSED);
		assertThat(paused.devices()).extracting(DeviceInfo::id).containsExactlyInAnyOrder(XVDA, VIF0);
		assertThat(paused.devices()).allSatisfy(d -> assertThat(d.connected()).isTrue());
		assertThat(hypervisor().suspendBlockers(domid, SuspendStrategy.SHADOW_REPLAY)).extracting(SuspendBlocker::kind)
			.containsExactly(SuspendBlocker.Kind.GUEST_NOT_RUNNING);

		hypervisor().unpause(domid, DEADLINE);

		GuestInfo running = hypervisor().guest(domid).orElseThrow();
		assertThat(running.state()).isEqualTo(PowerState.RUNNING);
		assertThat(running.devices()).allSatisfy(d -> assertThat(d.connected()).isTrue());
		assertThat(events).filteredOn(e -> e instanceof HypervisorEvent.GuestStateChanged g && g.domid().equals(domid))
			.containsExactly(new HypervisorEvent.GuestStateChanged(domid, PowerState.PAUSED),
					new HypervisorEvent.GuestStateChanged(domid, PowerState.RUNNING));
		// running again, it can be checkpointed as before
		assertThat(checkpoint(domid).devices()).extracting(DeviceSavedState::id).containsExactlyInAnyOrder(XVDA, VIF0);
	}

	/** A pause is not a quiesce: neither is undone, saved or suspended as the other. */
	@Test
	void aPausedGuestIsNotQuiescedAndAQuiescedGuestIsNotPaused() {
		DomId domid = DomId.of(19);
		givenRunningGuest(domid, "contract-pause-quiesce");
		assertRefused(HypervisorException.Reason.BAD_POWER_STATE, () -> hypervisor().unpause(domid, DEADLINE));

		hypervisor().pause(domid, DEADLINE);
		assertRefused(HypervisorException.Reason.BAD_POWER_STATE, () -> hypervisor().pause(domid, DEADLINE));
		assertRefused(HypervisorException.Reason.BAD_POWER_STATE,
				() -> hypervisor().quiesce(domid, SuspendStrategy.SHADOW_REPLAY, DEADLINE));
		assertRefused(HypervisorException.Reason.BAD_POWER_STATE, () -> hypervisor().thaw(domid, DEADLINE));
		assertRefused(HypervisorException.Reason.DEVICE_NOT_QUIESCED, () -> hypervisor().save(domid, DEADLINE));
		assertRefused(HypervisorException.Reason.BAD_POWER_STATE, () -> hypervisor().suspend(domid, DEADLINE));
		assertThat(hypervisor().guest(domid).orElseThrow().state()).isEqualTo(PowerState.PAUSED);
		hypervisor().unpause(domid, DEADLINE);

		hypervisor().quiesce(domid, SuspendStrategy.SHADOW_REPLAY, DEADLINE);
		assertRefused(HypervisorException.Reason.BAD_POWER_STATE, () -> hypervisor().unpause(domid, DEADLINE));
		assertRefused(HypervisorException.Reason.BAD_POWER_STATE, () -> hypervisor().pause(domid, DEADLINE));
		hypervisor().thaw(domid, DEADLINE);
		assertThat(hypervisor().guest(domid).orElseThrow().state()).isEqualTo(PowerState.RUNNING);
	}

	@Test
	void pausingOrUnpausingAnUnknownGuestFailsAndAPausedGuestCanBeDestroyed() {
		assertRefused(HypervisorException.Reason.DOMAIN_NOT_FOUND, () -> hypervisor().pause(DomId.of(41), DEADLINE));
		assertRefused(HypervisorException.Reason.DOMAIN_NOT_FOUND, () -> hypervisor().unpause(DomId.of(41), DEADLINE));
		DomId domid = DomId.of(20);
		givenRunningGuest(domid, "contract-pause-destroy");
		hypervisor().pause(domid, DEADLINE);
		hypervisor().destroy(domid, DEADLINE);
		assertThat(hypervisor().guest(domid)).isEmpty();
	}

	private static void assertRefused(HypervisorException.Reason reason, Runnable call) {
		assertThatThrownBy(call::run).isInstanceOfSatisfying(HypervisorException.class,
				e -> assertThat(e.reason()).isEqualTo(reason));
	}

	@Test
	void capturesForContinuousCheckpointingResumeLikeASaveOfTheNewest() {
		DomId domid = DomId.of(7);
		givenRunningGuest(domid, "contract-capture");
		boolean incremental = capabilities().contains(Capability.INCREMENTAL_CAPTURES);
		if (capabilities().contains(Capability.OUTPUT_COMMIT)) {
			hypervisor().holdOutput(domid, true, DEADLINE);
		}
		else {
			assertThatThrownBy(() -> hypervisor().holdOutput(domid, true, DEADLINE))
				.isInstanceOfSatisfying(HypervisorException.class,
						e -> assertThat(e.reason()).isEqualTo(HypervisorException.Reason.NOT_SUPPORTED));
		}
		List<SavedDomain> chain = new ArrayList<>();
		for (int epoch = 0; epoch < 3; epoch++) {
			hypervisor().quiesce(domid, SuspendStrategy.SHADOW_REPLAY, DEADLINE);
			Capture c = hypervisor().capture(domid, DEADLINE, true);
			assertThat(c.incremental()).as("epoch %d", epoch).isEqualTo(incremental && epoch > 0);
			assertThat(c.saved().devices()).extracting(DeviceSavedState::id).containsExactlyInAnyOrder(XVDA, VIF0);
			hypervisor().thaw(domid, DEADLINE);
			hypervisor().persistCapture(c);
			hypervisor().releaseOutput(c);
			if (!c.incremental()) {
				chain.clear();
			}
			chain.add(c.saved());
		}
		hypervisor().holdOutput(domid, false, DEADLINE);
		SavedDomain resolved = hypervisor().resolve(chain);
		assertThat(resolved.devices()).isEqualTo(chain.get(chain.size() - 1).devices());
		hypervisor().quiesce(domid, SuspendStrategy.SHADOW_REPLAY, DEADLINE);
		hypervisor().suspend(domid, DEADLINE);
		assertThat(hypervisor().resumeBlockers(resolved)).isEmpty();
		hypervisor().resume(resolved, domid, DEADLINE, p -> {
		});
		GuestInfo g = hypervisor().guest(domid).orElseThrow();
		assertThat(g.state()).isEqualTo(PowerState.RUNNING);
		assertThat(g.devices()).allSatisfy(d -> assertThat(d.connected()).isTrue());
	}

	@Test
	void aSuspendedGuestResumesWithEveryDeviceConnectedOnBothEnds() {
		DomId domid = DomId.of(6);
		givenRunningGuest(domid, "contract-resume");
		List<HypervisorEvent> events = new CopyOnWriteArrayList<>();
		hypervisor().addListener(events::add);
		hypervisor().quiesce(domid, SuspendStrategy.SHADOW_REPLAY, DEADLINE);
		SavedDomain saved = hypervisor().save(domid, DEADLINE);
		hypervisor().suspend(domid, DEADLINE);
		assertThat(hypervisor().guest(domid)).isEmpty();
		assertThat(hypervisor().resumeBlockers(saved)).isEmpty();
		List<ResumePhase> phases = new ArrayList<>();
		ResumeReport report = hypervisor().resume(saved, domid, DEADLINE, phases::add);
		assertThat(phases).containsExactly(ResumePhase.values());
		assertThat(report.domid()).isEqualTo(domid);
		assertThat(report.devices()).extracting(ResumeReport.Device::id).containsExactlyInAnyOrder(XVDA, VIF0);
		assertThat(report.devices()).allSatisfy(d -> assertThat(d.refsAfter()).isNotEmpty());
		GuestInfo g = hypervisor().guest(domid).orElseThrow();
		assertThat(g.state()).isEqualTo(PowerState.RUNNING);
		assertThat(g.config().name()).isEqualTo("contract-resume");
		assertThat(g.devices()).allSatisfy(d -> assertThat(d.connected()).isTrue());
		await().atMost(DEADLINE).untilAsserted(() -> assertThat(events)
			.filteredOn(e -> e instanceof HypervisorEvent.XenbusStateChanged x && x.domid().equals(domid)
					&& x.state() == XenbusState.Connected)
			.extracting(e -> ((HypervisorEvent.XenbusStateChanged) e).device() + " "
					+ ((HypervisorEvent.XenbusStateChanged) e).end())
			.contains(XVDA + " FRONTEND", XVDA + " BACKEND", VIF0 + " FRONTEND", VIF0 + " BACKEND"));
		assertThat(events).contains(new HypervisorEvent.GuestStateChanged(domid, PowerState.PAUSED),
				new HypervisorEvent.GuestStateChanged(domid, PowerState.SUSPENDED),
				new HypervisorEvent.GuestStateChanged(domid, PowerState.RUNNING));
	}

	@Test
	void resumingIntoADomainThatExistsFailsAndLeavesItAlone() {
		DomId domid = DomId.of(7);
		givenRunningGuest(domid, "contract-exists");
		givenRunningGuest(DomId.of(8), "contract-occupant");
		hypervisor().quiesce(domid, SuspendStrategy.SHADOW_REPLAY, DEADLINE);
		SavedDomain saved = hypervisor().save(domid, DEADLINE);
		// suspended, not thawed: no live domain has the saved guest's name, only the id is taken
		hypervisor().suspend(domid, DEADLINE);
		assertThatThrownBy(() -> hypervisor().resume(saved, DomId.of(8), DEADLINE, p -> {
		})).isInstanceOfSatisfying(HypervisorException.class,
				e -> assertThat(e.reason()).isEqualTo(HypervisorException.Reason.DOMAIN_EXISTS));
		assertThat(hypervisor().guest(DomId.of(8)).orElseThrow().config().name()).isEqualTo("contract-occupant");
	}

	/**
	 * libxl refuses to create or restore a domain under a name a live domain has
	 * (libxl__domain_rename, ERROR_INVAL): the suspended original cannot come back while its restored
	 * copy runs, and the adapter says so before anything starts.
	 */
	@Test
	void refusesToResumeASavedGuestWhileAnotherDomainHasItsName() {
		DomId domid = DomId.of(14);
		DomId copy = DomId.of(15);
		givenRunningGuest(domid, "contract-name");
		hypervisor().quiesce(domid, SuspendStrategy.SHADOW_REPLAY, DEADLINE);
		SavedDomain saved = hypervisor().save(domid, DEADLINE);
		hypervisor().suspend(domid, DEADLINE);
		hypervisor().resume(saved, copy, DEADLINE, p -> {
		});

		assertThat(hypervisor().resumeBlockers(saved)).singleElement().satisfies(b -> {
			assertThat(b.kind()).isEqualTo(ResumeBlocker.Kind.DOMAIN_NAME_IN_USE);
			assertThat(b.detail()).contains("dom15");
		});
		List<ResumePhase> phases = new ArrayList<>();
		assertThatThrownBy(() -> hypervisor().resume(saved, domid, DEADLINE, phases::add)).isInstanceOfSatisfying(
				HypervisorException.class,
				e -> assertThat(e.reason()).isEqualTo(HypervisorException.Reason.INVALID_IMAGE));
		assertThat(phases).as("refused before anything started").isEmpty();
		assertThat(hypervisor().guest(domid)).isEmpty();
		GuestInfo running = hypervisor().guest(copy).orElseThrow();
		assertThat(running.state()).isEqualTo(PowerState.RUNNING);
		assertThat(running.config().name()).isEqualTo("contract-name");
		assertThat(running.devices()).allSatisfy(d -> assertThat(d.connected()).isTrue());
	}

	@Test
	void savedDevicesHoldRingContentsOnlyWhereTheAdapterCanReadThem() {
		DomId domid = DomId.of(9);
		givenRunningGuest(domid, "contract-parts");
		hypervisor().quiesce(domid, SuspendStrategy.SHADOW_REPLAY, DEADLINE);
		SavedDomain saved = hypervisor().save(domid, DEADLINE);
		hypervisor().thaw(domid, DEADLINE);
		SavedPart.Presence expected = capabilities().contains(Capability.RING_CONTENTS) ? SavedPart.Presence.PRESENT
				: SavedPart.Presence.HELD_IN_SAVE_IMAGE;
		assertThat(hypervisor().savedParts()).containsOnlyKeys(SavedPart.values())
			.allSatisfy((part, presence) -> assertThat(presence).as(part.name()).isEqualTo(expected));
		for (DeviceSavedState d : saved.devices()) {
			assertThat(d.frontendState()).isEqualTo(XenbusState.Connected);
			assertThat(d.evtchnPorts()).isNotEmpty();
			if (capabilities().contains(Capability.RING_CONTENTS)) {
				assertThat(d.rings()).isNotEmpty();
				assertThat(d.rings()).allSatisfy(r -> assertThat(r.pages()).isNotEmpty());
				assertThat(d.grants()).isNotEmpty();
			}
			else {
				assertThat(d.rings()).isEmpty();
				assertThat(d.grants()).isEmpty();
				assertThat(d.shadow()).isEmpty();
				assertThat(d.driverState()).isEmpty();
			}
		}
	}

	@Test
	void showsTheGuestsDeviceDirectoriesInTheXenstore() {
		DomId domid = DomId.of(10);
		givenRunningGuest(domid, "contract-xenstore");
		List<XenstoreEntry> entries = hypervisor().xenstore("/local/domain/10/device");
		assertThat(entries).extracting(XenstoreEntry::path)
			.contains("/local/domain/10/device/vbd/51712/state", "/local/domain/10/device/vif/0/state");
		assertThat(entries).filteredOn(e -> e.path().equals("/local/domain/10/device/vbd/51712/state"))
			.singleElement()
			.satisfies(e -> {
				assertThat(e.value()).isEqualTo("4");
				assertThat(e.permissions()).as("the guest owns its frontend, the backend domain reads it")
					.isEqualTo("n10,r0");
			});
		assertThat(hypervisor().xenstore("/local/domain/10/none")).isEmpty();
	}

	@Test
	void createsGuestsOnlyWithTheCapabilityAndSaysSoOtherwise() {
		GuestSpec spec = new GuestSpec("contract-create", 128, 1,
				List.of(new DeviceSpec.Vbd(51712, DomId.DOM0, 2048, 512, BlkbackFeatures.MINIMAL)));
		if (capabilities().contains(Capability.CREATE_GUESTS)) {
			GuestInfo g = hypervisor().create(Optional.of(DomId.of(11)), spec, DEADLINE);
			assertThat(g.devices()).allSatisfy(d -> assertThat(d.connected()).isTrue());
			// one name, one domain, as libxl has it
			assertThatThrownBy(() -> hypervisor().create(Optional.of(DomId.of(16)), spec, DEADLINE))
				.isInstanceOfSatisfying(HypervisorException.class,
						e -> assertThat(e.reason()).isEqualTo(HypervisorException.Reason.DOMAIN_EXISTS));
			assertThat(hypervisor().guest(DomId.of(16))).isEmpty();
		}
		else {
			assertThatThrownBy(() -> hypervisor().create(Optional.of(DomId.of(11)), spec, DEADLINE))
				.isInstanceOfSatisfying(HypervisorException.class,
						e -> assertThat(e.reason()).isEqualTo(HypervisorException.Reason.NOT_SUPPORTED));
			assertThat(hypervisor().guest(DomId.of(11))).isEmpty();
		}
	}

	@Test
	void hotPlugsDevicesOnlyWithTheCapabilityAndSaysSoOtherwise() {
		DomId domid = DomId.of(12);
		givenRunningGuest(domid, "contract-hotplug");
		DeviceSpec xvdb = new DeviceSpec.Vbd(51728, DomId.DOM0, 2048, 512, BlkbackFeatures.MINIMAL);
		if (capabilities().contains(Capability.HOTPLUG)) {
			// a quiesced guest runs no driver that could answer the handshake
			hypervisor().quiesce(domid, SuspendStrategy.SHADOW_REPLAY, DEADLINE);
			assertThatThrownBy(() -> hypervisor().attach(domid, xvdb, DEADLINE)).isInstanceOfSatisfying(
					HypervisorException.class,
					e -> assertThat(e.reason()).isEqualTo(HypervisorException.Reason.BAD_POWER_STATE));
			hypervisor().thaw(domid, DEADLINE);
			assertThat(hypervisor().attach(domid, xvdb, DEADLINE).connected()).isTrue();
			hypervisor().detach(domid, xvdb.id(), DEADLINE);
			// the simulator may still be retiring the unplugged frontend's driver for a moment
			await().atMost(DEADLINE)
				.ignoreExceptions()
				.untilAsserted(() -> assertThat(hypervisor().guest(domid).orElseThrow().devices())
					.extracting(DeviceInfo::id)
					.containsExactlyInAnyOrder(XVDA, VIF0));
		}
		else {
			assertThatThrownBy(() -> hypervisor().attach(domid, xvdb, DEADLINE)).isInstanceOfSatisfying(
					HypervisorException.class,
					e -> assertThat(e.reason()).isEqualTo(HypervisorException.Reason.NOT_SUPPORTED));
		}
		assertThat(hypervisor().guest(domid).orElseThrow().devices()).extracting(DeviceInfo::id)
			.containsExactlyInAnyOrder(XVDA, VIF0);
	}

	@Test
	void reportsGuestCountersOnlyWithTheCapability() {
		DomId domid = DomId.of(13);
		givenRunningGuest(domid, "contract-counters");
		if (capabilities().contains(Capability.GUEST_COUNTERS)) {
			SimulatorControls sim = controls().orElseThrow();
			sim.startWorkload(domid, WorkloadSpec.DEFAULT);
			await().atMost(DEADLINE)
				.until(() -> hypervisor().guest(domid).orElseThrow().devices().stream()
					.anyMatch(d -> d.counters().completed() > 0));
			sim.stopWorkload(domid);
		}
		else {
			assertThat(hypervisor().guest(domid).orElseThrow().devices())
				.allSatisfy(d -> assertThat(d.counters()).isEqualTo(DeviceCounters.ZERO));
		}
	}

}
