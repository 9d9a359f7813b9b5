package org.xso.hypervisor;

import java.util.List;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.xso.xen.DomId;
import org.xso.xen.GrantRef;
import org.xso.xen.XenbusState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The canonical encoding of saved state: stable, complete, and refusing corruption. */
class SavedDomainEncodingTest {

	static SavedDomain sample() {
		byte[] page = new byte[4096];
		page[0] = 7;
		page[4095] = 9;
		TreeMap<String, String> features = new TreeMap<>();
		features.put("feature-persistent", "1");
		features.put("ring-page-order", "0");
		TreeMap<String, String> info = new TreeMap<>();
		info.put("sectors", "2048");
		info.put("sector-size", "512");
		DeviceSavedState vbd = new DeviceSavedState(DeviceId.vbd(51712), DomId.DOM0, XenbusState.Connected,
				XenbusState.Connected,
				List.of(new RingSnapshot("ring", 0, List.of(GrantRef.of(8)), page, 3, 4, 2, 3, 3, 2)),
				List.of(new GrantSnapshot(8, 1, 0, 0x80123L), new GrantSnapshot(9, 5, 0, 0x80124L)), List.of(5),
				features, info, List.of(new ShadowEntry(2, 77, 1, 128, 8, List.of(0x101L), List.of(9))),
				new byte[] { 1, 2, 3 });
		GuestSpec spec = new GuestSpec("guest1", 256, 1,
				List.of(new DeviceSpec.Vbd(51712, DomId.DOM0, 2048, 512, BlkbackFeatures.LINUX_DEFAULT),
						new DeviceSpec.Vif(0, DomId.DOM0, "00:16:3e:00:00:01")));
		return new SavedDomain(SavedDomain.FORMAT_VERSION, "sim", DomId.of(1), spec, List.of(vbd),
				new byte[] { 4, 5, 6 });
	}

	@Test
	void roundTripsThroughItsCanonicalBytes() {
		SavedDomain s = sample();
		SavedDomain back = SavedDomain.fromCanonicalBytes(s.canonicalBytes());
		assertThat(back).isEqualTo(s);
		assertThat(back.sha256()).isEqualTo(s.sha256()).hasSize(64);
		assertThat(back.devices().get(0).shadow().get(0).pfns()).containsExactly(0x101L);
		assertThat(back.config()).isEqualTo(s.config());
	}

	@Test
	void encodesEqualValuesToEqualBytes() {
		assertThat(sample().canonicalBytes()).isEqualTo(sample().canonicalBytes());
		assertThat(sample().devices().get(0).sha256()).isEqualTo(sample().devices().get(0).sha256());
	}

	@Test
	void anyFlippedByteChangesTheChecksumOrFailsTheDecode() {
		byte[] good = sample().canonicalBytes();
		String sha = CanonicalBytes.sha256(good);
		for (int i = 0; i < good.length; i += 97) {
			byte[] bad = good.clone();
			bad[i] ^= 0x40;
			assertThat(CanonicalBytes.sha256(bad)).isNotEqualTo(sha);
		}
	}

	@Test
	void refusesTruncatedAndTrailingBytes() {
		byte[] good = sample().canonicalBytes();
		assertThatThrownBy(() -> SavedDomain.fromCanonicalBytes(java.util.Arrays.copyOf(good, good.length - 1)))
			.isInstanceOf(CanonicalInput.InvalidEncodingException.class);
		assertThatThrownBy(() -> SavedDomain.fromCanonicalBytes(java.util.Arrays.copyOf(good, good.length + 1)))
			.isInstanceOf(CanonicalInput.InvalidEncodingException.class);
	}

	@Test
	void refusesAnUnknownFormatVersion() {
		byte[] bytes = sample().canonicalBytes();
		bytes[3] = 99;
		assertThatThrownBy(() -> SavedDomain.fromCanonicalBytes(bytes))
			.isInstanceOf(CanonicalInput.InvalidEncodingException.class)
			.hasMessageContaining("format version 99");
	}

	@Test
	void carriesAVbdsTargetAndAVifsBridge() {
		SavedDomain s = BackendOverride.apply(sample(),
				List.of(new BackendOverride(DeviceId.vbd(51712), null, null, "/dev/vg1/guest1"),
						new BackendOverride(DeviceId.vif(0), null, "xenbr1", null)));
		SavedDomain back = SavedDomain.fromCanonicalBytes(s.canonicalBytes());
		assertThat(back.config().devices()).containsExactly(
				new DeviceSpec.Vbd(51712, DomId.DOM0, 2048, 512, BlkbackFeatures.LINUX_DEFAULT, "/dev/vg1/guest1"),
				new DeviceSpec.Vif(0, DomId.DOM0, "00:16:3e:00:00:01", "xenbr1"));
	}

	/**
	 * A guest saved before targets and bridges (format 2) still reads, with neither, and encodes to
	 * the very bytes it was read from: its checkpoint's SHA-256 still verifies.
	 */
	@Test
	void readsFormat2AndKeepsItsBytes() {
		SavedDomain s = sample();
		SavedDomain v2 = new SavedDomain(2, s.adapter(), s.domid(), s.config(), s.devices(), s.memoryImage());
		byte[] bytes = v2.canonicalBytes();
		assertThat(bytes).hasSizeLessThan(s.canonicalBytes().length);
		SavedDomain back = SavedDomain.fromCanonicalBytes(bytes);
		assertThat(back.formatVersion()).isEqualTo(2);
		assertThat(back.canonicalBytes()).isEqualTo(bytes);
		assertThat(back.config().devices()).containsExactly(
				new DeviceSpec.Vbd(51712, DomId.DOM0, 2048, 512, BlkbackFeatures.LINUX_DEFAULT, null),
				new DeviceSpec.Vif(0, DomId.DOM0, "00:16:3e:00:00:01", DeviceSpec.DEFAULT_BRIDGE));
	}

	@Test
	void anOverrideMovesADevicesBackendInItsConfigAndItsSavedState() {
		SavedDomain moved = BackendOverride.apply(sample(),
				List.of(new BackendOverride(DeviceId.vbd(51712), DomId.of(32751), null, "vol-a")));
		assertThat(moved.formatVersion()).isEqualTo(SavedDomain.FORMAT_VERSION);
		assertThat(moved.config().devices().get(0).backendDomid()).isEqualTo(DomId.of(32751));
		assertThat(moved.devices().get(0).backendDomid()).isEqualTo(DomId.of(32751));
		assertThat(moved.devices().get(0).rings()).isEqualTo(sample().devices().get(0).rings());
		assertThat(moved.config().devices().get(1)).isEqualTo(sample().config().devices().get(1));
		assertThat(BackendOverride.apply(sample(), List.of())).isEqualTo(sample());
	}

	@Test
	void refusesAnOverrideOfADeviceTheGuestLacksOrOfTheWrongKind() {
		assertThatThrownBy(() -> BackendOverride.apply(sample(),
				List.of(new BackendOverride(DeviceId.vif(3), null, "xenbr1", null))))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("has no vif");
		assertThatThrownBy(() -> new BackendOverride(DeviceId.vbd(51712), null, "xenbr1", null))
			.hasMessageContaining("a bridge applies to a vif only");
		assertThatThrownBy(() -> new BackendOverride(DeviceId.vif(0), null, null, "vol"))
			.hasMessageContaining("a target applies to a vbd only");
	}

	@Test
	void refusesAnAbsurdCountWithoutAllocatingIt() {
		byte[] bytes = sample().canonicalBytes();
		// the name length of the guest config sits after version, adapter and domid
		int nameLengthAt = 4 + 4 + 3 + 4;
		bytes[nameLengthAt] = 0x7f;
		assertThatThrownBy(() -> SavedDomain.fromCanonicalBytes(bytes))
			.isInstanceOf(CanonicalInput.InvalidEncodingException.class);
	}

}
