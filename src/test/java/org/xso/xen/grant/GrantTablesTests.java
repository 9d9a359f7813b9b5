package org.xso.xen.grant;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;
import org.xso.xen.DomId;
import org.xso.xen.GrantRef;
import org.xso.xen.Mfn;
import org.xso.xen.mm.MachineMemory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class GrantTablesTests {

	private static final DomId FRONT = DomId.guest(5);

	private static final DomId BACK = DomId.DOM0;

	private static final DomId STRANGER = DomId.guest(6);

	private final MachineMemory memory = new MachineMemory(0x8000, 64);

	private final GrantTables grants = new GrantTables(this.memory);

	private final GrantTable front = this.grants.create(FRONT, 1);

	private final Mfn page = this.memory.allocate();

	@Test
	void mapsAGrantForTheNamedPeerSharingThePage() {
		GrantRef ref = this.front.grantForeignAccess(BACK, this.page, false);

		GrantMapResult.Mapped mapped = this.grants.map(BACK, FRONT, ref, false).orElseThrow();
		mapped.page().putInt(100, 0xCAFEBABE);

		assertThat(this.memory.page(this.page).getInt(100)).isEqualTo(0xCAFEBABE);
		assertThat(mapped.handle()).isEqualTo(new GrantHandle(mapped.handle().value(), BACK, FRONT, ref, this.page, false));
		assertThat(this.front.entry(ref).flags())
			.isEqualTo(Gtf.GTF_permit_access | Gtf.GTF_reading | Gtf.GTF_writing);
		assertThat(this.grants.mapsPerformed()).isEqualTo(1);
		assertThat(this.grants.activeMappings()).isEqualTo(1);
	}

	@Test
	void deniesAMapToAnyOtherDomain() {
		GrantRef ref = this.front.grantForeignAccess(BACK, this.page, false);

		assertThat(this.grants.map(STRANGER, FRONT, ref, true).status()).isEqualTo(Gntst.GNTST_permission_denied);
		assertThat(this.front.entry(ref).isInUse()).isFalse();
		assertThat(this.grants.mapFailures()).isEqualTo(1);
	}

	@Test
	void mapsAReadonlyGrantOnlyReadonly() {
		GrantRef ref = this.front.grantForeignAccess(BACK, this.page, true);

		assertThat(this.grants.map(BACK, FRONT, ref, false).status()).isEqualTo(Gntst.GNTST_permission_denied);
		assertThat(this.grants.map(BACK, FRONT, ref, true).isMapped()).isTrue();
		assertThat(this.front.entry(ref).flags())
			.isEqualTo(Gtf.GTF_permit_access | Gtf.GTF_readonly | Gtf.GTF_reading);
	}

	@Test
	void reportsAGranterWithoutATableAsABadDomain() {
		assertThat(this.grants.map(BACK, STRANGER, GrantRef.of(8), true).status()).isEqualTo(Gntst.GNTST_bad_domain);
	}

	@Test
	void reportsUngrantedAndOutOfRangeRefsAsBadGntref() {
		assertThat(this.grants.map(BACK, FRONT, GrantRef.of(8), true).status()).isEqualTo(Gntst.GNTST_bad_gntref);
		assertThat(this.grants.map(BACK, FRONT, GrantRef.of(512), true).status()).isEqualTo(Gntst.GNTST_bad_gntref);
		assertThat(this.grants.map(BACK, FRONT, GrantRef.of(-1), true).status()).isEqualTo(Gntst.GNTST_bad_gntref);
	}

	@Test
	void refusesToEndAccessWhileMappedAndAllowsItAfterUnmap() {
		GrantRef ref = this.front.grantForeignAccess(BACK, this.page, false);
		GrantHandle handle = this.grants.map(BACK, FRONT, ref, false).orElseThrow().handle();

		assertThat(this.front.endForeignAccess(ref)).isFalse();
		assertThat(this.front.isActive(ref)).isTrue();
		assertThat(this.front.entry(ref).permitsAccess()).isTrue();

		assertThat(this.grants.unmap(handle)).isEqualTo(Gntst.GNTST_okay);
		assertThat(this.front.entry(ref).flags()).isEqualTo(Gtf.GTF_permit_access);
		assertThat(this.front.endForeignAccess(ref)).isTrue();
		assertThat(this.front.entry(ref).type()).isEqualTo(Gtf.GTF_invalid);
	}

	@Test
	void keepsTheEntryInUseUntilTheLastMappingGoes() {
		GrantRef ref = this.front.grantForeignAccess(BACK, this.page, false);
		GrantHandle writer = this.grants.map(BACK, FRONT, ref, false).orElseThrow().handle();
		GrantHandle reader = this.grants.map(BACK, FRONT, ref, true).orElseThrow().handle();

		this.grants.unmap(writer);

		assertThat(this.front.entry(ref).flags()).isEqualTo(Gtf.GTF_permit_access | Gtf.GTF_reading);
		assertThat(this.front.endForeignAccess(ref)).isFalse();
		this.grants.unmap(reader);
		assertThat(this.front.endForeignAccess(ref)).isTrue();
	}

	@Test
	void rejectsUnknownAndAlreadyUnmappedHandles() {
		GrantRef ref = this.front.grantForeignAccess(BACK, this.page, false);
		GrantHandle handle = this.grants.map(BACK, FRONT, ref, false).orElseThrow().handle();
		this.grants.unmap(handle);

		assertThat(this.grants.unmap(handle)).isEqualTo(Gntst.GNTST_bad_handle);
		assertThat(this.grants.unmap(new GrantHandle(999, BACK, FRONT, ref, this.page, false)))
			.isEqualTo(Gntst.GNTST_bad_handle);
	}

	@Test
	void doesNotMapAPreSuspendRefAfterTheTableIsReset() {
		GrantRef old = this.front.grantForeignAccess(BACK, this.page, false);
		GrantHandle stale = this.grants.map(BACK, FRONT, old, false).orElseThrow().handle();
		this.grants.unmap(stale);

		this.front.reset();

		assertThat(this.grants.map(BACK, FRONT, old, false).status()).isEqualTo(Gntst.GNTST_bad_gntref);
		assertThat(this.grants.mappingsOf(BACK)).isEmpty();
	}

	@Test
	void unmappingAPreResetMappingLeavesTheReissuedGrantAlone() {
		GrantRef old = this.front.grantForeignAccess(BACK, this.page, false);
		GrantHandle stale = this.grants.map(BACK, FRONT, old, false).orElseThrow().handle();
		this.front.reset();
		GrantRef reissued = this.front.grantForeignAccess(BACK, this.page, false);
		GrantHandle fresh = this.grants.map(BACK, FRONT, reissued, false).orElseThrow().handle();

		assertThat(this.grants.unmap(stale)).isEqualTo(Gntst.GNTST_okay);

		assertThat(reissued).isEqualTo(old);
		assertThat(this.front.entry(reissued).isInUse()).isTrue();
		assertThat(this.grants.mappingsOf(BACK)).containsExactly(fresh);
	}

	@Test
	void failsToMapAGrantOfAFreedFrame() {
		GrantRef ref = this.front.grantForeignAccess(BACK, this.page, false);
		this.memory.free(this.page);

		assertThat(this.grants.map(BACK, FRONT, ref, false).status()).isEqualTo(Gntst.GNTST_general_error);
		assertThat(this.front.entry(ref).isInUse()).isFalse();
		assertThat(this.grants.activeMappings()).isZero();
	}

	@Test
	void listsTheMappingsOfOneMapper() {
		GrantRef forBack = this.front.grantForeignAccess(BACK, this.page, false);
		GrantRef forStranger = this.front.grantForeignAccess(STRANGER, this.page, true);
		GrantHandle a = this.grants.map(BACK, FRONT, forBack, true).orElseThrow().handle();
		GrantHandle b = this.grants.map(STRANGER, FRONT, forStranger, true).orElseThrow().handle();

		assertThat(this.grants.mappingsOf(BACK)).containsExactly(a);
		assertThat(this.grants.mappingsOf(STRANGER)).containsExactly(b);
		assertThat(this.grants.isMapped(this.page)).isTrue();
	}

	@Test
	void aFrameStaysMappedUntilItsLastMappingGoes() {
		GrantRef forBack = this.front.grantForeignAccess(BACK, this.page, false);
		GrantRef forStranger = this.front.grantForeignAccess(STRANGER, this.page, true);
		GrantHandle a = this.grants.map(BACK, FRONT, forBack, true).orElseThrow().handle();
		GrantHandle b = this.grants.map(STRANGER, FRONT, forStranger, true).orElseThrow().handle();
		GrantHandle again = this.grants.map(BACK, FRONT, forBack, true).orElseThrow().handle();

		assertThat(this.grants.unmap(a)).isEqualTo(Gntst.GNTST_okay);
		assertThat(this.grants.isMapped(this.page)).isTrue();
		assertThat(this.grants.unmap(a)).as("a handle unmapped twice").isEqualTo(Gntst.GNTST_bad_handle);
		assertThat(this.grants.unmap(b)).isEqualTo(Gntst.GNTST_okay);
		assertThat(this.grants.isMapped(this.page)).isTrue();
		assertThat(this.grants.unmap(again)).isEqualTo(Gntst.GNTST_okay);
		assertThat(this.grants.isMapped(this.page)).isFalse();
	}

	@Test
	void keepsMappingsOfADestroyedDomainUntilUnmapped() {
		GrantRef ref = this.front.grantForeignAccess(BACK, this.page, false);
		GrantMapResult.Mapped mapped = this.grants.map(BACK, FRONT, ref, false).orElseThrow();

		this.grants.destroy(FRONT);

		assertThat(this.grants.table(FRONT)).isEmpty();
		assertThat(this.grants.mappingsOf(BACK)).containsExactly(mapped.handle());
		assertThat(this.grants.map(BACK, FRONT, ref, false).status()).isEqualTo(Gntst.GNTST_bad_domain);
		assertThat(this.grants.unmap(mapped.handle())).isEqualTo(Gntst.GNTST_okay);
		assertThat(this.grants.isMapped(this.page)).isFalse();
	}

	@Test
	void refusesASecondTableForOneDomain() {
		assertThatIllegalStateException().isThrownBy(() -> this.grants.create(FRONT, 1))
			.withMessageContaining("dom 5");
	}

	@Test
	void copiesFromAGrantedPageIntoALocalFrame() {
		this.memory.page(this.page).putLong(64, 0x1122334455667788L);
		GrantRef ref = this.front.grantForeignAccess(BACK, this.page, true);
		Mfn local = this.memory.allocate();

		int status = this.grants.copy(BACK, GrantCopySide.granted(FRONT, ref, 64), GrantCopySide.local(local, 8), 8);

		assertThat(status).isEqualTo(Gntst.GNTST_okay);
		assertThat(this.memory.page(local).getLong(8)).isEqualTo(0x1122334455667788L);
		assertThat(this.front.entry(ref).isInUse()).isFalse();
		assertThat(this.grants.copiesPerformed()).isEqualTo(1);
	}

	@Test
	void copiesFromALocalFrameIntoAWritableGrant() {
		Mfn local = this.memory.allocate();
		this.memory.page(local).put(0, (byte) 0x5A);
		GrantRef ref = this.front.grantForeignAccess(BACK, this.page, false);

		int status = this.grants.copy(BACK, GrantCopySide.local(local, 0), GrantCopySide.granted(FRONT, ref, 4095), 1);

		assertThat(status).isEqualTo(Gntst.GNTST_okay);
		assertThat(this.memory.page(this.page).get(4095)).isEqualTo((byte) 0x5A);
		assertThat(this.front.entry(ref).flags()).isEqualTo(Gtf.GTF_permit_access);
	}

	@Test
	void refusesToCopyIntoAReadonlyGrant() {
		GrantRef ref = this.front.grantForeignAccess(BACK, this.page, true);
		Mfn local = this.memory.allocate();

		assertThat(this.grants.copy(BACK, GrantCopySide.local(local, 0), GrantCopySide.granted(FRONT, ref, 0), 16))
			.isEqualTo(Gntst.GNTST_permission_denied);
		assertThat(this.grants.copyFailures()).isEqualTo(1);
	}

	@Test
	void refusesToCopyForADomainThatIsNotTheGrantee() {
		GrantRef ref = this.front.grantForeignAccess(BACK, this.page, false);
		Mfn local = this.memory.allocate();

		assertThat(this.grants.copy(STRANGER, GrantCopySide.granted(FRONT, ref, 0), GrantCopySide.local(local, 0), 16))
			.isEqualTo(Gntst.GNTST_permission_denied);
		assertThat(this.front.entry(ref).isInUse()).isFalse();
	}

	@Test
	void refusesCopiesThatLeaveThePage() {
		GrantRef ref = this.front.grantForeignAccess(BACK, this.page, false);
		Mfn local = this.memory.allocate();
		GrantCopySide granted = GrantCopySide.granted(FRONT, ref, 4000);

		assertThat(this.grants.copy(BACK, granted, GrantCopySide.local(local, 0), 97))
			.isEqualTo(Gntst.GNTST_bad_copy_arg);
		assertThat(this.grants.copy(BACK, GrantCopySide.local(local, 0), GrantCopySide.local(local, 4096), 1))
			.isEqualTo(Gntst.GNTST_bad_copy_arg);
		assertThat(this.grants.copy(BACK, GrantCopySide.local(local, -1), granted, 1))
			.isEqualTo(Gntst.GNTST_bad_copy_arg);
		assertThat(this.grants.copy(BACK, granted, GrantCopySide.local(local, 0), 96)).isEqualTo(Gntst.GNTST_okay);
	}

	@Test
	void refusesToCopyFromAFrameThatIsNotAllocated() {
		GrantRef ref = this.front.grantForeignAccess(BACK, this.page, false);

		assertThat(this.grants.copy(BACK, GrantCopySide.local(Mfn.of(1), 0), GrantCopySide.granted(FRONT, ref, 0), 8))
			.isEqualTo(Gntst.GNTST_bad_page);
		assertThat(this.front.entry(ref).isInUse()).isFalse();
	}

	@Test
	void refusesToCopyThroughAPreSuspendRef() {
		GrantRef old = this.front.grantForeignAccess(BACK, this.page, false);
		this.front.reset();

		assertThat(this.grants.copy(BACK, GrantCopySide.granted(FRONT, old, 0),
				GrantCopySide.local(this.memory.allocate(), 0), 8))
			.isEqualTo(Gntst.GNTST_bad_gntref);
	}

	@Test
	void sharesTheMappedPageRatherThanACopy() {
		GrantRef ref = this.front.grantForeignAccess(BACK, this.page, true);
		ByteBuffer mapped = this.grants.map(BACK, FRONT, ref, true).orElseThrow().page();

		this.memory.page(this.page).putShort(2, (short) 0x0102);

		assertThat(mapped.getShort(2)).isEqualTo((short) 0x0102);
	}

}
