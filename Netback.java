package org.xso.hypervisor.sim;
class Netback implements BackendBus.BackendDriver { Netback(SimHost h, org.xso.xen.DomId d, org.xso.hypervisor.DeviceId id, String dir){} public void remove(){} public java.util.concurrent.CompletableFuture<Void> removed(){return null;} }
