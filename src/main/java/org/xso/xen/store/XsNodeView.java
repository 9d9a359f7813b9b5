package org.xso.xen.store;

/** One node as {@code xenstore-ls -f -p} shows it: absolute path, value and permissions. */
public record XsNodeView(String path, String value, XsPermissions perms) {

}
