/**
 * The fleet's hosts: which instance serves which hypervisor host, and whether it is alive. Depends
 * on the hypervisor port and the problem vocabulary only; the domain and operation modules route
 * by it.
 */
@NullMarked
package org.xso.host;

import org.jspecify.annotations.NullMarked;
