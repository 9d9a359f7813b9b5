package org.xso.hypervisor.libxl;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.xso.hypervisor.BlkbackFeatures;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.HypervisorException;
import org.xso.xen.DomId;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The saved libxl domain configuration, rewritten for where the guest's devices come back. */
class LibxlConfigOverridesTest {

	private static final String SAVED = """
			{"c_info":{"name":"guest1"},
			 "disks":[{"pdev_path":"/var/lib/xso/guest1.img","vdev":"xvda","backend_domid":0,"format":"raw"}],
			 "nics":[{"devid":0,"mac":"00:16:3e:00:00:01","backend_domid":0,"backend_domname":"Domain-0"}]}""";

	private static GuestSpec guest(DomId vbdBackend, String target, DomId vifBackend, String bridge) {
		return new GuestSpec("guest1", 96, 1,
				List.of(new DeviceSpec.Vbd(51712, vbdBackend, 32768, 512, BlkbackFeatures.LINUX_DEFAULT, target),
						new DeviceSpec.Vif(0, vifBackend, "00:16:3e:00:00:01", bridge)));
	}

	@Test
	void leavesAConfigTheGuestDidNotChangeByteForByte() {
		assertThat(LibxlConfigOverrides.apply(SAVED,
				guest(DomId.DOM0, "/var/lib/xso/guest1.img", DomId.DOM0, DeviceSpec.DEFAULT_BRIDGE)))
			.isSameAs(SAVED);
		assertThat(LibxlConfigOverrides.apply(SAVED, guest(DomId.DOM0, null, DomId.DOM0, "xenbr0"))).isSameAs(SAVED);
	}

	@Test
	void pointsEachDeviceAtItsNewBackend() {
		JsonNode out = JsonMapper.builder()
			.build()
			.readTree(LibxlConfigOverrides.apply(SAVED,
					guest(DomId.DOM0, "/dev/vg1/guest1", DomId.of(3), "xenbr1")));
		JsonNode disk = out.get("disks").get(0);
		assertThat(disk.get("pdev_path").asString()).isEqualTo("/dev/vg1/guest1");
		assertThat(disk.get("backend_domid").asInt()).isZero();
		assertThat(disk.get("format").asString()).isEqualTo("raw");
		JsonNode nic = out.get("nics").get(0);
		assertThat(nic.get("backend_domid").asInt()).isEqualTo(3);
		assertThat(nic.has("backend_domname")).as("libxl would resolve the old name over the new domid").isFalse();
		assertThat(nic.get("bridge").asString()).isEqualTo("xenbr1");
		assertThat(out.get("c_info").get("name").asString()).isEqualTo("guest1");
	}

	@Test
	void refusesAGuestWhoseDeviceTheSavedConfigLacks() {
		GuestSpec more = new GuestSpec("guest1", 96, 1, List.of(new DeviceSpec.Vif(1, DomId.DOM0, "00:16:3e:00:00:02")));
		assertThatThrownBy(() -> LibxlConfigOverrides.apply(SAVED, more)).isInstanceOf(HypervisorException.class)
			.hasMessageContaining("no vif/1");
		String withoutDevices = "{\"c_info\":{\"name\":\"guest1\"}}";
		assertThat(LibxlConfigOverrides.apply(withoutDevices, more)).as("no nics for libxl to create").isSameAs(withoutDevices);
	}

	@Test
	void readsDom0sBridgesFromSysfs(@org.junit.jupiter.api.io.TempDir java.nio.file.Path classNet)
			throws java.io.IOException {
		java.nio.file.Files.createDirectories(classNet.resolve("xenbr0/bridge"));
		java.nio.file.Files.createDirectories(classNet.resolve("br-lab/bridge"));
		java.nio.file.Files.createDirectories(classNet.resolve("eth0"));
		LibxlBridges bridges = new LibxlBridges(classNet);
		assertThat(bridges.dom0()).containsExactly("br-lab", "xenbr0");
		assertThat(bridges.mayHave("xenbr1")).isFalse();
		assertThat(new LibxlBridges(classNet.resolve("absent")).mayHave("xenbr1")).isTrue();
	}

}
