package org.xso.xen.store;

import org.xso.xen.DomId;

/**
 * One committed change.
 *
 * @param seq position in commit order, increasing from 1, never reused (not even after
 * {@link Xenstore#clearHistory()})
 * @param nanoTime {@link System#nanoTime()} at commit
 * @param writer the domain whose connection made the change
 * @param op what changed
 * @param path the absolute path changed
 * @param value the value written for WRITE, the permissions' string form for SET_PERMS, and
 * {@code ""} for MKDIR and RM
 */
public record XsHistoryEntry(long seq, long nanoTime, DomId writer, XsOp op, String path, String value) {

}
