package org.xso.hypervisor.sim;
class NetWorkload { NetWorkload(SimGuest g, org.xso.hypervisor.DeviceId id){} void attach(Netfront f){} void stop(){} void freeze(boolean b){} boolean running(){return false;} void start(org.xso.hypervisor.WorkloadSpec s){}
 void writeTo(org.xso.hypervisor.CanonicalOutput o){} void readFrom(org.xso.hypervisor.CanonicalInput i){} }
