package org.xso.operation.internal;

import java.util.List;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.xso.checkpoint.CheckpointStorage;
import org.xso.domain.DemoGuests;
import org.xso.domain.DomainReconciler;
import org.xso.host.HostRegistry;

/**
 * At startup, in this order: register the host this instance serves (taking the fleet's rows
 * recorded before hosts existed), decide the operations a stopped instance left and bring their guests
 * back, reconcile every other domain with the hypervisor (re-creating running guests it no longer
 * knows from their disks), release checkpoint storage no stored checkpoint references, run what
 * recovery requeued and what other instances assigned to this host, then create the demo guests if
 * they are enabled.
 */
@Component
@Order(0)
class StartupSequence implements ApplicationRunner {

	private final OperationRecovery recovery;

	private final DomainReconciler reconciler;

	private final DemoGuests demo;

	private final CheckpointStorage storage;

	private final HostRegistry hosts;

	private final HostQueue queue;

	StartupSequence(OperationRecovery recovery, DomainReconciler reconciler, CheckpointStorage storage,
			DemoGuests demo, HostRegistry hosts, HostQueue queue) {
		this.queue = queue;
		this.hosts = hosts;
		this.recovery = recovery;
		this.reconciler = reconciler;
		this.storage = storage;
		this.demo = demo;
	}

	@Override
	public void run(ApplicationArguments args) {
		hosts.register();
		List<OperationRecovery.ToRun> toRun = recovery.decideAtStartup();
		reconciler.reconcile();
		// every interrupted operation is decided and none runs yet: no save is in progress
		storage.collectUnreferenced();
		recovery.runAtStartup(toRun);
		// what other instances assigned to this host meanwhile (their notifications were ignored)
		queue.sweep();
		demo.seed();
	}

}
