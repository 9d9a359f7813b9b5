package org.xso.checkpoint;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.context.ApplicationEventPublisher;
import org.xso.hypervisor.CanonicalBytes;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceSavedState;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.GrantSnapshot;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.RingSnapshot;
import org.xso.hypervisor.SavedDomain;
import org.xso.hypervisor.ShadowEntry;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.xen.DomId;
import org.xso.xen.GrantRef;
import org.xso.support.FakeHypervisor;
import org.xso.xen.XenbusState;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

/** Every part of a stored checkpoint is checked; only an intact one is handed out. */
class CheckpointVerifierTests {

	private final CheckpointVerifier verifier = new CheckpointVerifier();

	private final SavedDomain saved = saved();

	@Test
	void reassemblesTheSavedGuestFromAnIntactCheckpoint() {
		Stored s = store(saved);
		CheckpointVerifier.Result r = verifier.verify(s.checkpoint(), s.memory());
		assertThat(r.integrity().ok()).isTrue();
		assertThat(r.integrity().parts()).extracting(CheckpointViews.PartCheck::name)
			.containsExactly("config", "device/vbd/51712", "memory", "manifest");
		assertThat(r.image()).isEqualTo(saved);
		assertThat(s.checkpoint().sha256()).isEqualTo(saved.sha256());
		assertThat(s.checkpoint().sizeBytes()).isPositive();
	}

	@Test
	void namesTheMemoryImageWhenItsBytesChanged() {
		Stored s = store(saved);
		byte[] memory = s.memory();
		memory[3] ^= 1;
		CheckpointVerifier.Result r = verifier.verify(s.checkpoint(), memory);
		assertThat(r.image()).isNull();
		assertThat(r.integrity().failures()).singleElement().asString().startsWith("memory: SHA-256 mismatch");
	}

	@Test
	void namesADevicePartThatNoLongerMatchesItsChecksum() {
		Stored s = store(saved);
		CheckpointDevice d = s.checkpoint().devices().get(0);
		byte[] bytes = d.stateBytes();
		bytes[bytes.length - 1] ^= 1;
		s.checkpoint().devices().set(0, new CheckpointDevice(s.checkpoint(), rows(d), bytes, d.sha256()));
		CheckpointVerifier.Result r = verifier.verify(s.checkpoint(), s.memory());
		assertThat(r.image()).isNull();
		assertThat(r.integrity().failures()).singleElement().asString().startsWith("device/vbd/51712: SHA-256 mismatch");
	}

	@Test
	void namesADevicePartThatDoesNotDecodeEvenWithAMatchingChecksum() {
		Stored s = store(saved);
		CheckpointDevice d = s.checkpoint().devices().get(0);
		byte[] garbage = { 1, 2, 3 };
		s.checkpoint().devices().set(0, new CheckpointDevice(s.checkpoint(), rows(d), garbage, CanonicalBytes.sha256(garbage)));
		CheckpointVerifier.Result r = verifier.verify(s.checkpoint(), s.memory());
		assertThat(r.integrity().failures()).singleElement().asString().contains("does not decode");
	}

	@Test
	void refusesAFormatVersionItDoesNotRead() {
		Stored s = store(saved);
		s.checkpoint().stamp(SavedDomain.FORMAT_VERSION + 1, "fake", 1, "local");
		CheckpointVerifier.Result r = verifier.verify(s.checkpoint(), s.memory());
		assertThat(r.integrity().formatSupported()).isFalse();
		assertThat(r.image()).isNull();
	}

	record Stored(Checkpoint checkpoint, byte[] memory) {
	}

	private static Stored store(SavedDomain saved) {
		CheckpointRepository checkpoints = mock(CheckpointRepository.class);
		CheckpointImageRepository images = mock(CheckpointImageRepository.class);
		CheckpointRows rows = mock(CheckpointRows.class);
		CheckpointStore store = new CheckpointStore(checkpoints, images, rows, new CheckpointVerifier(),
				mock(ApplicationEventPublisher.class), JsonMapper.builder().build(),
				Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC), new FakeHypervisor(),
				new org.xso.host.HostProperties("local", java.time.Duration.ofSeconds(2), java.time.Duration.ofSeconds(10)));
		store.save(saved, new Checkpoint.Header(1, CheckpointKind.SUSPEND, UUID.randomUUID(),
				SuspendStrategy.SHADOW_REPLAY, "test"), "alice");
		@SuppressWarnings("unchecked")
		ArgumentCaptor<List<CheckpointRows.New>> inserted = ArgumentCaptor.forClass(List.class);
		verify(rows).insert(inserted.capture());
		CheckpointRows.New n = inserted.getValue().get(0);
		return new Stored(n.checkpoint(), n.memoryImage().clone());
	}

	private static CheckpointDevice.Rows rows(CheckpointDevice d) {
		return new CheckpointDevice.Rows(d.deviceType(), d.devid(), d.backendDomid(), d.frontendState(),
				d.backendState(), d.evtchnPorts(), d.features(), d.backendInfo(), d.shadowCount(), d.rings(), d.grantEntries(),
				d.heldInSaveImage());
	}

	private static SavedDomain saved() {
		GuestSpec spec = new GuestSpec("g", 256, 1, List.of(new DeviceSpec.Vbd(51712, DomId.DOM0, 2048, 512, null)));
		DeviceSavedState vbd = new DeviceSavedState(DeviceId.vbd(51712), DomId.DOM0, XenbusState.Connected,
				XenbusState.Connected,
				List.of(new RingSnapshot("ring", 0, List.of(GrantRef.of(8)), new byte[4096], 3, 4, 2, 3, 3, 2)),
				List.of(new GrantSnapshot(8, 1, 0, 0x1234L)), List.of(5), new TreeMap<>(), new TreeMap<>(),
				List.of(new ShadowEntry(0, 1, 1, 0, 8, List.of(1L), List.of(9))), new byte[] { 7 });
		return new SavedDomain(SavedDomain.FORMAT_VERSION, "test", DomId.guest(1), spec, List.of(vbd), new byte[] { 1, 2, 3, 4, 5 });
	}

}
