/**
 * A guest's configuration as its users write it (a create request, a hot-plugged device) and read
 * it (a domain's devices, a checkpoint's saved configuration), and its translation to the
 * hypervisor port's specs, with every rule the contract states checked field by field.
 */
@NullMarked
package org.xso.config;

import org.jspecify.annotations.NullMarked;
