package org.xso.xen.store;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.xso.xen.DomId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The device layout libxl writes: frontend dir owned by the guest, readable by the backend. */
class XenstorePermissionTests {

	private static final String FRONTEND = "/local/domain/1/device/vbd/51712";

	private static final String BACKEND = "/local/domain/2/backend/vbd/1/51712";

	private final Xenstore store = new Xenstore();

	private final DomId guest = DomId.guest(1);

	private final DomId driverDomain = DomId.guest(2);

	private final DomId otherGuest = DomId.guest(3);

	private final XsConnection dom0 = store.connect(DomId.DOM0);

	private final XsConnection front = store.connect(guest);

	private final XsConnection back = store.connect(driverDomain);

	private final XsConnection other = store.connect(otherGuest);

	XenstorePermissionTests() {
		store.introduceDomain(guest);
		store.introduceDomain(driverDomain);
		store.introduceDomain(otherGuest);
		dom0.mkdir(FRONTEND);
		dom0.setPerms(FRONTEND, XsPermissions.owner(guest).withReader(driverDomain));
		dom0.write(FRONTEND + "/state", "1");
		dom0.mkdir(BACKEND);
		dom0.setPerms(BACKEND, XsPermissions.owner(driverDomain).withReader(guest));
		dom0.write(BACKEND + "/state", "1");
	}

	@Test
	void dom0ReadsAndWritesEverything() {
		dom0.write(FRONTEND + "/state", "3");
		dom0.write("/local/domain/3/secret", "s");

		assertThat(dom0.read(FRONTEND + "/state")).isEqualTo("3");
		assertThat(dom0.read("/local/domain/3/secret")).isEqualTo("s");
	}

	@Test
	void frontendWritesItsDirAndOnlyReadsTheBackendDir() {
		front.write("device/vbd/51712/ring-ref", "8");

		assertThat(front.read(BACKEND + "/state")).isEqualTo("1");
		assertThat(front.read("device/vbd/51712/ring-ref")).isEqualTo("8");
		assertEacces(() -> front.write(BACKEND + "/state", "4"));
	}

	@Test
	void backendGrantedReadReadsTheFrontendButCannotWriteIt() {
		back.write(BACKEND + "/state", "2");

		assertThat(back.read(FRONTEND + "/state")).isEqualTo("1");
		assertThat(back.directory(FRONTEND)).containsExactly("state");
		assertEacces(() -> back.write(FRONTEND + "/state", "5"));
		assertEacces(() -> back.rm(FRONTEND));
	}

	@Test
	void guestCannotReadOrProbeAnotherGuestsSubtree() {
		assertEacces(() -> other.read(FRONTEND + "/state"));
		assertEacces(() -> other.directory("/local/domain/1"));
		assertEacces(() -> other.write("/local/domain/1/evil", "x"));
		// not even whether a node exists: a missing node below an unreadable one is EACCES too
		assertEacces(() -> other.read("/local/domain/1/no/such/node"));
		assertEacces(() -> other.tryRead(FRONTEND + "/state"));
	}

	@Test
	void newNodesInheritTheParentsPermissionsAndBelongToTheirWriter() {
		front.write("device/vbd/51712/queue-0/ring-ref", "9");

		XsPermissions perms = dom0.getPerms(FRONTEND + "/queue-0/ring-ref");
		assertThat(perms.ownerId()).isEqualTo(guest);
		assertThat(perms.canRead(driverDomain)).isTrue();
		assertThat(dom0.getPerms(FRONTEND + "/queue-0")).isEqualTo(perms);
		assertThat(back.read(FRONTEND + "/queue-0/ring-ref")).isEqualTo("9");
	}

	@Test
	void nodesDom0CreatesKeepTheInheritedOwner() {
		dom0.write(FRONTEND + "/backend-id", "2");

		assertThat(dom0.getPerms(FRONTEND + "/backend-id")).isEqualTo(XsPermissions.parse("n1,r2"));
	}

	@Test
	void onlyTheOwnerOrDom0SetsPermissionsAndOnlyDom0ChangesTheOwner() {
		front.setPerms(FRONTEND, XsPermissions.owner(guest).withReader(driverDomain).withReader(otherGuest));

		assertThat(other.read(FRONTEND)).isEmpty();
		assertThat(other.directory(FRONTEND)).containsExactly("state");
		// permissions are per node: the existing child keeps its own
		assertEacces(() -> other.read(FRONTEND + "/state"));
		assertEacces(() -> back.setPerms(FRONTEND, XsPermissions.owner(driverDomain)));
		assertThatExceptionOfType(XenstoreException.class)
			.isThrownBy(() -> front.setPerms(FRONTEND, XsPermissions.owner(otherGuest)))
			.satisfies(e -> assertThat(e.errno()).isEqualTo("EPERM"));
	}

	@Test
	void introducedDomainOwnsItsHomeWhichOthersCannotRead() {
		front.write("data/x", "1");

		assertThat(dom0.getPerms("/local/domain/1")).isEqualTo(XsPermissions.owner(guest));
		assertThat(front.directory("/local/domain/1")).containsExactly("data", "device");
		assertEacces(() -> other.directory("/local/domain/1"));
	}

	@Test
	void guestsCannotWriteOutsideWhatTheyWereGranted() {
		assertEacces(() -> front.write("/tool/x", "1"));
		assertEacces(() -> front.mkdir("/vm/1"));
		assertThat(store.list("/tool")).extracting(XsNodeView::path).containsExactly("/tool");
	}

	private static void assertEacces(Runnable call) {
		assertThatExceptionOfType(XenstoreException.class).isThrownBy(call::run)
			.satisfies(e -> assertThat(e.errno()).isEqualTo("EACCES"));
	}

	@Test
	void listShowsTheSubtreeDepthFirstWithPermissionsAsXenstoreLsDoes() {
		List<XsNodeView> views = store.list("/local/domain/1");

		assertThat(views).extracting(v -> v.path() + "=" + v.value() + " (" + v.perms() + ")")
			.containsExactly("/local/domain/1= (n1)", "/local/domain/1/device= (n1)",
					"/local/domain/1/device/vbd= (n1)", "/local/domain/1/device/vbd/51712= (n1,r2)",
					"/local/domain/1/device/vbd/51712/state=1 (n1,r2)");
	}

}
