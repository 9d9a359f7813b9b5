package org.xso.config;

import org.junit.jupiter.api.Test;
import org.xso.hypervisor.BlkbackFeatures;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.DeviceType;
import org.xso.problem.ProblemException;
import org.xso.problem.Violation;
import org.xso.web.PageView;
import org.xso.web.Paging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeviceConfigTests {

	@Test
	void defaultsABlockDevicesBackendSectorSizeAndFeatures() {
		DeviceSpec spec = new DeviceConfig(DeviceType.vbd, 51712, null, 2048L, null, null, null).toSpec("");
		assertThat(spec).isInstanceOfSatisfying(DeviceSpec.Vbd.class, v -> {
			assertThat(v.backendDomid().isDom0()).isTrue();
			assertThat(v.sectorSize()).isEqualTo(512);
			assertThat(v.features()).isEqualTo(BlkbackFeatures.LINUX_DEFAULT);
		});
	}

	@Test
	void roundTripsThroughThePortsValue() {
		DeviceConfig vif = new DeviceConfig(DeviceType.vif, 0, 0, null, null, null, "00:16:3e:00:00:01", "xenbr1", null);
		assertThat(DeviceConfig.from(vif.toSpec(""))).isEqualTo(vif);
		DeviceConfig vbd = new DeviceConfig(DeviceType.vbd, 51712, 0, 2048L, 512,
				BackendFeatures.from(BlkbackFeatures.LINUX_DEFAULT), null, null, "/dev/vg0/guest1");
		assertThat(DeviceConfig.from(vbd.toSpec(""))).isEqualTo(vbd);
	}

	@Test
	void aVifWithoutABridgeJoinsLibxlsDefaultAndSaysSo() {
		DeviceConfig vif = new DeviceConfig(DeviceType.vif, 0, 0, null, null, null, "00:16:3e:00:00:01");
		assertThat(DeviceConfig.from(vif.toSpec("")).bridge()).isEqualTo("xenbr0");
	}

	@Test
	void refusesABridgeOrTargetThatIsMalformedOrOfTheOtherType() {
		assertThatThrownBy(() -> new DeviceConfig(DeviceType.vif, 0, 0, null, null, null, "00:16:3e:00:00:01",
				"a-bridge-name-too-long", null).toSpec("/devices/1"))
			.isInstanceOfSatisfying(ProblemException.class,
					p -> assertThat(p.problem().errors()).extracting(Violation::field).containsExactly("/devices/1/bridge"));
		assertThatThrownBy(() -> new DeviceConfig(DeviceType.vif, 0, 0, null, null, null, "00:16:3e:00:00:01", null,
				"vol1").toSpec(""))
			.isInstanceOfSatisfying(ProblemException.class,
					p -> assertThat(p.problem().errors()).extracting(Violation::field).containsExactly("/target"));
		assertThatThrownBy(() -> new DeviceConfig(DeviceType.vbd, 1, 0, 8L, null, null, null, null,
				"/dev/../etc/passwd").toSpec(""))
			.isInstanceOfSatisfying(ProblemException.class,
					p -> assertThat(p.problem().errors()).extracting(Violation::field).containsExactly("/target"));
		assertThatThrownBy(() -> new DeviceConfig(DeviceType.vbd, 1, 0, 8L, null, null, null, "xenbr0", null)
			.toSpec("")).isInstanceOfSatisfying(ProblemException.class,
					p -> assertThat(p.problem().errors()).extracting(Violation::field).containsExactly("/bridge"));
	}

	@Test
	void pointsAtTheFieldThatIsWrong() {
		assertThatThrownBy(() -> new DeviceConfig(DeviceType.vbd, 1, 0, null, null, null, null).toSpec("/devices/0"))
			.isInstanceOfSatisfying(ProblemException.class,
					p -> assertThat(p.problem().errors()).extracting(Violation::field).containsExactly("/devices/0/sectors"));
		assertThatThrownBy(() -> new DeviceConfig(DeviceType.vbd, 1, 0, 8L, 513, null, null).toSpec(""))
			.isInstanceOfSatisfying(ProblemException.class,
					p -> assertThat(p.problem().errors()).extracting(Violation::field).containsExactly("/sectorSize"));
		assertThatThrownBy(() -> new DeviceConfig(DeviceType.vif, 1, 40000, null, null, null, "00:16:3e:00:00:01")
			.toSpec("")).isInstanceOfSatisfying(ProblemException.class,
					p -> assertThat(p.problem().errors()).extracting(Violation::field).containsExactly("/backendDomid"));
	}

	@Test
	void pagesAListInMemory() {
		PageView<Integer> page = PageView.ofList(java.util.List.of(1, 2, 3, 4, 5), Paging.of(2, 2));
		assertThat(page.items()).containsExactly(5);
		assertThat(page.totalPages()).isEqualTo(3);
		assertThat(PageView.ofList(java.util.List.of(1), Paging.of(4, 2)).items()).isEmpty();
	}

}
