package org.xso.xen.store;

import org.xso.xen.DomId;

/**
 * A change applied to a tree: what was done, by whom, and the roots before and after it (both
 * immutable), from which watch delivery decides who may learn about it.
 */
record Change(XsOp op, String path, String value, DomId writer, Node before, Node after) {

}
