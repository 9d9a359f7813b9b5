package org.xso.xen.store;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * A requested change to the tree, on a resolved absolute path. Outside a transaction it is applied
 * at once; inside one it is applied to the transaction's copy and replayed on the store at commit.
 */
record Mutation(XsOp op, String path, String value, @Nullable XsPermissions perms) {

	/**
	 * A write of {@code value}; {@code requestedPath} is the path as sent, which shares the
	 * {@code XS_WRITE} payload with the value.
	 */
	static Mutation write(String requestedPath, String path, String value) {
		int payload = requestedPath.getBytes(StandardCharsets.UTF_8).length + 1
				+ value.getBytes(StandardCharsets.UTF_8).length;
		if (payload > XsWire.XENSTORE_PAYLOAD_MAX) {
			throw new XenstoreException(XenstoreException.E2BIG, path,
					"payload " + payload + " > " + XsWire.XENSTORE_PAYLOAD_MAX);
		}
		return new Mutation(XsOp.WRITE, path, value, null);
	}

	static Mutation mkdir(String path) {
		return new Mutation(XsOp.MKDIR, path, "", null);
	}

	static Mutation rm(String path) {
		return new Mutation(XsOp.RM, path, "", null);
	}

	static Mutation setPerms(String path, XsPermissions perms) {
		return new Mutation(XsOp.SET_PERMS, path, perms.toString(), perms);
	}

}
