package org.xso.xen.store;

import org.junit.jupiter.api.Test;
import org.xso.xen.DomId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class XsConnectionPathTests {

	private final Xenstore store = new Xenstore();

	private final DomId guest = DomId.guest(7);

	private final XsConnection dom0 = store.connect(DomId.DOM0);

	private final XsConnection domU = store.connect(guest);

	XsConnectionPathTests() {
		store.introduceDomain(guest);
	}

	@Test
	void resolvesRelativePathsAgainstTheCallersHome() {
		assertThat(domU.resolve("device/vbd/51712/state")).isEqualTo("/local/domain/7/device/vbd/51712/state");
		assertThat(dom0.resolve("backend/vbd/7/51712")).isEqualTo("/local/domain/0/backend/vbd/7/51712");
		assertThat(domU.resolve("/local/domain/7/control")).isEqualTo("/local/domain/7/control");
		assertThat(domU.homePath()).isEqualTo("/local/domain/7");
	}

	@Test
	void readsAndWritesTheSameNodeThroughRelativeAndAbsolutePaths() {
		domU.write("control/feature-suspend", "1");

		assertThat(dom0.read("/local/domain/7/control/feature-suspend")).isEqualTo("1");
		assertThat(domU.read("/local/domain/7/control/feature-suspend")).isEqualTo("1");
		assertThat(domU.directory("control")).containsExactly("feature-suspend");
	}

	@Test
	void rejectsMalformedPathsWithEinval() {
		for (String bad : new String[] { "", "/local//domain", "/local/domain/", "device/", "/a b", "/tool/x$y",
				"/tool/\u00e9t\u00e9", "@introduceDomain", "@releaseDomain" }) {
			assertThatExceptionOfType(XenstoreException.class).as(bad)
				.isThrownBy(() -> dom0.write(bad, "x"))
				.satisfies(e -> assertThat(e.errno()).isEqualTo("EINVAL"));
		}
	}

	@Test
	void acceptsEveryAllowedCharacter() {
		dom0.write("/tool/Az09-_@.x", "ok");

		assertThat(dom0.read("/tool/Az09-_@.x")).isEqualTo("ok");
		assertThat(dom0.read("/")).isEmpty();
	}

	@Test
	void limitsAbsolutePathsTo3072AndRelativeOnesTo2048Characters() {
		String absolute = "/tool/" + "a".repeat(XsWire.XENSTORE_ABS_PATH_MAX - 6);
		String relative = "a".repeat(XsWire.XENSTORE_REL_PATH_MAX);

		assertThat(dom0.resolve(absolute)).hasSize(3072);
		assertThat(domU.resolve(relative)).endsWith(relative);
		assertThatExceptionOfType(XenstoreException.class).isThrownBy(() -> dom0.resolve(absolute + "a"))
			.satisfies(e -> assertThat(e.errno()).isEqualTo("EINVAL"));
		assertThatExceptionOfType(XenstoreException.class).isThrownBy(() -> domU.resolve(relative + "a"))
			.satisfies(e -> assertThat(e.errno()).isEqualTo("EINVAL"));
	}

	@Test
	void refusesAWriteWhosePathAndValueExceedThePayloadMaximum() {
		String path = "/tool/big";
		String fits = "v".repeat(XsWire.XENSTORE_PAYLOAD_MAX - path.length() - 1);

		dom0.write(path, fits);

		assertThat(dom0.read(path)).hasSize(fits.length());
		assertThatExceptionOfType(XenstoreException.class).isThrownBy(() -> dom0.write(path, fits + "v"))
			.satisfies(e -> assertThat(e.errno()).isEqualTo("E2BIG"));
	}

	@Test
	void reportsAMissingNodeAsEnoentAndTryReadAsEmpty() {
		assertThatExceptionOfType(XenstoreException.class).isThrownBy(() -> domU.read("device/vif/0/state"))
			.satisfies(e -> assertThat(e.errno()).isEqualTo("ENOENT"))
			.withMessageContaining("/local/domain/7/device/vif/0/state");
		assertThat(domU.tryRead("device/vif/0/state")).isEmpty();
	}

	@Test
	void removesRecursivelyAndReportsEnoentForAMissingNode() {
		dom0.write("/tool/a/b/c", "1");
		dom0.write("/tool/a/d", "2");

		dom0.rm("/tool/a");

		assertThat(dom0.tryRead("/tool/a/b/c")).isEmpty();
		assertThat(dom0.directory("/tool")).doesNotContain("a");
		assertThatExceptionOfType(XenstoreException.class).isThrownBy(() -> dom0.rm("/tool/a"))
			.satisfies(e -> assertThat(e.errno()).isEqualTo("ENOENT"));
		assertThatExceptionOfType(XenstoreException.class).isThrownBy(() -> dom0.rm("/"))
			.satisfies(e -> assertThat(e.errno()).isEqualTo("EINVAL"));
	}

	@Test
	void mkdirCreatesAnEmptyNodeAndLeavesAnExistingOneAlone() {
		dom0.write("/tool/x", "keep");

		dom0.mkdir("/tool/x");
		dom0.mkdir("/tool/y/z");

		assertThat(dom0.read("/tool/x")).isEqualTo("keep");
		assertThat(dom0.read("/tool/y")).isEmpty();
		assertThat(dom0.read("/tool/y/z")).isEmpty();
	}

	@Test
	void listsChildrenInNaturalNumericOrder() {
		for (String name : new String[] { "10", "2", "1", "vif10", "vif2", "a" }) {
			dom0.write("/tool/n/" + name, "");
		}

		assertThat(dom0.directory("/tool/n")).containsExactly("1", "2", "10", "a", "vif2", "vif10");
	}

	@Test
	void closedConnectionsRefuseEveryOperation() {
		domU.close();

		assertThat(domU.isOpen()).isFalse();
		assertThatExceptionOfType(XenstoreException.class).isThrownBy(() -> domU.read("control"))
			.satisfies(e -> assertThat(e.errno()).isEqualTo("EINVAL"));
		assertThatExceptionOfType(XenstoreException.class).isThrownBy(() -> domU.write("control/x", "1"))
			.satisfies(e -> assertThat(e.errno()).isEqualTo("EINVAL"));
	}

}
