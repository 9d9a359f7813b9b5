package org.xso.hypervisor.sim;

/** Placeholder removed by the net-side change. */
final class Bridge {
}
