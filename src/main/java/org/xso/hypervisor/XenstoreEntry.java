package org.xso.hypervisor;

/** One node of the xenstore as {@code xenstore-ls -f -p} shows it. */
public record XenstoreEntry(String path, String value, String permissions) {
}
