package org.xso.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The canonical encoding is Java's {@link DataOutputStream} format (big-endian, length-prefixed
 * byte strings), whatever buffer sizing or copying path produced it, and it reads back.
 */
class CanonicalOutputProperties {

	@Property
	void encodesExactlyAsDataOutputStreamAndReadsBack(@ForAll("values") List<Object> values,
			@ForAll @IntRange(min = 0, max = 64) int initialCapacity) throws IOException {
		CanonicalOutput out = new CanonicalOutput(initialCapacity);
		ByteArrayOutputStream expected = new ByteArrayOutputStream();
		DataOutputStream reference = new DataOutputStream(expected);
		for (Object v : values) {
			if (v instanceof Integer i) {
				out.writeInt(i);
				reference.writeInt(i);
			}
			else if (v instanceof Long l) {
				out.writeLong(l);
				reference.writeLong(l);
			}
			else if (v instanceof String s) {
				out.writeString(s);
				byte[] b = s.getBytes(StandardCharsets.UTF_8);
				reference.writeInt(b.length);
				reference.write(b);
			}
			else {
				byte[] b = (byte[]) v;
				// bytes from a little-endian direct page, as guest frames are: copied as they are
				ByteBuffer page = ByteBuffer.allocateDirect(b.length + 3).order(ByteOrder.LITTLE_ENDIAN);
				page.put(3, b);
				out.writeBytes(page, 3, b.length);
				reference.writeInt(b.length);
				reference.write(b);
			}
		}

		byte[] encoded = out.toByteArray();
		assertThat(encoded).isEqualTo(expected.toByteArray());
		assertThat(out.size()).isEqualTo(encoded.length);

		CanonicalInput in = new CanonicalInput(ByteBuffer.wrap(encoded).order(ByteOrder.LITTLE_ENDIAN));
		for (Object v : values) {
			if (v instanceof Integer i) {
				assertThat(in.readInt()).isEqualTo(i);
			}
			else if (v instanceof Long l) {
				assertThat(in.readLong()).isEqualTo(l);
			}
			else if (v instanceof String s) {
				assertThat(in.readString()).isEqualTo(s);
			}
			else {
				byte[] b = (byte[]) v;
				ByteBuffer into = ByteBuffer.allocateDirect(b.length + 5);
				in.readBytes(into, 5, b.length);
				byte[] back = new byte[b.length];
				into.get(5, back);
				assertThat(back).isEqualTo(b);
			}
		}
		in.expectEnd();
	}

	@Property
	void anExactlySizedEncoderHandsItsBufferOverOnceAndCopiesBeforeWritingOn(@ForAll int a, @ForAll int b) {
		CanonicalOutput out = new CanonicalOutput(4);
		out.writeInt(a);
		byte[] first = out.toByteArray();
		byte[] again = out.toByteArray();
		out.writeInt(b);
		byte[] both = out.toByteArray();

		assertThat(first).isEqualTo(again).isNotSameAs(again);
		assertThat(ByteBuffer.wrap(first).getInt()).isEqualTo(a);
		assertThat(ByteBuffer.wrap(both).getInt(0)).isEqualTo(a);
		assertThat(ByteBuffer.wrap(both).getInt(4)).isEqualTo(b);
	}

	@Provide
	Arbitrary<List<Object>> values() {
		Arbitrary<Object> one = Arbitraries.oneOf(Arbitraries.integers().map(i -> (Object) i),
				Arbitraries.longs().map(l -> (Object) l), Arbitraries.strings().ofMaxLength(20).map(s -> (Object) s),
				Arbitraries.bytes().array(byte[].class).ofMaxSize(300).map(b -> (Object) b));
		return one.list().ofMaxSize(30);
	}

}
