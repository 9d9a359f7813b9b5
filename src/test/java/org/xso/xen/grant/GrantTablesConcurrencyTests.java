package org.xso.xen.grant;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.xso.xen.DomId;
import org.xso.xen.GrantRef;
import org.xso.xen.mm.MachineMemory;

import static org.assertj.core.api.Assertions.assertThat;

class GrantTablesConcurrencyTests {

	private static final int MAPS = 20_000;

	@Test
	void neverRevokesAGrantWhileItIsMappedNorMapsItAfterwards() throws Exception {
		MachineMemory memory = new MachineMemory(0x100, 4);
		GrantTables grants = new GrantTables(memory);
		DomId front = DomId.guest(8);
		GrantTable table = grants.create(front, 1);
		GrantRef ref = table.grantForeignAccess(DomId.DOM0, memory.allocate(), false);
		AtomicInteger mappedAfterRevoke = new AtomicInteger();
		AtomicInteger revoked = new AtomicInteger();

		CompletableFuture<Void> backend = CompletableFuture.runAsync(() -> {
			for (int i = 0; i < MAPS; i++) {
				GrantMapResult result = grants.map(DomId.DOM0, front, ref, (i & 1) == 0);
				if (result instanceof GrantMapResult.Mapped mapped) {
					if (revoked.get() > 0) {
						mappedAfterRevoke.incrementAndGet();
					}
					assertThat(grants.unmap(mapped.handle())).isEqualTo(Gntst.GNTST_okay);
				}
			}
		});
		CompletableFuture<Void> frontend = CompletableFuture.runAsync(() -> {
			while (!table.endForeignAccess(ref)) {
				Thread.onSpinWait();
			}
			revoked.incrementAndGet();
		});
		CompletableFuture.allOf(backend, frontend).get(30, TimeUnit.SECONDS);

		assertThat(mappedAfterRevoke).hasValue(0);
		assertThat(table.entry(ref).flags()).isEqualTo(Gtf.GTF_invalid);
		assertThat(grants.activeMappings()).isZero();
		assertThat(grants.mapsPerformed() + grants.mapFailures()).isEqualTo(MAPS);
		assertThat(grants.map(DomId.DOM0, front, ref, true).status()).isEqualTo(Gntst.GNTST_bad_gntref);
	}

}
