package org.xso.hypervisor.sim;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xso.hypervisor.BackendDomain;
import org.xso.hypervisor.BackendOverride;
import org.xso.hypervisor.BlkbackFeatures;
import org.xso.hypervisor.DeviceCounters;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceInfo;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.DeviceType;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.SavedDomain;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.hypervisor.WorkloadSpec;
import org.xso.xen.DomId;
import org.xso.xen.XenbusState;
import org.xso.xen.grant.GrantHandle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A host with a driver domain beside dom0, both with bridges xenbr0 and xenbr1: a guest whose
 * devices the driver domain serves runs, suspends and resumes as one served by dom0, with the
 * driver domain mapping its grants; a saved guest comes back with its devices moved to another
 * backend domain, bridge or disk target (and back); and what a host cannot serve is refused before
 * anything is made of it.
 */
class DriverDomainTest {

	private static final DomId DOM1 = DomId.of(1);

	private static final DomId DRIVER = DomId.of(DomId.MAX_GUEST);

	private static final DeviceId XVDA = DeviceId.vbd(51712);

	private static final DeviceId VIF0 = DeviceId.vif(0);

	private static final long SECTORS = 1 << 14;

	private static final Duration DEADLINE = Duration.ofSeconds(60);

	private final SimHypervisor hv = new SimHypervisor(null,
			new SimBackends(List.of("xenbr0", "xenbr1"), List.of("netblk")));

	@AfterEach
	void close() {
		hv.close();
	}

	private static GuestSpec guest(String name, DomId vbdBackend, DomId vifBackend, String bridge, String target) {
		return new GuestSpec(name, 256, 1,
				List.of(new DeviceSpec.Vbd(XVDA.devid(), vbdBackend, SECTORS, 512, BlkbackFeatures.LINUX_DEFAULT, target),
						new DeviceSpec.Vif(VIF0.devid(), vifBackend, "00:16:3e:00:00:01", bridge)));
	}

	private void boot(GuestSpec spec) {
		hv.create(Optional.of(DOM1), spec, DEADLINE);
		hv.controls().startWorkload(DOM1, new WorkloadSpec(true, 16, 16, 1024, true, 32));
	}

	/** Waits until every device of the guest has completed {@code more} requests beyond what it had. */
	private void awaitProgress(long more) {
		long[] before = hv.guest(DOM1).orElseThrow().devices().stream().mapToLong(d -> d.counters().completed()).toArray();
		await().atMost(DEADLINE).untilAsserted(() -> {
			List<DeviceInfo> now = hv.guest(DOM1).orElseThrow().devices();
			for (int i = 0; i < now.size(); i++) {
				assertThat(now.get(i).counters().completed()).as(now.get(i).id() + " completes")
					.isGreaterThanOrEqualTo(before[i] + more);
			}
		});
	}

	/** Stops the workloads once they have made progress; then nothing is in flight and nothing was lost. */
	private void assertSettled() {
		awaitProgress(100);
		hv.controls().stopWorkload(DOM1);
		await().atMost(DEADLINE).untilAsserted(() -> {
			for (DeviceInfo d : hv.guest(DOM1).orElseThrow().devices()) {
				assertThat(d.counters().inFlight()).as(d.id() + " in flight").isZero();
			}
		});
		assertThat(hv.controls().verifyDisks(DOM1, DEADLINE).mismatches()).isZero();
		for (DeviceInfo d : hv.guest(DOM1).orElseThrow().devices()) {
			DeviceCounters c = d.counters();
			assertThat(c.duplicated()).as(d.id() + " duplicated").isZero();
			assertThat(c.lost()).as(d.id() + " lost").isZero();
			if (d.id().type() == DeviceType.vif) {
				assertThat(c.packetsReceived() + c.packetsDropped()).isEqualTo(c.packetsSent());
			}
			else {
				assertThat(c.completed()).isEqualTo(c.issued());
			}
		}
	}

	private String read(String path) {
		return hv.host.toolstack.connection().read(path);
	}

	private boolean exists(String path) {
		return hv.host.toolstack.connection().tryRead(path).isPresent();
	}

	/** Every grant {@code mapper} maps now is one of dom1's, and it maps some. */
	private void assertMapsDom1sGrants(DomId mapper) {
		List<GrantHandle> mappings = hv.host.grants.mappingsOf(mapper);
		assertThat(mappings).as("grants dom%s maps", mapper).isNotEmpty()
			.allSatisfy(h -> assertThat(h.granter()).isEqualTo(DOM1));
	}

	/** Whom the guest's frontend of {@code id} granted its rings to, read from its grant table. */
	private DomId grantee(DeviceId id) {
		SimGuest g = hv.existing(DOM1);
		DeviceInfo info = SimHypervisor.deviceInfo(g, g.frontend(id));
		return DomId.of(g.gnttab().entry(info.ringRefs().get(0)).domid());
	}

	private byte[] disk() {
		LiveDisk disk = hv.host.disks.existing(DOM1, XVDA.devid());
		ByteBuffer all = ByteBuffer.allocate((int) (SECTORS * 512));
		disk.read(0, (int) SECTORS, all, 0);
		return all.array();
	}

	@Test
	void theDriverDomainIsABackendDomainWithTheBridgesAndNeverAGuest() {
		assertThat(hv.backendDomains()).containsExactly(
				new BackendDomain(DomId.DOM0, "Domain-0", List.of("xenbr0", "xenbr1")),
				new BackendDomain(DRIVER, "netblk", List.of("xenbr0", "xenbr1")));
		assertThat(read("/local/domain/" + DRIVER + "/name")).isEqualTo("netblk");
		assertThat(hv.guests()).isEmpty();
		assertThat(hv.guest(DRIVER)).isEmpty();

		assertThatThrownBy(() -> hv.create(Optional.of(DRIVER), new GuestSpec("squatter", 128, 1, List.of()), DEADLINE))
			.isInstanceOfSatisfying(HypervisorException.class, e -> {
				assertThat(e.reason()).isEqualTo(HypervisorException.Reason.DOMAIN_EXISTS);
				assertThat(e.getMessage()).contains("netblk");
			});
		assertThat(read("/local/domain/" + DRIVER + "/name")).isEqualTo("netblk");
	}

	@ParameterizedTest
	@EnumSource(SuspendStrategy.class)
	void aGuestTheDriverDomainServesRunsSuspendsAndResumesWithNothingLost(SuspendStrategy strategy) {
		boot(guest("guest1", DRIVER, DRIVER, "xenbr1", null));
		awaitProgress(200);
		assertThat(read("/local/domain/1/device/vbd/51712/backend-id")).isEqualTo(DRIVER.toString());
		assertThat(read("/local/domain/" + DRIVER + "/backend/vif/1/0/state"))
			.isEqualTo(XenbusState.Connected.xenstoreValue());
		assertMapsDom1sGrants(DRIVER);
		assertThat(hv.host.grants.mappingsOf(DomId.DOM0)).isEmpty();

		for (int i = 0; i < 20; i++) {
			hv.quiesce(DOM1, strategy, DEADLINE);
			SavedDomain image = hv.save(DOM1, DEADLINE);
			assertThat(image.devices()).allSatisfy(d -> assertThat(d.backendDomid()).isEqualTo(DRIVER));
			hv.suspend(DOM1, DEADLINE);
			hv.resume(image, DOM1, DEADLINE, p -> {
			});
			awaitProgress(20);
		}

		assertSettled();
		assertMapsDom1sGrants(DRIVER);
		assertThat(hv.host.grants.mappingsOf(DomId.DOM0)).isEmpty();
		assertThat(hv.host.backendDomain(DRIVER).bridge("xenbr1").echoed()).isPositive();
		assertThat(hv.host.dom0.bridges()).allSatisfy(b -> assertThat(b.echoed()).isZero());
	}

	@Test
	void aRestoreMovesTheVifToTheDriverDomainAndTheVbdToATargetAndBack() {
		boot(guest("guest1", DomId.DOM0, DomId.DOM0, "xenbr0", null));
		SavedDomain first = saveQuiet();
		byte[] saved = disk();
		hv.suspend(DOM1, DEADLINE);

		SavedDomain moved = BackendOverride.apply(first, List.of(new BackendOverride(VIF0, DRIVER, "xenbr1", null),
				new BackendOverride(XVDA, null, null, "vg0/guest1-root")));
		assertThat(hv.resumeBlockers(moved)).isEmpty();
		hv.resume(moved, DOM1, DEADLINE, p -> {
		});

		assertThat(disk()).as("the target holds the snapshot").isEqualTo(saved);
		assertThat(read("/local/domain/1/device/vif/0/backend")).isEqualTo("/local/domain/" + DRIVER + "/backend/vif/1/0");
		assertThat(read("/local/domain/1/device/vif/0/backend-id")).isEqualTo(DRIVER.toString());
		assertThat(read("/local/domain/" + DRIVER + "/backend/vif/1/0/bridge")).isEqualTo("xenbr1");
		assertThat(read("/local/domain/0/backend/vbd/1/51712/params")).isEqualTo("vg0/guest1-root");
		assertThat(exists("/local/domain/0/backend/vif/1")).isFalse();
		assertThat(grantee(VIF0)).as("the restored vif grants to its new backend domain").isEqualTo(DRIVER);
		assertThat(grantee(XVDA)).isEqualTo(DomId.DOM0);
		hv.controls().startWorkload(DOM1, new WorkloadSpec(true, 16, 16, 1024, true, 32));
		assertSettled();
		assertThat(hv.host.driver(DOM1, VIF0).orElseThrow()).isInstanceOfSatisfying(Netback.class,
				n -> assertThat(n.domain.domid).isEqualTo(DRIVER));

		// and back: the vif to dom0's xenbr0, the vbd (its target with it) to the driver domain
		hv.controls().startWorkload(DOM1, new WorkloadSpec(true, 16, 16, 1024, true, 32));
		SavedDomain second = saveQuiet();
		byte[] savedAgain = disk();
		hv.suspend(DOM1, DEADLINE);
		SavedDomain back = BackendOverride.apply(second, List.of(new BackendOverride(VIF0, DomId.DOM0, "xenbr0", null),
				new BackendOverride(XVDA, DRIVER, null, null)));
		hv.resume(back, DOM1, DEADLINE, p -> {
		});

		assertThat(disk()).isEqualTo(savedAgain);
		assertThat(read("/local/domain/1/device/vif/0/backend")).isEqualTo("/local/domain/0/backend/vif/1/0");
		assertThat(read("/local/domain/0/backend/vif/1/0/bridge")).isEqualTo("xenbr0");
		assertThat(read("/local/domain/" + DRIVER + "/backend/vbd/1/51712/params")).isEqualTo("vg0/guest1-root");
		assertThat(exists("/local/domain/" + DRIVER + "/backend/vif/1")).isFalse();
		assertThat(exists("/local/domain/0/backend/vbd/1")).isFalse();
		assertThat(grantee(VIF0)).isEqualTo(DomId.DOM0);
		assertThat(grantee(XVDA)).isEqualTo(DRIVER);
		hv.controls().startWorkload(DOM1, new WorkloadSpec(true, 16, 16, 1024, true, 32));
		assertSettled();
	}

	/**
	 * Stops the workloads once they ran, waits until nothing is in flight, then quiesces and saves:
	 * the disk then holds what the save's snapshot holds.
	 */
	private SavedDomain saveQuiet() {
		awaitProgress(100);
		hv.controls().stopWorkload(DOM1);
		await().atMost(DEADLINE).untilAsserted(() -> assertThat(hv.guest(DOM1).orElseThrow().devices())
			.allSatisfy(d -> assertThat(d.counters().inFlight()).isZero()));
		hv.quiesce(DOM1, SuspendStrategy.SUSPEND_RESUME, DEADLINE);
		return hv.save(DOM1, DEADLINE);
	}

	@Test
	void whatTheHostCannotServeIsABlockerAndRefusedBeforeAnythingIsMade() {
		boot(guest("guest1", DomId.DOM0, DomId.DOM0, "xenbr0", null));
		hv.quiesce(DOM1, SuspendStrategy.SUSPEND_RESUME, DEADLINE);
		SavedDomain image = hv.save(DOM1, DEADLINE);
		hv.suspend(DOM1, DEADLINE);
		DomId other = DomId.of(2);
		hv.create(Optional.of(other), new GuestSpec("holder", 128, 1,
				List.of(new DeviceSpec.Vbd(XVDA.devid(), DRIVER, SECTORS, 512, BlkbackFeatures.LINUX_DEFAULT, "/dev/vg0/shared"))),
				DEADLINE);

		DomId unknown = DomId.of(9);
		assertThat(hv.resumeBlockers(BackendOverride.apply(image, List.of(new BackendOverride(VIF0, unknown, null, null)))))
			.singleElement().satisfies(b -> {
				assertThat(b.kind()).isEqualTo(org.xso.hypervisor.ResumeBlocker.Kind.BACKEND_MISSING);
				assertThat(b.device()).isEqualTo(VIF0);
				assertThat(b.detail()).contains("backend domain 9 does not exist");
			});
		assertThat(hv.resumeBlockers(BackendOverride.apply(image, List.of(new BackendOverride(VIF0, DRIVER, "xenbr9", null)))))
			.singleElement().satisfies(b -> {
				assertThat(b.kind()).isEqualTo(org.xso.hypervisor.ResumeBlocker.Kind.BACKEND_MISSING);
				assertThat(b.detail()).contains("xenbr9", "netblk");
			});
		assertThat(hv.resumeBlockers(BackendOverride.apply(image, List.of(new BackendOverride(XVDA, null, null, "/dev/vg0/shared")))))
			.singleElement().satisfies(b -> {
				assertThat(b.kind()).isEqualTo(org.xso.hypervisor.ResumeBlocker.Kind.STORAGE_IN_USE);
				assertThat(b.device()).isEqualTo(XVDA);
				assertThat(b.detail()).contains("/dev/vg0/shared", "dom2's vbd 51712");
			});

		DomId fresh = DomId.of(3);
		List<GuestSpec> refused = List.of(guest("g3", DomId.DOM0, unknown, "xenbr0", null),
				guest("g3", DomId.DOM0, DRIVER, "xenbr9", null), guest("g3", DomId.DOM0, DomId.DOM0, "xenbr0", "/dev/vg0/shared"),
				guest("g3", DomId.DOM0, DomId.DOM0, "xenbr0", "sim:2/51712"));
		for (GuestSpec spec : refused) {
			assertThatThrownBy(() -> hv.create(Optional.of(fresh), spec, DEADLINE))
				.isInstanceOfSatisfying(HypervisorException.class, e -> {
					assertThat(e.reason()).isEqualTo(HypervisorException.Reason.INVALID_CONFIG);
					assertThat(e.device()).isPresent();
				});
			assertThat(hv.guest(fresh)).isEmpty();
			assertThat(hv.xenstore("/local/domain/" + fresh)).as("nothing of dom3").isEmpty();
		}
		List<DeviceSpec> refusedDevices = List.of(new DeviceSpec.Vif(1, unknown, "00:16:3e:00:00:03"),
				new DeviceSpec.Vif(1, DRIVER, "00:16:3e:00:00:03", "xenbr9"),
				new DeviceSpec.Vbd(51728, DomId.DOM0, SECTORS, 512, BlkbackFeatures.LINUX_DEFAULT, "/dev/vg0/shared"));
		for (DeviceSpec device : refusedDevices) {
			assertThatThrownBy(() -> hv.attach(other, device, DEADLINE))
				.isInstanceOfSatisfying(HypervisorException.class,
						e -> assertThat(e.reason()).isEqualTo(HypervisorException.Reason.INVALID_CONFIG));
			assertThat(hv.xenstore(Toolstack.frontendPath(other, device.id()))).isEmpty();
			assertThat(hv.xenstore(Toolstack.backendPath(device.backendDomid(), other, device.id()))).isEmpty();
		}
		assertThat(hv.guest(other).orElseThrow().devices()).extracting(DeviceInfo::id).containsExactly(XVDA);

		// once its holder is gone, the volume is free
		hv.destroy(other, DEADLINE);
		assertThat(hv.resumeBlockers(BackendOverride.apply(image, List.of(new BackendOverride(XVDA, null, null, "/dev/vg0/shared")))))
			.isEmpty();
	}

}
