package org.xso.xen.evtchn;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xso.xen.DomId;
import org.xso.xen.EvtchnPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class EventChannelsTests {

	private static final DomId FRONT = DomId.guest(4);

	private static final DomId BACK = DomId.DOM0;

	private final EventChannels channels = new EventChannels();

	private final AtomicInteger frontUpcalls = new AtomicInteger();

	private final AtomicInteger backUpcalls = new AtomicInteger();

	private EvtchnPort frontPort;

	private EvtchnPort backPort;

	@BeforeEach
	void connect() {
		this.channels.createDomain(FRONT);
		this.channels.createDomain(BACK);
		this.frontPort = this.channels.allocUnbound(FRONT, BACK);
		this.backPort = this.channels.bindInterdomain(BACK, FRONT, this.frontPort);
		this.channels.bindHandler(FRONT, this.frontPort, this.frontUpcalls::incrementAndGet);
		this.channels.bindHandler(BACK, this.backPort, this.backUpcalls::incrementAndGet);
	}

	@Test
	void connectsBothEndsToEachOther() {
		assertThat(this.frontPort.value()).isPositive();
		assertThat(this.channels.status(FRONT, this.frontPort))
			.isEqualTo(new EvtchnStatus.Interdomain(BACK, this.backPort));
		assertThat(this.channels.status(BACK, this.backPort))
			.isEqualTo(new EvtchnStatus.Interdomain(FRONT, this.frontPort));
		assertThat(this.backUpcalls).hasValue(0);
	}

	@Test
	void deliversOneSendAsExactlyOneUpcallOnThePeer() {
		this.channels.send(BACK, this.backPort);

		assertThat(this.frontUpcalls).hasValue(1);
		assertThat(this.backUpcalls).hasValue(0);
		assertThat(this.channels.isPending(FRONT, this.frontPort)).isTrue();
		assertThat(this.channels.delivered()).isEqualTo(1);
	}

	@Test
	void coalescesSendsUntilThePendingBitIsCleared() {
		this.channels.send(FRONT, this.frontPort);
		this.channels.send(FRONT, this.frontPort);

		assertThat(this.backUpcalls).hasValue(1);
		assertThat(this.channels.clearPending(BACK, this.backPort)).isTrue();
		assertThat(this.channels.clearPending(BACK, this.backPort)).isFalse();
		this.channels.send(FRONT, this.frontPort);
		assertThat(this.backUpcalls).hasValue(2);
		assertThat(this.channels.coalesced()).isEqualTo(1);
	}

	@Test
	void holdsASendWhileMaskedAndUpcallsOnUnmask() {
		this.channels.mask(BACK, this.backPort);

		this.channels.send(FRONT, this.frontPort);

		assertThat(this.backUpcalls).hasValue(0);
		assertThat(this.channels.isPending(BACK, this.backPort)).isTrue();
		this.channels.unmask(BACK, this.backPort);
		assertThat(this.backUpcalls).hasValue(1);
		this.channels.unmask(BACK, this.backPort);
		assertThat(this.backUpcalls).hasValue(1);
	}

	@Test
	void doesNotUpcallOnUnmaskWhenNothingIsPending() {
		this.channels.mask(BACK, this.backPort);
		this.channels.unmask(BACK, this.backPort);

		assertThat(this.backUpcalls).hasValue(0);
	}

	@Test
	void upcallsAHandlerBoundToAPortAlreadyPending() {
		EvtchnPort unbound = this.channels.allocUnbound(FRONT, BACK);
		EvtchnPort bound = this.channels.bindInterdomain(BACK, FRONT, unbound);
		this.channels.send(FRONT, unbound);
		AtomicInteger late = new AtomicInteger();

		this.channels.bindHandler(BACK, bound, late::incrementAndGet);

		assertThat(late).hasValue(1);
	}

	@Test
	void closingOneEndLeavesThePeerUnboundTowardTheCloser() {
		this.channels.close(FRONT, this.frontPort);

		assertThat(this.channels.status(FRONT, this.frontPort)).isEqualTo(new EvtchnStatus.Closed());
		assertThat(this.channels.status(BACK, this.backPort)).isEqualTo(new EvtchnStatus.Unbound(FRONT));
		assertThat(this.channels.openPorts(FRONT)).isZero();
		assertThat(this.channels.openPorts(BACK)).isEqualTo(1);
	}

	@Test
	void dropsASendOnAnUnboundPortAndRefusesOneOnAClosedPort() {
		this.channels.close(FRONT, this.frontPort);

		this.channels.send(BACK, this.backPort);

		assertThat(this.channels.sent()).isZero();
		assertThatExceptionOfType(EvtchnException.class)
			.isThrownBy(() -> this.channels.send(FRONT, this.frontPort))
			.satisfies((ex) -> assertThat(ex.errno()).isEqualTo(EvtchnException.EINVAL));
	}

	@Test
	void setsTheNewPortPendingWhenThePeerSentBeforeTheBind() {
		EvtchnPort early = this.channels.allocUnbound(FRONT, BACK);
		this.channels.send(FRONT, early);

		EvtchnPort bound = this.channels.bindInterdomain(BACK, FRONT, early);

		assertThat(this.channels.isPending(BACK, bound)).isTrue();
		EvtchnPort quiet = this.channels.bindInterdomain(BACK, FRONT, this.channels.allocUnbound(FRONT, BACK));
		assertThat(this.channels.isPending(BACK, quiet)).isFalse();
	}

	@Test
	void refusesToBindAPortThatIsNotUnboundTowardTheBinder() {
		DomId other = DomId.guest(9);
		this.channels.createDomain(other);
		EvtchnPort forBack = this.channels.allocUnbound(FRONT, BACK);

		assertThat(errnoOf(() -> this.channels.bindInterdomain(other, FRONT, forBack))).isEqualTo("EINVAL");
		assertThat(errnoOf(() -> this.channels.bindInterdomain(BACK, FRONT, this.frontPort))).isEqualTo("EINVAL");
		assertThat(errnoOf(() -> this.channels.bindInterdomain(BACK, FRONT, EvtchnPort.of(4096)))).isEqualTo("EINVAL");
		assertThat(errnoOf(() -> this.channels.bindInterdomain(BACK, DomId.guest(77), forBack))).isEqualTo("ESRCH");
	}

	@Test
	void resetDomainDropsItsInterdomainBindings() {
		this.channels.resetDomain(FRONT);

		assertThat(this.channels.openPorts(FRONT)).isZero();
		assertThat(this.channels.status(BACK, this.backPort)).isEqualTo(new EvtchnStatus.Unbound(FRONT));
		this.channels.send(BACK, this.backPort);
		assertThat(this.frontUpcalls).hasValue(0);
		EvtchnPort fresh = this.channels.allocUnbound(FRONT, BACK);
		assertThat(this.channels.status(FRONT, fresh)).isEqualTo(new EvtchnStatus.Unbound(BACK));
	}

	@Test
	void destroyDomainClosesItsPortsAndForgetsIt() {
		this.channels.destroyDomain(FRONT);

		assertThat(this.channels.hasDomain(FRONT)).isFalse();
		assertThat(this.channels.status(BACK, this.backPort)).isEqualTo(new EvtchnStatus.Unbound(FRONT));
		assertThat(errnoOf(() -> this.channels.allocUnbound(FRONT, BACK))).isEqualTo("ESRCH");
	}

	@Test
	void losesExactlyTheNotificationsItWasToldToDrop() {
		this.channels.dropNotifications(FRONT, this.frontPort, 2);

		this.channels.send(FRONT, this.frontPort);
		this.channels.send(FRONT, this.frontPort);
		assertThat(this.channels.isPending(BACK, this.backPort)).isFalse();
		this.channels.send(FRONT, this.frontPort);

		assertThat(this.backUpcalls).hasValue(1);
		assertThat(this.channels.dropped()).isEqualTo(2);
		assertThat(this.channels.sent()).isEqualTo(3);
		assertThat(this.channels.delivered()).isEqualTo(1);
	}

	@Test
	void neverTreatsPortZeroAsAConnection() {
		assertThat(errnoOf(() -> this.channels.send(FRONT, EvtchnPort.of(0)))).isEqualTo("EINVAL");
		assertThat(this.frontPort.value()).isNotZero();
	}

	@Test
	void refusesASecondHandlerOnAPort() {
		assertThatIllegalStateException().isThrownBy(() -> this.channels.bindHandler(BACK, this.backPort, () -> {
		})).withMessageContaining("already has a handler");
	}

	@Test
	void runsUpcallsWithoutHoldingTheLock() {
		EvtchnPort unbound = this.channels.allocUnbound(FRONT, BACK);
		EvtchnPort bound = this.channels.bindInterdomain(BACK, FRONT, unbound);
		AtomicInteger nested = new AtomicInteger();
		this.channels.bindHandler(BACK, bound, () -> {
			this.channels.clearPending(BACK, bound);
			nested.set(this.channels.openPorts(BACK));
		});

		this.channels.send(FRONT, unbound);

		assertThat(nested).hasValue(2);
		assertThat(this.channels.isPending(BACK, bound)).isFalse();
	}

	@Test
	void runsOutOfPortsAfterTheAbiLimit() {
		DomId busy = DomId.guest(10);
		this.channels.createDomain(busy);
		for (int i = 1; i < EventChannels.MAX_PORTS; i++) {
			this.channels.allocUnbound(busy, BACK);
		}

		assertThat(errnoOf(() -> this.channels.allocUnbound(busy, BACK))).isEqualTo("ENOSPC");
	}

	@Test
	void namesOperationCodesLikeTheHeader() {
		assertThat(EvtchnOp.EVTCHNOP_bind_interdomain).isZero();
		assertThat(EvtchnOp.EVTCHNOP_alloc_unbound).isEqualTo(6);
		assertThat(EvtchnOp.EVTCHNOP_set_priority).isEqualTo(13);
		assertThat(EvtchnOp.name(4)).isEqualTo("EVTCHNOP_send");
	}

	private static String errnoOf(Runnable op) {
		try {
			op.run();
		}
		catch (EvtchnException ex) {
			return ex.errno();
		}
		return "none";
	}

}
