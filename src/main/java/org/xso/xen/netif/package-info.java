/**
 * The network split-driver protocol ({@code xen/include/public/io/netif.h}): transmit and
 * receive ring entries and their flags and status codes.
 */
@NullMarked
package org.xso.xen.netif;

import org.jspecify.annotations.NullMarked;
