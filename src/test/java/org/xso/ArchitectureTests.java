package org.xso;

import java.util.Set;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.AccessTarget;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.xso.checkpoint.CheckpointCatalog;
import org.xso.domain.DomainLeases;
import org.xso.domain.DomainLifecycle;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Guards the ports-and-adapters boundaries of design.md section 2: {@code xen} is a plain protocol
 * model that depends on nothing of ours and on no Spring; the features reach a hypervisor only
 * through the {@code hypervisor} port, never through an adapter.
 */
class ArchitectureTests {

	private static final JavaClasses CLASSES = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("org.xso");

	@Test
	void xenDependsOnNothingOfOursAndNoSpring() {
		noClasses().that()
			.resideInAPackage("org.xso.xen..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.xso.hypervisor..", "org.xso.domain..", "org.xso.checkpoint..",
					"org.xso.operation..", "org.xso.web..", "org.xso.problem..", "org.xso.events..", "org.xso.config..",
					"org.springframework..", "jakarta.persistence..")
			.allowEmptyShould(true)
			.check(CLASSES);
	}

	/**
	 * The audit trail's names reach the features as plain strings: its vocabulary depends on nothing
	 * of ours and on no framework (no request, no security context), so feature code that records a
	 * principal never reads one from the web layer.
	 */
	@Test
	void auditDependsOnNothingOfOursAndNoFramework() {
		noClasses().that()
			.resideInAPackage("org.xso.audit..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.xso.xen..", "org.xso.hypervisor..", "org.xso.domain..", "org.xso.checkpoint..",
					"org.xso.operation..", "org.xso.web..", "org.xso.persistence..", "org.springframework..",
					"jakarta..")
			.check(CLASSES);
	}

	@Test
	void featuresReachAdaptersOnlyThroughThePort() {
		noClasses().that()
			.resideOutsideOfPackages("org.xso.hypervisor..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.xso.hypervisor.sim..", "org.xso.hypervisor.libxl..")
			.allowEmptyShould(true)
			.check(CLASSES);
	}

	@Test
	void adaptersDoNotDependOnEachOther() {
		noClasses().that()
			.resideInAPackage("org.xso.hypervisor.sim..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("org.xso.hypervisor.libxl..")
			.allowEmptyShould(true)
			.check(CLASSES);
		noClasses().that()
			.resideInAPackage("org.xso.hypervisor.libxl..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("org.xso.hypervisor.sim..")
			.allowEmptyShould(true)
			.check(CLASSES);
	}

	@Test
	void onlyTheLibxlBindingsDeclareNativeMethods() {
		methods().that()
			.haveModifier(JavaModifier.NATIVE)
			.should()
			.beDeclaredInClassesThat()
			.haveFullyQualifiedName("org.xso.hypervisor.libxl.LibxlNative")
			.check(CLASSES);
	}

	@Test
	void theLibxlAdapterIsReachedOnlyThroughThePort() {
		classes().that()
			.resideInAPackage("org.xso.hypervisor.libxl..")
			.should()
			.notBePublic()
			.check(CLASSES);
		noClasses().that()
			.resideInAPackage("org.xso.hypervisor.libxl..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.xso.domain..", "org.xso.checkpoint..", "org.xso.operation..", "org.xso.web..")
			.check(CLASSES);
	}

	@Test
	void thePortDoesNotDependOnFeatures() {
		noClasses().that()
			.resideInAPackage("org.xso.hypervisor..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.xso.domain..", "org.xso.checkpoint..", "org.xso.operation..",
					"org.xso.web..")
			.allowEmptyShould(true)
			.check(CLASSES);
	}

	/**
	 * Domain code speaks the domain: no feature, nor the vocabulary the features share (problems,
	 * events, configuration), imports anything of the web layer. Only the web layer turns a problem
	 * into an HTTP status and an RFC 9457 document.
	 */
	@Test
	void noFeatureImportsWeb() {
		noClasses().that()
			.resideInAnyPackage("org.xso.domain..", "org.xso.checkpoint..", "org.xso.operation..", "org.xso.problem..",
					"org.xso.events..", "org.xso.config..", "org.xso.hypervisor..", "org.xso.persistence..",
					"org.xso.host..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("org.xso.web..")
			.check(CLASSES);
	}

	/**
	 * HTTP stays in the web layer: no feature depends on Spring MVC, the servlet API or HTTP status
	 * types, so a feature's outcome can be asked for by anything, not only a request.
	 */
	@Test
	void featuresKnowNoHttp() {
		noClasses().that()
			.resideInAnyPackage("org.xso.domain..", "org.xso.checkpoint..", "org.xso.operation..", "org.xso.problem..",
					"org.xso.events..", "org.xso.config..", "org.xso.host..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework.web..", "org.springframework.http..", "jakarta.servlet..")
			.check(CLASSES);
	}

	/** Every controller is part of the web layer. */
	@Test
	void controllersLiveInTheWebLayer() {
		classes().that()
			.areAnnotatedWith(org.springframework.web.bind.annotation.RestController.class)
			.or()
			.areAnnotatedWith(org.springframework.stereotype.Controller.class)
			.should()
			.resideInAnyPackage("org.xso.web..", "org.xso.security..")
			.check(CLASSES);
	}

	/**
	 * The web layer's shared part (problem rendering, paging, ETags, the event stream) depends on no
	 * feature; the features' controllers in its sub-packages do.
	 */
	@Test
	void webInfrastructureDependsOnNoFeature() {
		noClasses().that()
			.resideInAPackage("org.xso.web")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.xso.domain..", "org.xso.checkpoint..", "org.xso.operation..")
			.check(CLASSES);
	}

	/** The domain's problem vocabulary depends only on the hypervisor port it words. */
	@Test
	void problemsDependOnNoFeature() {
		noClasses().that()
			.resideInAnyPackage("org.xso.problem..", "org.xso.events..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.xso.domain..", "org.xso.checkpoint..", "org.xso.operation..",
					"org.xso.config..", "org.springframework..", "jakarta..")
			.check(CLASSES);
	}

	/**
	 * Modules react to each other's events: an operation publishes what it did to a guest
	 * ({@code OperationEvents}); the domain module alone moves the domain's state on, releases its
	 * lease and applies its retention, and the checkpoint module alone discards an abandoned
	 * checkpoint.
	 */
	@Test
	void operationsReportWhatHappenedInsteadOfChangingOtherModules() {
		noClasses().that()
			.resideInAPackage("org.xso.operation..")
			.should()
			.callMethodWhere(target("a domain state change, a lease release or a checkpoint deletion",
					m -> (m.getOwner().isEquivalentTo(DomainLifecycle.class)
							&& Set.of("suspended", "resumed", "faulted", "discardRestoring").contains(m.getName()))
							|| (m.getOwner().isEquivalentTo(DomainLeases.class) && m.getName().equals("releaseFor"))
							|| (m.getOwner().isEquivalentTo(CheckpointCatalog.class)
									&& Set.of("unpin", "delete", "enforceRetention").contains(m.getName()))))
			.check(CLASSES);
	}

	private static DescribedPredicate<JavaMethodCall> target(String description,
			java.util.function.Predicate<AccessTarget.CodeUnitCallTarget> test) {
		return DescribedPredicate.describe(description, call -> test.test(call.getTarget()));
	}

	/**
	 * The operation module is used through its API package ({@code Operations},
	 * {@code OperationQueries}, their commands and views); how operations are journalled, run,
	 * recovered and pruned is {@code operation.internal}, which nothing else reaches and which
	 * declares no public type.
	 */
	@Test
	void operationInternalsStayInternal() {
		noClasses().that()
			.resideOutsideOfPackage("org.xso.operation.internal..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("org.xso.operation.internal..")
			.check(CLASSES);
		classes().that()
			.resideInAPackage("org.xso.operation.internal..")
			.and()
			.areTopLevelClasses()
			.should()
			.notBePublic()
			.check(CLASSES);
	}

	/**
	 * The fleet's hosts are below the features: the domain, checkpoint and operation modules route
	 * by them, and they know none of those (nor the web layer); the notifications instances send each
	 * other are infrastructure every module may use and that uses none.
	 */
	@Test
	void hostsAndNotificationsDependOnNoFeature() {
		noClasses().that()
			.resideInAnyPackage("org.xso.host..", "org.xso.persistence..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.xso.domain..", "org.xso.checkpoint..", "org.xso.operation..", "org.xso.web..")
			.check(CLASSES);
	}

	@Test
	void checkpointsKnowDomainsOnlyById() {
		noClasses().that()
			.resideInAPackage("org.xso.checkpoint..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.xso.domain..", "org.xso.operation..")
			.check(CLASSES);
	}

	@Test
	void modulesFormNoCycles() {
		slices().matching("org.xso.(*)..").should().beFreeOfCycles().check(CLASSES);
	}

	@Test
	void controllersArePackagePrivate() {
		classes().that()
			.areAnnotatedWith(org.springframework.web.bind.annotation.RestController.class)
			.should()
			.notBePublic()
			.check(CLASSES);
	}

}
