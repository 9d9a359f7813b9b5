/**
 * The block split-driver protocol ({@code xen/include/public/io/blkif.h}, x86_64 layout):
 * requests, responses and their ring entry layout.
 */
@NullMarked
package org.xso.xen.blkif;

import org.jspecify.annotations.NullMarked;
