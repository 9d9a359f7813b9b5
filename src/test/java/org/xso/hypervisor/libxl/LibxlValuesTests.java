package org.xso.hypervisor.libxl;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.HypervisorException.Reason;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The libxl adapter's pure-Java parts, in the default build: no native code needed. */
class LibxlValuesTests {

	@Test
	void encodesVdevNamesAsVbdInterfaceTxtDoes() {
		assertThat(Vdev.devid("xvda")).isEqualTo(51712);
		assertThat(Vdev.devid("xvdb")).isEqualTo(51728);
		assertThat(Vdev.devid("xvda1")).isEqualTo(51713);
		assertThat(Vdev.devid("xvdq")).isEqualTo(1 << 28 | 16 << 8);
		assertThat(Vdev.devid("xvdaa")).isEqualTo(1 << 28 | 26 << 8);
		assertThat(Vdev.devid("hda")).isEqualTo(3 << 8);
		assertThat(Vdev.devid("hdc")).isEqualTo(22 << 8);
		assertThat(Vdev.devid("sdb2")).isEqualTo(8 << 8 | 1 << 4 | 2);
		assertThat(Vdev.devid("51712")).isEqualTo(51712);
		assertThatIllegalArgumentException().isThrownBy(() -> Vdev.devid("vda")).withMessageContaining("vda");
		assertThatIllegalArgumentException().isThrownBy(() -> Vdev.devid("hde"));
	}

	@Test
	void mapsEveryLibxlErrorCodeOnceAndUnknownCodesToInternal() {
		Set<Integer> codes = new HashSet<>();
		for (LibxlError e : LibxlError.values()) {
			assertThat(codes.add(e.code())).as(e.name()).isTrue();
			assertThat(LibxlError.of(e.code())).isSameAs(e);
		}
		assertThat(codes).as("ERROR_NONSPECIFIC (-1) .. ERROR_QEMU_API (-32) of libxl 4.17")
			.containsExactlyInAnyOrderElementsOf(range(-32, -1));
		assertThat(LibxlError.exception("libxl_domain_pause", -21, "libxl: no such domain"))
			.hasMessage("libxl_domain_pause failed (ERROR_DOMAIN_NOTFOUND): libxl: no such domain")
			.extracting(HypervisorException::reason)
			.isEqualTo(Reason.DOMAIN_NOT_FOUND);
		assertThat(LibxlError.exception("libxl_domain_pause", -77, null)).hasMessage(
				"libxl_domain_pause failed (libxl error -77)")
			.extracting(HypervisorException::reason)
			.isEqualTo(Reason.INTERNAL);
		assertThat(LibxlError.errno("xs_open", -LibxlError.ECONNREFUSED).reason())
			.isEqualTo(Reason.HYPERVISOR_UNAVAILABLE);
		assertThat(LibxlError.errno("xs_read /x", -LibxlError.EACCES).reason()).isEqualTo(Reason.INTERNAL);
	}

	private static Set<Integer> range(int from, int to) {
		Set<Integer> out = new HashSet<>();
		for (int i = from; i <= to; i++) {
			out.add(i);
		}
		return out;
	}

	/** Read from the save image's file (over 1 MiB: the encoder reads it in 1 MiB steps). */
	@Test
	void keepsTheConfigurationAndTheStreamOfASaveImage(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
			throws java.io.IOException {
		byte[] stream = new byte[(1 << 20) * 2 + 17];
		new java.util.Random(7).nextBytes(stream);
		java.nio.file.Path file = java.nio.file.Files.write(dir.resolve("dom1.save"), stream);
		LibxlSaveImage image = new LibxlSaveImage("{\"c_info\":{\"name\":\"g\u00e9\"}}", stream);
		byte[] bytes = LibxlSaveImage.encode(image.configJson(), file,
				System.nanoTime() + Duration.ofSeconds(60).toNanos());
		assertThat(new String(bytes, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("XSOLIBXL");
		LibxlSaveImage back = LibxlSaveImage.decode(bytes);
		assertThat(back.configJson()).isEqualTo(image.configJson());
		assertThat(back.stream()).isEqualTo(stream);
		bytes[11] = 2; // version 2
		assertThatThrownBy(() -> LibxlSaveImage.decode(bytes)).isInstanceOfSatisfying(HypervisorException.class,
				e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_IMAGE));
	}

	/** The save's deadline bounds the read of the image, which is the guest's whole memory. */
	@Test
	void stopsReadingASaveImagePastItsDeadline(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
			throws java.io.IOException {
		java.nio.file.Path file = java.nio.file.Files.write(dir.resolve("dom1.save"), new byte[(1 << 20) + 1]);
		assertThatThrownBy(() -> LibxlSaveImage.encode("{}", file, System.nanoTime() - 1))
			.isInstanceOfSatisfying(HypervisorException.class, e -> {
				assertThat(e.reason()).isEqualTo(Reason.BACKEND_TIMEOUT);
				assertThat(e.getMessage()).contains("missed its deadline");
			});
	}

	/** libxl refuses a domid destroyed less than 60 s ago; the adapter waits out what is left. */
	@Test
	void aDomidDestroyedRecentlyIsReusableAfterLibxlsTimeout() {
		var history = java.util.List.of("100 3", "130 5", "150 3", "garbled", "x 3");
		assertThat(DomidHistory.reusableIn(history, 3, 160)).isEqualTo(java.time.Duration.ofSeconds(51));
		assertThat(DomidHistory.reusableIn(history, 3, 211)).isZero();
		assertThat(DomidHistory.reusableIn(history, 5, 160)).isEqualTo(java.time.Duration.ofSeconds(31));
		assertThat(DomidHistory.reusableIn(history, 7, 160)).isZero();
	}

}
