package org.xso.hypervisor.sim;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.xso.hypervisor.DeviceSpec;
import org.xso.xen.DomId;

import static org.assertj.core.api.Assertions.assertThat;

class NetDropAccountingTest {

	private final NetFixture net = new NetFixture();

	@AfterEach
	void close() {
		net.close();
	}

	@Test
	void withoutRxBuffersPostedEveryPacketIsCountedDroppedNeverSilentlyLost() {
		SimGuest g = net.boot(1);
		net.host.faults.setRxBuffersWithheld(g.domid(), NetFixture.VIF0, true);
		net.host.toolstack.addDevice(g.domid(), new DeviceSpec.Vif(0, DomId.DOM0, "00:16:3e:00:00:01"));
		net.awaitLinkUp(g);
		Netfront nf = NetFixture.netfront(g);
		NetWorkload w = g.netWorkload(NetFixture.VIF0);
		assertThat(net.onFrontend(nf, nf::rxPosted)).isZero();

		// more than the backend's rx queue holds: some drop at once, the rest when they time out
		w.start(NetFixture.window(NetbackRx.RX_QUEUE_MAX + 32));
		NetFixture.await().until(() -> w.packetsDropped() >= NetbackRx.RX_QUEUE_MAX + 64);
		w.stop();
		NetWorkload.Counters c = NetFixture.settle(w);

		assertThat(c.received()).isZero();
		assertThat(c.dropped()).isEqualTo(c.sent());
		assertThat(c.lost()).isZero();
		assertThat(c.duplicated()).isZero();
		assertThat(net.bridge().dropped(Bridge.DropReason.NO_RX_BUFFER)).isEqualTo(c.dropped());
		assertThat(nf.counters().packetsDropped()).isEqualTo(c.dropped());
	}

	@Test
	void rxBuffersPostedLateDeliverWhatTheBackendQueued() {
		SimGuest g = net.boot(1);
		net.host.faults.setRxBuffersWithheld(g.domid(), NetFixture.VIF0, true);
		net.host.toolstack.addDevice(g.domid(), new DeviceSpec.Vif(0, DomId.DOM0, "00:16:3e:00:00:01"));
		net.awaitLinkUp(g);
		Netfront nf = NetFixture.netfront(g);
		NetWorkload w = g.netWorkload(NetFixture.VIF0);

		w.start(NetFixture.window(8));
		NetFixture.await().until(() -> nf.counters().completed() == 8);
		net.host.faults.setRxBuffersWithheld(g.domid(), NetFixture.VIF0, false);
		nf.call(nf::onEvent, NetFixture.deadline());
		w.stop();
		NetWorkload.Counters c = NetFixture.settle(w);

		assertThat(c.sent()).isEqualTo(c.received() + c.dropped());
		assertThat(c.received()).isPositive();
		assertThat(c.duplicated()).isZero();
		assertThat(c.lost()).isZero();
	}

}
