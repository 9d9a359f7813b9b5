package org.xso.xen.grant;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.xso.xen.DomId;
import org.xso.xen.GrantRef;
import org.xso.xen.Mfn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class GrantTableTests {

	private static final DomId GUEST = DomId.guest(3);

	private static final DomId BACKEND = DomId.DOM0;

	private static final Mfn FRAME = Mfn.of(0x12345);

	private final GrantTable table = new GrantTable(GUEST, 1);

	@Test
	void neverHandsOutReservedRefs() {
		List<GrantRef> refs = new ArrayList<>();
		for (int i = 0; i < GrantTableLayout.ENTRIES_PER_FRAME - GrantRef.GNTTAB_NR_RESERVED_ENTRIES; i++) {
			refs.add(this.table.grantForeignAccess(BACKEND, FRAME, false));
		}

		assertThat(refs).allSatisfy((ref) -> assertThat(ref.value()).isBetween(8, 511));
		assertThat(refs).doesNotHaveDuplicates();
		assertThat(refs.get(0)).isEqualTo(GrantRef.of(8));
	}

	@Test
	void throwsWhenTheTableIsFull() {
		for (int i = 0; i < 504; i++) {
			this.table.grantForeignAccess(BACKEND, FRAME, false);
		}

		assertThatExceptionOfType(GrantTableFullException.class)
			.isThrownBy(() -> this.table.grantForeignAccess(BACKEND, FRAME, false))
			.withMessageContaining("dom 3");
		assertThat(this.table.activeCount()).isEqualTo(504);
		assertThat(this.table.freeCount()).isZero();
	}

	@Test
	void spreadsRefsOverEveryFrame() {
		GrantTable big = new GrantTable(GUEST, 2);
		GrantRef last = null;
		for (int i = 0; i < 1024 - 8; i++) {
			last = big.grantForeignAccess(BACKEND, Mfn.of(i), true);
		}

		assertThat(last).isEqualTo(GrantRef.of(1023));
		assertThat(big.entry(last)).isEqualTo(new GrantEntryV1(Gtf.GTF_permit_access | Gtf.GTF_readonly, 0, 1015));
	}

	@Test
	void writesTheGrantIntoTheEntry() {
		GrantRef ref = this.table.grantForeignAccess(DomId.guest(9), FRAME, true);

		assertThat(this.table.entry(ref))
			.isEqualTo(new GrantEntryV1(Gtf.GTF_permit_access | Gtf.GTF_readonly, 9, 0x12345));
		assertThat(this.table.isActive(ref)).isTrue();
		assertThat(this.table.activeRefs()).containsExactly(ref);
		assertThat(this.table.grantsIssued()).isEqualTo(1);
	}

	@Test
	void endingAccessInvalidatesTheEntryAndReusesTheRefFirst() {
		GrantRef first = this.table.grantForeignAccess(BACKEND, FRAME, false);
		this.table.grantForeignAccess(BACKEND, FRAME, false);

		assertThat(this.table.endForeignAccess(first)).isTrue();

		assertThat(this.table.entry(first).type()).isEqualTo(Gtf.GTF_invalid);
		assertThat(this.table.isActive(first)).isFalse();
		assertThat(this.table.grantsEnded()).isEqualTo(1);
		assertThat(this.table.grantForeignAccess(BACKEND, FRAME, false)).isEqualTo(first);
	}

	@Test
	void regrantsAGivenRefNumberOnlyWhenItIsNotActive() {
		GrantRef ref = GrantRef.of(42);
		this.table.grantForeignAccessRef(ref, BACKEND, FRAME, false);

		assertThat(this.table.isActive(ref)).isTrue();
		assertThatIllegalStateException()
			.isThrownBy(() -> this.table.grantForeignAccessRef(ref, BACKEND, FRAME, false))
			.withMessageContaining("GRANTED");
		assertThat(this.table.activeRefs()).containsExactly(ref);
	}

	@Test
	void neverHandsOutARefGrantedByNumber() {
		this.table.grantForeignAccessRef(GrantRef.of(8), BACKEND, FRAME, false);

		assertThat(this.table.grantForeignAccess(BACKEND, FRAME, false)).isEqualTo(GrantRef.of(9));
	}

	@Test
	void grantsAClaimedRefByNumberOrReleasesIt() {
		GrantRef claimed = this.table.claimRef();
		GrantRef unused = this.table.claimRef();

		this.table.grantForeignAccessRef(claimed, BACKEND, FRAME, false);
		this.table.releaseRef(unused);

		assertThat(this.table.isActive(claimed)).isTrue();
		assertThat(this.table.isActive(unused)).isFalse();
		assertThat(this.table.freeCount()).isEqualTo(504 - 1);
		assertThatIllegalStateException().isThrownBy(() -> this.table.releaseRef(claimed))
			.withMessageContaining("is GRANTED");
	}

	@Test
	void rejectsReservedAndOutOfRangeRefs() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.table.grantForeignAccessRef(GrantRef.of(1), BACKEND, FRAME, false))
			.withMessageContaining("reserved");
		assertThatIllegalArgumentException().isThrownBy(() -> this.table.entry(GrantRef.of(512)));
		assertThat(this.table.isActive(GrantRef.of(4096))).isFalse();
	}

	@Test
	void resetLeavesAFreshEmptyTable() {
		GrantRef ref = this.table.grantForeignAccess(BACKEND, FRAME, false);
		this.table.claimRef();

		this.table.reset();

		assertThat(this.table.entry(ref)).isEqualTo(GrantEntryV1.INVALID);
		assertThat(this.table.activeCount()).isZero();
		assertThat(this.table.freeCount()).isEqualTo(504);
		assertThat(this.table.grantForeignAccess(BACKEND, FRAME, false)).isEqualTo(GrantRef.of(8));
		assertThat(this.table.grantsIssued()).isEqualTo(2);
	}

	@Test
	void endingAPreSuspendRefAfterResetChangesNothing() {
		GrantRef old = this.table.grantForeignAccess(BACKEND, FRAME, false);
		this.table.reset();

		assertThat(this.table.endForeignAccess(old)).isTrue();

		assertThat(this.table.grantsEnded()).isZero();
		assertThat(this.table.freeCount()).isEqualTo(504);
	}

}
