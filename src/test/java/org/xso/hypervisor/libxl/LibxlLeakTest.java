package org.xso.hypervisor.libxl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * 10,000 calls of every binding, success and failure paths, leave no native memory behind: the
 * stand-in counts what it and the shim allocate (the test build of the shim is linked with
 * --wrap=malloc,calloc,realloc,free) and the count must come back to where it started. The
 * process's resident set is recorded before and after as a second, coarser witness (the libxl
 * profile runs the tests with a fixed, pre-touched heap, so heap growth does not hide in it).
 */
@Tag("libxl")
class LibxlLeakTest {

	private static final int CALLS = 10_000;

	private static final int WARM_UP = 1_000;

	@TempDir
	Path dir;

	private XsHandle xs;

	private long ctx;

	private final Map<String, Long> outstandingAfter = new LinkedHashMap<>();

	@BeforeAll
	static void load() {
		StandIn.load();
	}

	@BeforeEach
	void open() {
		xs = XsHandle.open();
		xs.write("/standin/reset", "1");
		ctx = LibxlNative.ctxAlloc(quiet());
		StandIn.domain(xs, 2, "leak-2", 131072, 2);
		StandIn.vbd(xs, 2, "xvda", 51712, 2048);
		StandIn.vif(xs, 2, 0, "00:16:3e:00:00:02");
		xs.write("/standin/image-bytes", "256");
	}

	@AfterEach
	void close() {
		LibxlNative.ctxFree(ctx);
		xs.close();
	}

	@Test
	void tenThousandCallsOfEveryBindingLeaveNoNativeMemoryBehind() throws IOException {
		Map<String, Runnable> bindings = bindings();
		for (int i = 0; i < WARM_UP; i++) {
			bindings.values().forEach(Runnable::run); // class loading, JIT, first-time buffers
		}
		System.gc();
		long rssBefore = rssKb();
		long baseline = StandIn.outstanding(xs);
		Map<String, Long> microsPerCall = new LinkedHashMap<>();
		Map<String, Long> rssKbAfter = new LinkedHashMap<>();
		for (Map.Entry<String, Runnable> b : bindings.entrySet()) {
			long start = System.nanoTime();
			for (int i = 0; i < CALLS; i++) {
				b.getValue().run();
			}
			microsPerCall.put(b.getKey(), (System.nanoTime() - start) / 1000 / CALLS);
			outstandingAfter.put(b.getKey(), StandIn.outstanding(xs) - baseline);
			rssKbAfter.put(b.getKey(), rssKb());
		}
		System.out.printf("libxl leak test: microseconds per call (stand-in, with assertions) %s%n", microsPerCall);
		System.out.printf("libxl leak test: VmRSS kB after each binding %s%n", rssKbAfter);
		System.gc();
		long rssAfter = rssKb();
		System.out.printf("libxl leak test: %d bindings x %d calls; native outstanding per binding %s; "
				+ "VmRSS %d kB -> %d kB (%+d kB)%n", bindings.size(), CALLS, outstandingAfter, rssBefore, rssAfter,
				rssAfter - rssBefore);
		assertThat(outstandingAfter).allSatisfy((name, n) -> assertThat(n).as(name).isZero());
		// the libxl profile pre-touches a fixed heap, so the resident set follows native memory
		assertThat(rssAfter - rssBefore).as("VmRSS growth in kB").isLessThan(8 * 1024);
	}

	@Test
	void theCountingAllocatorSeesALeak() {
		long before = StandIn.outstanding(xs);
		long leaked = LibxlNative.xsOpen(0); // a handle nobody closes yet
		assertThat(StandIn.outstanding(xs)).isEqualTo(before + 1);
		LibxlNative.xsClose(leaked);
		assertThat(StandIn.outstanding(xs)).isEqualTo(before);
	}

	private Map<String, Runnable> bindings() throws IOException {
		Path image = dir.resolve("leak.save");
		Path restoreImage = dir.resolve("restore.save");
		int fd = LibxlNative.open(restoreImage, true);
		LibxlNative.domainSuspend(ctx, 2, fd, 0);
		LibxlNative.close(fd);
		LibxlNative.domainResume(ctx, 2, true);
		// restored beside dom2, so under a name of its own: libxl refuses a second domain of one name
		String json = LibxlNative.retrieveDomainConfiguration(ctx, 2)
			.replace("\"name\":\"leak-2\"", "\"name\":\"leak-30\"");
		Files.writeString(dir.resolve("probe"), "x");
		Map<String, Runnable> b = new LinkedHashMap<>();
		b.put("ctx_alloc+free", () -> LibxlNative.ctxFree(LibxlNative.ctxAlloc(quiet())));
		b.put("list_domain", () -> assertThat(LibxlNative.listDomain(ctx)).hasSize(2 * LibxlNative.DOMINFO_STRIDE));
		b.put("domain_info", () -> assertThat(LibxlNative.domainInfo(ctx, 2)).isNotNull());
		b.put("domain_info notfound", () -> assertThat(LibxlNative.domainInfo(ctx, 50)).isNull());
		b.put("domid_to_name", () -> assertThat(LibxlNative.domidToName(ctx, 2)).isEqualTo("leak-2"));
		b.put("pause+unpause", () -> {
			LibxlNative.domainPause(ctx, 2);
			LibxlNative.domainUnpause(ctx, 2);
		});
		b.put("error+log", () -> {
			StandIn.fail(xs, "libxl_domain_pause", LibxlError.ERROR_GUEST_TIMEDOUT.code());
			assertThatThrownBy(() -> LibxlNative.domainPause(ctx, 2)).isInstanceOf(LibxlError.LibxlException.class);
		});
		b.put("suspend(fd)+resume", () -> {
			int out = LibxlNative.open(image, true);
			LibxlNative.domainSuspend(ctx, 2, out, LibxlNative.LIBXL_SUSPEND_LIVE);
			LibxlNative.close(out);
			LibxlNative.domainResume(ctx, 2, true);
		});
		b.put("suspend_only+resume", () -> {
			LibxlNative.domainSuspendOnly(ctx, 2);
			LibxlNative.domainResume(ctx, 2, true);
		});
		b.put("retrieve_domain_configuration", () -> LibxlNative.retrieveDomainConfiguration(ctx, 2));
		b.put("create_restore+destroy", () -> {
			int in = LibxlNative.open(restoreImage, false);
			int domid = LibxlNative.domainCreateRestore(ctx, json, 30, in);
			LibxlNative.close(in);
			LibxlNative.domainDestroy(ctx, domid);
		});
		b.put("device_disk_list", () -> assertThat(LibxlNative.deviceDiskList(ctx, 2)).hasSize(LibxlNative.DISK_STRIDE));
		b.put("device_nic_list", () -> assertThat(LibxlNative.deviceNicList(ctx, 2)).hasSize(LibxlNative.NIC_STRIDE));
		b.put("xs_write+read", () -> {
			xs.write("/leak/key", "value-\u00e9");
			assertThat(xs.read("/leak/key")).contains("value-\u00e9");
		});
		b.put("xs_read enoent", () -> assertThat(xs.read("/leak/none")).isEmpty());
		b.put("xs_directory", () -> assertThat(xs.directory("/local/domain/2/device")).hasSize(2));
		b.put("xs_get_permissions", () -> assertThat(xs.permissions("/local/domain/2/device/vbd/51712")).isEqualTo("n2,r0"));
		b.put("xs_rm", () -> {
			xs.write("/leak/gone/x", "1");
			xs.rm("/leak/gone");
		});
		b.put("xs_watch+event+unwatch", () -> {
			xs.watch("/leak/watched", "t");
			assertThat(xs.readWatch(Duration.ofSeconds(60))).isPresent();
			xs.unwatch("/leak/watched", "t");
		});
		b.put("xs_read_watch timeout", () -> assertThat(xs.readWatch(Duration.ZERO)).isEmpty());
		b.put("xs_transaction", () -> xs.transaction(t -> {
			xs.write(t, "/leak/tx", "1");
			return null;
		}));
		b.put("open+close", () -> LibxlNative.close(LibxlNative.open(dir.resolve("probe"), false)));
		return b;
	}

	/**
	 * A log that takes every line through the JNI callback and drops it: 10,000 error lines on the
	 * console would grow the resident set in the JVM's output path, not in native code.
	 */
	private static LibxlLog quiet() {
		return new LibxlLog(org.slf4j.helpers.NOPLogger.NOP_LOGGER);
	}

	/** The process's resident set size in kB, from /proc/self/status. */
	private static long rssKb() throws IOException {
		for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
			if (line.startsWith("VmRSS:")) {
				return Long.parseLong(line.replaceAll("[^0-9]", ""));
			}
		}
		throw new IllegalStateException("no VmRSS in /proc/self/status");
	}

}
