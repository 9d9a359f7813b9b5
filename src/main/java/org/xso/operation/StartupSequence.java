package org.xso.operation;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.xso.domain.DemoGuests;
import org.xso.domain.DomainReconciler;

/**
 * At startup, in this order: recover the operations a stopped instance left, reconcile the domains
 * with the hypervisor (re-creating running guests it no longer knows), then create the demo guests
 * if they are enabled.
 */
@Component
@Order(0)
class StartupSequence implements ApplicationRunner {

	private final OperationRecovery recovery;

	private final DomainReconciler reconciler;

	private final DemoGuests demo;

	StartupSequence(OperationRecovery recovery, DomainReconciler reconciler, DemoGuests demo) {
		this.recovery = recovery;
		this.reconciler = reconciler;
		this.demo = demo;
	}

	@Override
	public void run(ApplicationArguments args) {
		recovery.recoverAtStartup();
		reconciler.reconcile();
		demo.seed();
	}

}
