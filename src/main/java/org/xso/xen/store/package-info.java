/**
 * A simulated xenstored: the hierarchical key/value store through which toolstack, frontends and
 * backends negotiate split-driver connections. Paths, relative-path resolution, watches,
 * transactions with per-node generation checks, permissions and the {@code xs_wire.h} constants
 * follow the real daemon; see {@link org.xso.xen.store.Xenstore}.
 */
@NullMarked
package org.xso.xen.store;

import org.jspecify.annotations.NullMarked;
