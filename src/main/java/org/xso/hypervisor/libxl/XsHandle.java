package org.xso.hypervisor.libxl;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

import org.jspecify.annotations.Nullable;
import org.xso.hypervisor.XenstoreEntry;

/**
 * A connection to xenstored ({@code struct xs_handle}) through the shim. libxenstore is
 * thread-safe; watch events are read by one thread at a time ({@link #readWatch}). Values are
 * strings in UTF-8, as the xenstore protocol's are.
 */
final class XsHandle implements AutoCloseable {

	private static final int MAX_RETRIES = 16;

	private final long xs;

	private XsHandle(long xs) {
		this.xs = xs;
	}

	static XsHandle open() {
		return open(0);
	}

	/** With {@code xs_open}'s flags ({@link LibxlNative#XS_OPEN_SOCKETONLY}). */
	static XsHandle open(int flags) {
		return new XsHandle(LibxlNative.xsOpen(flags));
	}

	Optional<String> read(String path) {
		byte[] v = LibxlNative.xsRead(xs, LibxlNative.XBT_NULL, path);
		return v == null ? Optional.empty() : Optional.of(new String(v, StandardCharsets.UTF_8));
	}

	Optional<String> read(int t, String path) {
		byte[] v = LibxlNative.xsRead(xs, t, path);
		return v == null ? Optional.empty() : Optional.of(new String(v, StandardCharsets.UTF_8));
	}

	void write(String path, String value) {
		LibxlNative.xsWrite(xs, LibxlNative.XBT_NULL, path, value.getBytes(StandardCharsets.UTF_8));
	}

	void write(int t, String path, String value) {
		LibxlNative.xsWrite(xs, t, path, value.getBytes(StandardCharsets.UTF_8));
	}

	boolean rm(String path) {
		return LibxlNative.xsRm(xs, LibxlNative.XBT_NULL, path);
	}

	/** The children of {@code path}; empty if it does not exist. */
	List<String> directory(String path) {
		String[] names = LibxlNative.xsDirectory(xs, LibxlNative.XBT_NULL, path);
		return names == null ? List.of() : List.of(names);
	}

	void watch(String path, String token) {
		LibxlNative.xsWatch(xs, path, token);
	}

	void unwatch(String path, String token) {
		LibxlNative.xsUnwatch(xs, path, token);
	}

	/** A watch event, or empty if none arrived within {@code timeout}. */
	Optional<WatchEvent> readWatch(Duration timeout) {
		int ms = (int) Math.min(Integer.MAX_VALUE, Math.max(0, timeout.toMillis()));
		String @Nullable [] e = LibxlNative.xsReadWatch(xs, ms);
		return e == null ? Optional.empty() : Optional.of(new WatchEvent(e[0], e[1]));
	}

	/**
	 * Runs {@code body} in a transaction and commits it, running it again from the start when the
	 * commit meets a conflict (EAGAIN), as every xenbus driver does.
	 * @return the body's result and how many commits were retried
	 */
	<T> Committed<T> transaction(IntFunction<T> body) {
		for (int attempt = 0;; attempt++) {
			int t = LibxlNative.xsTransactionStart(xs);
			T result;
			try {
				result = body.apply(t);
			}
			catch (RuntimeException e) {
				LibxlNative.xsTransactionEnd(xs, t, true);
				throw e;
			}
			if (LibxlNative.xsTransactionEnd(xs, t, false)) {
				return new Committed<>(result, attempt);
			}
			if (attempt == MAX_RETRIES) {
				throw LibxlError.errno("xs_transaction_end (" + MAX_RETRIES + " retries)", -LibxlError.EAGAIN);
			}
		}
	}

	/** Every node under {@code path}, depth first, like {@code xenstore-ls -f}. */
	List<XenstoreEntry> entries(String path) {
		List<XenstoreEntry> out = new ArrayList<>();
		collect(path, out);
		return out;
	}

	private void collect(String path, List<XenstoreEntry> out) {
		Optional<String> value = read(path);
		List<String> children = directory(path);
		if (value.isEmpty() && children.isEmpty()) {
			return;
		}
		out.add(new XenstoreEntry(path, value.orElse(""), permissions(path)));
		String base = path.endsWith("/") ? path : path + "/";
		for (String child : children) {
			collect(base + child, out);
		}
	}

	/**
	 * The node's permissions as {@code xenstore-ls -p} spells them: the owner first, then each
	 * domain's access, n (none), r, w or b (both), for example {@code n5,r0}.
	 */
	String permissions(String path) {
		int[] perms = LibxlNative.xsGetPermissions(xs, LibxlNative.XBT_NULL, path);
		StringBuilder b = new StringBuilder();
		for (int i = 0; perms != null && i + 1 < perms.length; i += 2) {
			b.append(b.length() == 0 ? "" : ",").append("nrwb".charAt(perms[i + 1] & 3)).append(perms[i]);
		}
		return b.toString();
	}

	@Override
	public void close() {
		LibxlNative.xsClose(xs);
	}

	/** A fired watch: the path that changed and the watch's token. */
	record WatchEvent(String path, String token) {
	}

	/** A committed transaction's result and its retries. */
	record Committed<T>(T result, int retries) {
	}

}
