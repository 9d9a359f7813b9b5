/**
 * The libxl adapter of the hypervisor port: drives a real Xen dom0 through libxl (libxenlight
 * 4.17) and libxenstore, via the JNI shim built from {@code src/main/c} by the {@code libxl} Maven
 * profile. Selected with {@code xso.hypervisor=libxl}; the native library is loaded from
 * {@code xso.libxl.library} only then. {@link org.xso.hypervisor.libxl.LibxlHypervisor} is the
 * only class that drives a domain; {@link org.xso.hypervisor.libxl.LibxlNative} is the only class
 * with native methods.
 */
@NullMarked
package org.xso.hypervisor.libxl;

import org.jspecify.annotations.NullMarked;
