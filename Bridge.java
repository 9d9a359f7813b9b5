package org.xso.hypervisor.sim; final class Bridge {}
