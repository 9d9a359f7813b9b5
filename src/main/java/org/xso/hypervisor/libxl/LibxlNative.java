package org.xso.hypervisor.libxl;

import java.nio.file.Files;
import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * The JNI bindings (src/main/c/xso_libxl.c) in netty's shape: private {@code *0} natives that
 * return 0 or a negative code (a libxl {@code ERROR_*} value, or {@code -errno} for xenstore and
 * file calls), and package-private wrappers that turn a negative code into a
 * {@link org.xso.hypervisor.HypervisorException} through {@link LibxlError}. Values come back as
 * arrays; calls that return one report their code through an {@code int[1]}.
 *
 * <p>
 * This class is a binding table (one wrapper and one native per bound call, and the record layouts),
 * which is why it runs past the usual 300 lines.
 *
 * <p>
 * IMPORTANT: the natives must stay consistent with the method table in xso_libxl.c, and
 * {@link #DOMINFO_STRIDE}, {@link #DISK_STRIDE}, {@link #NIC_STRIDE} with the C records.
 */
final class LibxlNative {

	/** The shim's ABI version ({@code XSO_ABI_VERSION}). */
	static final int ABI_VERSION = 1;

	/** One domain in a {@code long[]} of {@link #listDomain}: domid, flags, shutdown reason, ... */
	static final int DOMINFO_STRIDE = 8;

	static final int DOMINFO_DOMID = 0;

	static final int DOMINFO_FLAGS = 1;

	static final int DOMINFO_SHUTDOWN_REASON = 2;

	static final int DOMINFO_CURRENT_MEMKB = 3;

	static final int DOMINFO_MAX_MEMKB = 4;

	static final int DOMINFO_VCPU_ONLINE = 5;

	static final int DOMINFO_DOMAIN_TYPE = 6;

	static final int DOMINFO_CPU_TIME = 7;

	/** Bits of {@link #DOMINFO_FLAGS}. */
	static final long FLAG_RUNNING = 1;

	static final long FLAG_BLOCKED = 2;

	static final long FLAG_PAUSED = 4;

	static final long FLAG_SHUTDOWN = 8;

	static final long FLAG_DYING = 16;

	/** libxl_shutdown_reason: suspend. */
	static final int SHUTDOWN_REASON_SUSPEND = 2;

	/** One disk of {@link #deviceDiskList}: vdev, backend domid, pdev_path, mode. */
	static final int DISK_STRIDE = 4;

	/** One nic of {@link #deviceNicList}: devid, backend domid, mac, bridge. */
	static final int NIC_STRIDE = 4;

	/** libxl.h {@code LIBXL_SUSPEND_DEBUG} and {@code LIBXL_SUSPEND_LIVE}. */
	static final int LIBXL_SUSPEND_DEBUG = 1;

	static final int LIBXL_SUSPEND_LIVE = 2;

	/** xenstore.h {@code XBT_NULL}: no transaction. */
	static final int XBT_NULL = 0;

	/** xs_open's flag (xenstore.h): connect through xenstored's socket only, never the kernel's xenbus device. */
	static final int XS_OPEN_SOCKETONLY = 1 << 1;

	private static volatile @Nullable Path loaded;

	private LibxlNative() {
	}

	/**
	 * Loads the shim from {@code library} once per JVM.
	 * @throws LibxlUnavailableException if the file is missing or does not link (for example
	 * libxenlight is not installed)
	 */
	static synchronized void load(Path library) {
		if (loaded != null) {
			if (!loaded.equals(library.toAbsolutePath())) {
				throw new LibxlUnavailableException("the libxl shim is already loaded from " + loaded
						+ "; one JVM loads one shim (" + library + " was asked for)");
			}
			return;
		}
		if (!Files.isRegularFile(library)) {
			throw new LibxlUnavailableException("the libxl shim " + library
					+ " does not exist: build it with ./mvnw -Plibxl package and point xso.libxl.library at it");
		}
		try {
			System.load(library.toAbsolutePath().toString());
		}
		catch (UnsatisfiedLinkError e) {
			throw new LibxlUnavailableException("the libxl shim " + library + " does not load: " + e.getMessage(), e);
		}
		int abi = abiVersion0();
		if (abi != ABI_VERSION) {
			throw new LibxlUnavailableException(
					"the libxl shim " + library + " has ABI " + abi + ", this build needs " + ABI_VERSION);
		}
		loaded = library.toAbsolutePath();
	}

	static boolean isLoaded() {
		return loaded != null;
	}

	// --- libxl -------------------------------------------------------------------------------

	/** A libxl context whose log lines go to {@code log}; its handle. */
	static long ctxAlloc(LibxlLog log) {
		long h = ctxAlloc0(log);
		if (h <= 0) {
			throw LibxlError.exception("libxl_ctx_alloc", (int) h, log.lastError());
		}
		return h;
	}

	static void ctxFree(long ctx) {
		check("libxl_ctx_free", ctxFree0(ctx));
	}

	/** All domains, {@link #DOMINFO_STRIDE} longs each. */
	static long[] listDomain(long ctx) {
		int[] rc = new int[1];
		long[] out = listDomain0(ctx, rc);
		check("libxl_list_domain", rc[0]);
		return out == null ? new long[0] : out;
	}

	/** One domain's record, or null when libxl reports ERROR_DOMAIN_NOTFOUND. */
	static long @Nullable [] domainInfo(long ctx, int domid) {
		int[] rc = new int[1];
		long[] out = domainInfo0(ctx, domid, rc);
		if (rc[0] == LibxlError.ERROR_DOMAIN_NOTFOUND.code()) {
			return null;
		}
		check("libxl_domain_info", rc[0]);
		return out;
	}

	static @Nullable String domidToName(long ctx, int domid) {
		return domidToName0(ctx, domid);
	}

	static void domainPause(long ctx, int domid) {
		check("libxl_domain_pause", domainPause0(ctx, domid));
	}

	static void domainUnpause(long ctx, int domid) {
		check("libxl_domain_unpause", domainUnpause0(ctx, domid));
	}

	/** Suspends the domain and writes its save image to {@code fd} ({@code LIBXL_SUSPEND_*} flags). */
	static void domainSuspend(long ctx, int domid, int fd, int flags) {
		check("libxl_domain_suspend", domainSuspend0(ctx, domid, fd, flags));
	}

	/** Suspends the domain in place, writing no image. */
	static void domainSuspendOnly(long ctx, int domid) {
		check("libxl_domain_suspend_only", domainSuspendOnly0(ctx, domid));
	}

	/** Resumes a suspended domain; {@code suspendCancel} continues it in the same domain. */
	static void domainResume(long ctx, int domid, boolean suspendCancel) {
		check("libxl_domain_resume", domainResume0(ctx, domid, suspendCancel));
	}

	static void domainDestroy(long ctx, int domid) {
		check("libxl_domain_destroy", domainDestroy0(ctx, domid));
	}

	/** The domain's configuration as libxl JSON. */
	static String retrieveDomainConfiguration(long ctx, int domid) {
		int[] rc = new int[1];
		String json = retrieveDomainConfiguration0(ctx, domid, rc);
		check("libxl_retrieve_domain_configuration", rc[0]);
		if (json == null) {
			throw LibxlError.exception("libxl_domain_config_to_json", LibxlError.ERROR_NOMEM.code(), null);
		}
		return json;
	}

	/**
	 * Restores a domain from the save image on {@code restoreFd} with {@code configJson}; it stays
	 * paused. {@code domid} -1 lets libxl choose. The new domain's id.
	 */
	static int domainCreateRestore(long ctx, String configJson, int domid, int restoreFd) {
		int[] out = { -1 };
		check("libxl_domain_create_restore", domainCreateRestore0(ctx, configJson, domid, restoreFd, out));
		return out[0];
	}

	/** The domain's disks, {@link #DISK_STRIDE} strings each. */
	static @Nullable String[] deviceDiskList(long ctx, int domid) {
		int[] rc = new int[1];
		String[] out = deviceDiskList0(ctx, domid, rc);
		check("libxl_device_disk_list", rc[0]);
		return out == null ? new String[0] : out;
	}

	/** The domain's nics, {@link #NIC_STRIDE} strings each. */
	static @Nullable String[] deviceNicList(long ctx, int domid) {
		int[] rc = new int[1];
		String[] out = deviceNicList0(ctx, domid, rc);
		check("libxl_device_nic_list", rc[0]);
		return out == null ? new String[0] : out;
	}

	// --- files -------------------------------------------------------------------------------

	/** Opens {@code path} for libxl: created 0600 and truncated to write, or read-only. */
	static int open(Path path, boolean write) {
		int fd = open0(path.toString(), write);
		if (fd < 0) {
			throw LibxlError.errno("open " + path, fd);
		}
		return fd;
	}

	static void close(int fd) {
		int rc = close0(fd);
		if (rc < 0) {
			throw LibxlError.errno("close", rc);
		}
	}

	// --- xenstore ----------------------------------------------------------------------------

	static long xsOpen(int flags) {
		long h = xsOpen0(flags);
		if (h <= 0) {
			throw LibxlError.errno("xs_open", (int) h);
		}
		return h;
	}

	static void xsClose(long xs) {
		xsClose0(xs);
	}

	/** The value at {@code path}, or null if there is none (ENOENT). */
	static byte @Nullable [] xsRead(long xs, int t, String path) {
		int[] rc = new int[1];
		byte[] v = xsRead0(xs, t, path, rc);
		if (rc[0] == -LibxlError.ENOENT) {
			return null;
		}
		if (rc[0] < 0) {
			throw LibxlError.errno("xs_read " + path, rc[0]);
		}
		return v;
	}

	static void xsWrite(long xs, int t, String path, byte[] value) {
		int rc = xsWrite0(xs, t, path, value);
		if (rc < 0) {
			throw LibxlError.errno("xs_write " + path, rc);
		}
	}

	/** Removes {@code path} and everything under it; false if it did not exist. */
	static boolean xsRm(long xs, int t, String path) {
		int rc = xsRm0(xs, t, path);
		if (rc == -LibxlError.ENOENT) {
			return false;
		}
		if (rc < 0) {
			throw LibxlError.errno("xs_rm " + path, rc);
		}
		return true;
	}

	/** The children of {@code path}, or null if it does not exist. */
	static String @Nullable [] xsDirectory(long xs, int t, String path) {
		int[] rc = new int[1];
		String[] names = xsDirectory0(xs, t, path, rc);
		if (rc[0] == -LibxlError.ENOENT) {
			return null;
		}
		if (rc[0] < 0) {
			throw LibxlError.errno("xs_directory " + path, rc[0]);
		}
		return names;
	}

	/** The node's permissions, {id, XS_PERM_* bits} pairs with the owner first; null if it does not exist. */
	static int @Nullable [] xsGetPermissions(long xs, int t, String path) {
		int[] rc = new int[1];
		int[] perms = xsGetPermissions0(xs, t, path, rc);
		if (rc[0] == -LibxlError.ENOENT) {
			return null;
		}
		if (rc[0] < 0) {
			throw LibxlError.errno("xs_get_permissions " + path, rc[0]);
		}
		return perms;
	}

	static void xsWatch(long xs, String path, String token) {
		int rc = xsWatch0(xs, path, token, true);
		if (rc < 0) {
			throw LibxlError.errno("xs_watch " + path, rc);
		}
	}

	static void xsUnwatch(long xs, String path, String token) {
		int rc = xsWatch0(xs, path, token, false);
		if (rc < 0 && rc != -LibxlError.ENOENT) {
			throw LibxlError.errno("xs_unwatch " + path, rc);
		}
	}

	/** The next watch event {path, token}, waiting up to {@code timeoutMs}; null if none came. */
	static String @Nullable [] xsReadWatch(long xs, int timeoutMs) {
		int[] rc = new int[1];
		String[] event = xsReadWatch0(xs, timeoutMs, rc);
		if (rc[0] == -LibxlError.ETIMEDOUT) {
			return null;
		}
		if (rc[0] < 0) {
			throw LibxlError.errno("xs_check_watch", rc[0]);
		}
		return event;
	}

	static int xsTransactionStart(long xs) {
		long t = xsTransactionStart0(xs);
		if (t <= 0) {
			throw LibxlError.errno("xs_transaction_start", (int) t);
		}
		return (int) t;
	}

	/** Commits or aborts; false if a commit met a conflict (EAGAIN) and must be retried. */
	static boolean xsTransactionEnd(long xs, int t, boolean abort) {
		int rc = xsTransactionEnd0(xs, t, abort);
		if (rc == -LibxlError.EAGAIN) {
			return false;
		}
		if (rc < 0) {
			throw LibxlError.errno("xs_transaction_end", rc);
		}
		return true;
	}

	private static void check(String call, int rc) {
		if (rc != 0) {
			throw LibxlError.exception(call, rc, null);
		}
	}

	// --- natives (IMPORTANT: consistent with xso_methods in xso_libxl.c) ----------------------

	private static native int abiVersion0();

	private static native long ctxAlloc0(LibxlLog log);

	private static native int ctxFree0(long ctx);

	private static native long[] listDomain0(long ctx, int[] rc);

	private static native long[] domainInfo0(long ctx, int domid, int[] rc);

	private static native String domidToName0(long ctx, int domid);

	private static native int domainPause0(long ctx, int domid);

	private static native int domainUnpause0(long ctx, int domid);

	private static native int domainSuspend0(long ctx, int domid, int fd, int flags);

	private static native int domainSuspendOnly0(long ctx, int domid);

	private static native int domainResume0(long ctx, int domid, boolean suspendCancel);

	private static native int domainDestroy0(long ctx, int domid);

	private static native String retrieveDomainConfiguration0(long ctx, int domid, int[] rc);

	private static native int domainCreateRestore0(long ctx, String configJson, int domid, int restoreFd,
			int[] domidOut);

	private static native String[] deviceDiskList0(long ctx, int domid, int[] rc);

	private static native String[] deviceNicList0(long ctx, int domid, int[] rc);

	private static native int open0(String path, boolean write);

	private static native int close0(int fd);

	private static native long xsOpen0(int flags);

	private static native void xsClose0(long xs);

	private static native byte[] xsRead0(long xs, int t, String path, int[] rc);

	private static native int xsWrite0(long xs, int t, String path, byte[] value);

	private static native int xsRm0(long xs, int t, String path);

	private static native String[] xsDirectory0(long xs, int t, String path, int[] rc);

	private static native int[] xsGetPermissions0(long xs, int t, String path, int[] rc);

	private static native int xsWatch0(long xs, String path, String token, boolean add);

	private static native String[] xsReadWatch0(long xs, int timeoutMs, int[] rc);

	private static native long xsTransactionStart0(long xs);

	private static native int xsTransactionEnd0(long xs, int t, boolean abort);

}
