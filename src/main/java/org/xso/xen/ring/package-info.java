/**
 * Xen shared rings ({@code xen/include/public/io/ring.h}): the {@link SringLayout}
 * descriptor, {@link RingMemory}, the only class that orders accesses to the shared
 * pages, and the {@link FrontRing}/{@link BackRing} views that reproduce the ring macros.
 */
@NullMarked
package org.xso.xen.ring;

import org.jspecify.annotations.NullMarked;
