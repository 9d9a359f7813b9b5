package org.xso.xen.store;

import org.junit.jupiter.api.Test;
import org.xso.xen.DomId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class XsPermissionsTests {

	private final DomId one = DomId.guest(1);

	private final DomId two = DomId.guest(2);

	private final DomId three = DomId.guest(3);

	@Test
	void givesTheOwnerAndDom0FullAccessAndOthersTheDefault() {
		XsPermissions perms = XsPermissions.owner(one);

		assertThat(perms.canRead(one)).isTrue();
		assertThat(perms.canWrite(one)).isTrue();
		assertThat(perms.canWrite(DomId.DOM0)).isTrue();
		assertThat(perms.canRead(two)).isFalse();
		assertThat(XsPermissions.parse("r1").canRead(two)).isTrue();
		assertThat(XsPermissions.parse("r1").canWrite(two)).isFalse();
	}

	@Test
	void grantsNamedDomainsTheirOwnAccess() {
		XsPermissions perms = XsPermissions.owner(one).withReader(two).withAccess(three, XsAccess.WRITE);

		assertThat(perms.canRead(two)).isTrue();
		assertThat(perms.canWrite(two)).isFalse();
		assertThat(perms.canRead(three)).isFalse();
		assertThat(perms.canWrite(three)).isTrue();
		assertThat(perms.withReader(three).accessFor(three)).isEqualTo(XsAccess.BOTH);
		assertThat(perms.withAccess(two, XsAccess.NONE).canRead(two)).isFalse();
	}

	@Test
	void printsAndParsesTheXenstoreLsForm() {
		XsPermissions perms = XsPermissions.owner(one).withReader(DomId.DOM0).withAccess(two, XsAccess.BOTH);

		assertThat(perms).hasToString("n1,r0,b2");
		assertThat(XsPermissions.parse("n1,r0,b2")).isEqualTo(perms);
		assertThat(XsPermissions.parse("(n1, r0, b2)")).isEqualTo(perms);
		assertThat(XsPermissions.parse("n1\0r0\0b2\0")).isEqualTo(perms);
	}

	@Test
	void rejectsMalformedPermissions() {
		assertThatIllegalArgumentException().isThrownBy(() -> XsPermissions.parse(""));
		assertThatIllegalArgumentException().isThrownBy(() -> XsPermissions.parse("x1"));
		assertThatIllegalArgumentException().isThrownBy(() -> XsPermissions.parse("r"));
		assertThatIllegalArgumentException().isThrownBy(() -> XsPermissions.parse("rone"));
	}

}
