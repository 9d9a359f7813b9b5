package org.xso.hypervisor.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.xso.hypervisor.CanonicalInput;
import org.xso.hypervisor.CanonicalOutput;
import org.xso.xen.Pfn;
import org.xso.xen.mm.MachineMemory;

/** The memory part of a save image: every populated page back on new frames, zero pages elided. */
class GuestMemoryImageTest {

	private final MachineMemory machine = new MachineMemory(0x1000, 64);

	@Test
	void bringsEveryPageBackOnNewFramesAndElidesZeroPages() {
		GuestMemory before = new GuestMemory(machine, 1);
		Pfn written = before.allocate();
		Pfn zero = before.allocate();
		Pfn lastByte = before.allocate();
		before.page(written).putLong(8, 0x1122334455667788L);
		before.page(lastByte).put(MachineMemory.PAGE_SIZE - 1, (byte) 7);
		// a page that was written and then zeroed again is a zero page like any other
		before.page(zero).put(100, (byte) 1).put(100, (byte) 0);

		GuestMemory.Pages pages = before.capture();
		int size = pages.size();
		CanonicalOutput out = new CanonicalOutput(size);
		pages.writeTo(out);
		byte[] image = out.toByteArray();

		assertThat(image).hasSize(size);
		assertThat(size).isEqualTo(12 + 3 * 12 + 2 * MachineMemory.PAGE_SIZE);
		GuestMemory after = GuestMemory.readImage(machine, 1, new CanonicalInput(image));
		assertThat(after.p2m().keySet()).containsExactlyElementsOf(before.p2m().keySet());
		for (Pfn pfn : List.of(written, zero, lastByte)) {
			assertThat(after.mfn(pfn)).isNotEqualTo(before.mfn(pfn));
			assertThat(contents(after.page(pfn))).isEqualTo(contents(before.page(pfn)));
		}
		assertThat(after.page(written).getLong(8)).isEqualTo(0x1122334455667788L);
	}

	@Test
	void refusesAPageRecordOfAnyOtherLengthAndFreesWhatItAllocated() {
		CanonicalOutput out = new CanonicalOutput();
		out.writeLong(0x200).writeInt(2).writeLong(0x100).writeInt(0).writeLong(0x101).writeBytes(new byte[10]);
		int frames = machine.allocatedFrames();

		assertThatThrownBy(() -> GuestMemory.readImage(machine, 1, new CanonicalInput(out.toByteArray())))
			.isInstanceOf(CanonicalInput.InvalidEncodingException.class)
			.hasMessageContaining("10 bytes");
		assertThat(machine.allocatedFrames()).isEqualTo(frames);
	}

	private static byte[] contents(ByteBuffer page) {
		byte[] b = new byte[MachineMemory.PAGE_SIZE];
		page.get(0, b);
		return b;
	}

}
