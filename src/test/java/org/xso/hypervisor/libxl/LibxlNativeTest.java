package org.xso.hypervisor.libxl;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xso.hypervisor.HypervisorException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The JNI glue end to end against the stand-in: strings, arrays, file descriptors, error codes and
 * the logger and watch callbacks cross the boundary intact.
 */
@Tag("libxl")
class LibxlNativeTest {

	private final LibxlLog log = new LibxlLog();

	private XsHandle xs;

	private long ctx;

	@BeforeAll
	static void load() {
		StandIn.load();
	}

	@BeforeEach
	void open() {
		xs = XsHandle.open();
		ctx = LibxlNative.ctxAlloc(log);
	}

	@AfterEach
	void close() {
		LibxlNative.ctxFree(ctx);
		xs.close();
	}

	@Test
	void listsDomainsWithTheirInfoAndNames() {
		StandIn.domain(xs, 3, "web-3", 262144, 2);
		StandIn.domain(xs, 4, "db-4", 524288, 4);
		long[] all = LibxlNative.listDomain(ctx);
		assertThat(all.length % LibxlNative.DOMINFO_STRIDE).isZero();
		int at = indexOf(all, 4);
		assertThat(all[at + LibxlNative.DOMINFO_MAX_MEMKB]).isEqualTo(524288);
		assertThat(all[at + LibxlNative.DOMINFO_VCPU_ONLINE]).isEqualTo(4);
		assertThat(all[at + LibxlNative.DOMINFO_FLAGS] & LibxlNative.FLAG_RUNNING).isEqualTo(LibxlNative.FLAG_RUNNING);
		assertThat(all[at + LibxlNative.DOMINFO_CPU_TIME]).isEqualTo(4_000_000L);
		assertThat(LibxlNative.domidToName(ctx, 3)).isEqualTo("web-3");
		assertThat(LibxlNative.domidToName(ctx, 63)).isNull();
	}

	private static int indexOf(long[] all, int domid) {
		for (int i = 0; i < all.length; i += LibxlNative.DOMINFO_STRIDE) {
			if (all[i] == domid) {
				return i;
			}
		}
		throw new AssertionError("dom" + domid + " not listed");
	}

	@Test
	void reportsAnUnknownDomainAsAbsentAndPausesAKnownOne() {
		StandIn.domain(xs, 5, "g5", 131072, 1);
		assertThat(LibxlNative.domainInfo(ctx, 60)).isNull();
		LibxlNative.domainPause(ctx, 5);
		assertThat(LibxlNative.domainInfo(ctx, 5)[LibxlNative.DOMINFO_FLAGS] & LibxlNative.FLAG_PAUSED)
			.isEqualTo(LibxlNative.FLAG_PAUSED);
		LibxlNative.domainUnpause(ctx, 5);
		assertThat(LibxlNative.domainInfo(ctx, 5)[LibxlNative.DOMINFO_FLAGS] & LibxlNative.FLAG_PAUSED).isZero();
	}

	@Test
	void mapsEveryLibxlErrorCodeToItsReasonAndKeepsLibxlsExplanation() {
		StandIn.domain(xs, 6, "g6", 131072, 1);
		for (LibxlError e : LibxlError.values()) {
			StandIn.fail(xs, "libxl_domain_pause", e.code());
			assertThatThrownBy(() -> LibxlNative.domainPause(ctx, 6)).isInstanceOfSatisfying(
					LibxlError.LibxlException.class, ex -> {
						assertThat(ex.code()).isEqualTo(e.code());
						assertThat(ex.reason()).isEqualTo(e.reason());
						assertThat(ex.getMessage()).isEqualTo("libxl_domain_pause failed (" + e.name() + ")");
					});
			assertThat(log.lastError()).isEqualTo("libxl: libxl_domain_pause: scripted failure " + e.code());
		}
		StandIn.fail(xs, "libxl_domain_pause", -99);
		assertThatThrownBy(() -> LibxlNative.domainPause(ctx, 6)).isInstanceOfSatisfying(HypervisorException.class,
				ex -> assertThat(ex.reason()).isEqualTo(HypervisorException.Reason.INTERNAL));
	}

	@Test
	void aFailedContextAllocationCarriesLibxlsLogLine() {
		StandIn.fail(xs, "libxl_ctx_alloc", LibxlError.ERROR_FAIL.code());
		LibxlLog fresh = new LibxlLog();
		assertThatThrownBy(() -> LibxlNative.ctxAlloc(fresh))
			.hasMessage("libxl_ctx_alloc failed (ERROR_FAIL): libxl: cannot open libxc handle (errno 2)");
	}

	@Test
	void writesTheSaveImageToTheFileDescriptorWithTheFlags(@TempDir Path dir) throws Exception {
		StandIn.domain(xs, 7, "g7", 131072, 1);
		xs.write("/standin/image-bytes", "10000");
		Path image = dir.resolve("g7.save");
		int fd = LibxlNative.open(image, true);
		try {
			LibxlNative.domainSuspend(ctx, 7, fd, LibxlNative.LIBXL_SUSPEND_LIVE | LibxlNative.LIBXL_SUSPEND_DEBUG);
		}
		finally {
			LibxlNative.close(fd);
		}
		assertThat(StandIn.last(xs, "libxl_domain_suspend")).isEqualTo("domid=7 flags=3");
		byte[] bytes = Files.readAllBytes(image);
		String header = "XSO-STANDIN-SAVE 1 g7 131072 1\nbody 10000\n";
		assertThat(new String(bytes, 0, header.length(), StandardCharsets.US_ASCII)).isEqualTo(header);
		assertThat(bytes).hasSize(header.length() + 10000);
		for (int i = 0; i < 10000; i++) {
			assertThat(bytes[header.length() + i]).isEqualTo((byte) ((i * 31 + 7) & 0xff));
		}
		assertThat(LibxlNative.domainInfo(ctx, 7)[LibxlNative.DOMINFO_SHUTDOWN_REASON])
			.isEqualTo(LibxlNative.SHUTDOWN_REASON_SUSPEND);
		LibxlNative.domainResume(ctx, 7, true);
		assertThat(StandIn.last(xs, "libxl_domain_resume")).isEqualTo("domid=7 suspend_cancel=1");
	}

	@Test
	void reportsABadFileDescriptorAsAnErrno(@TempDir Path dir) {
		assertThatThrownBy(() -> LibxlNative.open(dir.resolve("missing/x"), false))
			.hasMessageContaining("failed (errno 2)");
		assertThatThrownBy(() -> LibxlNative.close(-1)).hasMessage("close failed (errno 9)");
	}

	@Test
	void restoresADomainFromAnImageAndItsConfiguration(@TempDir Path dir) {
		StandIn.domain(xs, 8, "g8", 131072, 2);
		StandIn.vbd(xs, 8, "xvda", 51712, 2048);
		String json = LibxlNative.retrieveDomainConfiguration(ctx, 8);
		assertThat(json).contains("\"name\":\"g8\"").contains("\"max_vcpus\":2");
		Path image = saveImage(ctx, 8, dir);
		LibxlNative.domainDestroy(ctx, 8);
		int in = LibxlNative.open(image, false);
		int domid = LibxlNative.domainCreateRestore(ctx, json, 9, in);
		LibxlNative.close(in);
		assertThat(domid).isEqualTo(9);
		assertThat(StandIn.last(xs, "libxl_domain_create_restore"))
			.isEqualTo("domid=9 name=g8 fd-valid=1 send_back_fd=-1");
		assertThat(LibxlNative.domidToName(ctx, 9)).isEqualTo("g8");
		assertThat(LibxlNative.deviceDiskList(ctx, 9)).containsExactly("xvda", "0", "/dev/vg0/xvda-8", "w");
		assertThatThrownBy(() -> LibxlNative.domainCreateRestore(ctx, "{}", 10, -1))
			.hasMessage("libxl_domain_create_restore failed (ERROR_INVAL)");
	}

	@Test
	void refusesToRestoreUnderANameAnotherDomainHasAsLibxlDoes(@TempDir Path dir) {
		StandIn.domain(xs, 16, "g16", 131072, 1);
		StandIn.vbd(xs, 16, "xvda", 51712, 2048);
		String json = LibxlNative.retrieveDomainConfiguration(ctx, 16);
		Path image = saveImage(ctx, 16, dir);
		// dom16 still exists (suspended in place, not destroyed) and has the name
		int in = LibxlNative.open(image, false);
		try {
			assertThatThrownBy(() -> LibxlNative.domainCreateRestore(ctx, json, 17, in))
				.hasMessage("libxl_domain_create_restore failed (ERROR_INVAL)");
		}
		finally {
			LibxlNative.close(in);
		}
		assertThat(log.lastError()).isEqualTo("libxl: domain with name \"g16\" already exists.");
		assertThat(LibxlNative.domainInfo(ctx, 17)).isNull();
		assertThat(LibxlNative.domidToName(ctx, 16)).isEqualTo("g16");
	}

	@Test
	void forwardsLogLinesFromThreadsTheJvmHasNeverSeen(@TempDir Path dir) {
		ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
			.getLogger("libxl-foreign-thread-test");
		ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines = new ch.qos.logback.core.read.ListAppender<>();
		lines.start();
		logger.addAppender(lines);
		long own = LibxlNative.ctxAlloc(new LibxlLog(logger));
		try {
			StandIn.domain(xs, 14, "g14", 131072, 1);
			StandIn.vbd(xs, 14, "xvda", 51712, 2048);
			String json = LibxlNative.retrieveDomainConfiguration(own, 14);
			Path image = saveImage(own, 14, dir);
			LibxlNative.domainDestroy(own, 14);
			int in = LibxlNative.open(image, false);
			LibxlNative.domainCreateRestore(own, json, 15, in);
			LibxlNative.close(in);
			LibxlNative.domainUnpause(own, 15);
			org.awaitility.Awaitility.await()
				.atMost(Duration.ofSeconds(60))
				.until(() -> lines.list.stream()
					.anyMatch(e -> e.getFormattedMessage().equals("libxl: domain 15: frontends reconnecting")));
			ch.qos.logback.classic.spi.ILoggingEvent line = lines.list.stream()
				.filter(e -> e.getFormattedMessage().endsWith("frontends reconnecting"))
				.findFirst()
				.orElseThrow();
			assertThat(line.getThreadName()).isNotEqualTo(Thread.currentThread().getName());
			assertThat(line.getLevel()).isEqualTo(ch.qos.logback.classic.Level.INFO);
			assertThat(lines.list).anyMatch(e -> e.getFormattedMessage().equals("libxl: domain 14 saved (65536 bytes of memory)"));
		}
		finally {
			LibxlNative.ctxFree(own);
			logger.detachAppender(lines);
		}
	}

	@Test
	void listsDisksAndNicsAsStrings() {
		StandIn.domain(xs, 11, "g11", 131072, 1);
		StandIn.vbd(xs, 11, "xvdb", 51728, 4096);
		StandIn.vif(xs, 11, 0, "00:16:3e:0a:0b:ff");
		assertThat(LibxlNative.deviceDiskList(ctx, 11)).containsExactly("xvdb", "0", "/dev/vg0/xvdb-11", "w");
		assertThat(LibxlNative.deviceNicList(ctx, 11)).containsExactly("0", "0", "00:16:3e:0a:0b:ff", "xenbr0");
		assertThat(LibxlNative.deviceNicList(ctx, 12)).isEmpty();
	}

	@Test
	void passesXenstoreValuesByteForByte() {
		String value = "caf\u00e9 \u2603 line\nnext";
		xs.write("/test/bytes/a", value);
		LibxlNative.xsWrite(rawXs(), LibxlNative.XBT_NULL, "/test/bytes/zero", new byte[] { 0, 1, (byte) 0xff, 0 });
		assertThat(xs.read("/test/bytes/a")).contains(value);
		assertThat(LibxlNative.xsRead(rawXs(), LibxlNative.XBT_NULL, "/test/bytes/zero"))
			.containsExactly(0, 1, 0xff, 0);
		assertThat(xs.directory("/test/bytes")).containsExactlyInAnyOrder("a", "zero");
		assertThat(xs.read("/test/bytes/none")).isEmpty();
		assertThat(xs.rm("/test/bytes")).isTrue();
		assertThat(xs.directory("/test/bytes")).isEmpty();
		assertThat(xs.rm("/test/bytes")).isFalse();
	}

	/** A second, raw handle, to pass bytes that are not UTF-8. */
	private long rawXs() {
		if (raw == 0) {
			raw = LibxlNative.xsOpen(0);
		}
		return raw;
	}

	private long raw;

	@AfterEach
	void closeRaw() {
		if (raw != 0) {
			LibxlNative.xsClose(raw);
		}
	}

	@Test
	void readsPermissionsOwnerFirst() {
		StandIn.domain(xs, 16, "g16", 131072, 1);
		StandIn.vbd(xs, 16, "xvda", 51712, 2048);
		assertThat(LibxlNative.xsGetPermissions(rawXs(), LibxlNative.XBT_NULL, "/local/domain/16/device/vbd/51712"))
			.containsExactly(16, 0, 0, 1);
		assertThat(xs.permissions("/local/domain/0/backend/vbd/16/51712/state")).isEqualTo("n0,r16");
		assertThat(xs.permissions("/local/domain/16/device/vbd/51712/state")).isEqualTo("n16,r0");
		assertThat(LibxlNative.xsGetPermissions(rawXs(), LibxlNative.XBT_NULL, "/local/domain/16/none")).isNull();
	}

	@Test
	void firesAWatchOnRegistrationAndOnChangeWithItsToken() {
		xs.watch("/test/watched", "tok-1");
		assertThat(xs.readWatch(Duration.ofSeconds(60))).contains(new XsHandle.WatchEvent("/test/watched", "tok-1"));
		xs.write("/test/watched/state", "4");
		assertThat(xs.readWatch(Duration.ofSeconds(60)))
			.contains(new XsHandle.WatchEvent("/test/watched/state", "tok-1"));
		xs.write("/test/elsewhere", "1");
		assertThat(xs.readWatch(Duration.ofMillis(50))).isEmpty();
		xs.unwatch("/test/watched", "tok-1");
		xs.write("/test/watched/state", "5");
		assertThat(xs.readWatch(Duration.ofMillis(50))).isEmpty();
	}

	@Test
	void retriesATransactionThatMeetsAConflictAndAppliesItOnce() {
		xs.write("/standin/xs-conflicts", "2");
		int[] runs = { 0 };
		XsHandle.Committed<String> c = xs.transaction(t -> {
			runs[0]++;
			xs.write(t, "/test/tx/ring-ref", "8");
			xs.write(t, "/test/tx/event-channel", "12");
			return xs.read(t, "/test/tx/ring-ref").orElseThrow();
		});
		assertThat(c.result()).isEqualTo("8");
		assertThat(c.retries()).isEqualTo(2);
		assertThat(runs[0]).isEqualTo(3);
		assertThat(xs.read("/test/tx/event-channel")).contains("12");
	}

	@Test
	void abortsATransactionWhoseBodyFails() {
		assertThatThrownBy(() -> xs.transaction(t -> {
			xs.write(t, "/test/aborted/key", "1");
			throw new IllegalStateException("body failed");
		})).hasMessage("body failed");
		assertThat(xs.read("/test/aborted/key")).isEmpty();
	}

	/** Suspends {@code domid} into a save image file in {@code dir} (as libxl_domain_suspend writes it). */
	private static Path saveImage(long ctx, int domid, Path dir) {
		Path image = dir.resolve("g" + domid + ".save");
		int out = LibxlNative.open(image, true);
		LibxlNative.domainSuspend(ctx, domid, out, 0);
		LibxlNative.close(out);
		return image;
	}

}
