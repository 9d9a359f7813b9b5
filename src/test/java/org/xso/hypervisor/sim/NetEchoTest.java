package org.xso.hypervisor.sim;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.xso.hypervisor.DeviceSpec;
import org.xso.xen.DomId;
import org.xso.xen.Pfn;
import org.xso.xen.XenbusState;

import static org.assertj.core.api.Assertions.assertThat;

class NetEchoTest {

	private final NetFixture net = new NetFixture();

	@AfterEach
	void close() {
		net.close();
	}

	@Test
	void everyPacketSentIsEchoedBackExactlyOnce() {
		SimGuest g = net.bootConnected(1, "00:16:3e:00:00:01");
		NetWorkload w = g.netWorkload(NetFixture.VIF0);

		w.start(NetFixture.window(16));
		NetFixture.receiveMore(w, 500);
		w.stop();
		NetWorkload.Counters c = NetFixture.settle(w);

		assertThat(c.received()).isEqualTo(c.sent()).isGreaterThanOrEqualTo(500);
		assertThat(c.dropped()).isZero();
		assertThat(c.duplicated()).isZero();
		assertThat(c.corrupt()).isZero();
		assertThat(c.lost()).isZero();
		assertThat(net.bridge().echoed()).isEqualTo(c.sent());
		assertThat(net.bridge().dropped()).isZero();
	}

	@Test
	void aSettledLinkHoldsOnlyItsRingsAndRxBuffers() {
		SimGuest g = net.bootConnected(1, "00:16:3e:00:00:01");
		Netfront nf = NetFixture.netfront(g);
		NetWorkload w = g.netWorkload(NetFixture.VIF0);
		int framesBefore = net.host.memory.allocatedFrames();

		w.start(NetFixture.window(32));
		NetFixture.receiveMore(w, 300);
		w.stop();
		net.settle(w, nf);

		assertThat(net.onFrontend(nf, nf::referencedRefs)).hasSize(2 + Netfront.RX_TARGET)
			.containsExactlyInAnyOrderElementsOf(g.gnttab().activeRefs().stream().map(r -> r.value()).toList());
		assertThat(net.host.memory.allocatedFrames()).isEqualTo(framesBefore);
		assertThat(net.host.grants.mappingsOf(DomId.DOM0)).hasSize(2);
		assertThat(g.deferredEndAccess()).isZero();
		assertThat(nf.counters().packetsSent()).isEqualTo(nf.counters().packetsReceived());
		assertThat(nf.counters().issued()).isEqualTo(nf.counters().completed());
	}

	@Test
	void aFrameForAnotherGuestsMacReachesThatGuestThroughTheBridge() {
		SimGuest a = net.bootConnected(1, "00:16:3e:00:00:01");
		SimGuest b = net.bootConnected(2, "00:16:3e:00:00:02");
		NetFixture.await().until(() -> net.bridge().ports() == 2);

		send(a, NetFrame.parseMac("00:16:3e:00:00:02"), 7);

		NetFixture.await().until(() -> b.netWorkload(NetFixture.VIF0).counters().foreign() == 1);
		assertThat(net.bridge().forwarded()).isEqualTo(1);
		assertThat(net.bridge().echoed()).isZero();
		assertThat(a.netWorkload(NetFixture.VIF0).counters().foreign()).isZero();
	}

	@Test
	void aFrameForAnUnknownMacIsRecordedAsDropped() {
		SimGuest a = net.bootConnected(1, "00:16:3e:00:00:01");

		send(a, NetFrame.parseMac("00:16:3e:00:00:99"), 9);

		NetFixture.await().until(() -> net.bridge().dropped(Bridge.DropReason.UNKNOWN_DESTINATION) == 1);
		assertThat(net.bridge().forwarded()).isZero();
	}

	@Test
	void aVifOnAnotherBridgeIsUnreachableAndEachBridgeEchoesItsOwn() {
		try (NetFixture two = new NetFixture(new SimBackends(List.of("xenbr0", "xenbr1"), List.of()))) {
			SimGuest a = two.bootConnected(1, new DeviceSpec.Vif(0, DomId.DOM0, "00:16:3e:00:00:01", "xenbr0"));
			SimGuest b = two.bootConnected(2, new DeviceSpec.Vif(0, DomId.DOM0, "00:16:3e:00:00:02", "xenbr1"));
			Bridge xenbr0 = two.host.dom0.bridge("xenbr0");
			Bridge xenbr1 = two.host.dom0.bridge("xenbr1");
			NetFixture.await().until(() -> xenbr0.ports() == 1 && xenbr1.ports() == 1);

			send(a, NetFrame.parseMac("00:16:3e:00:00:02"), 7);

			NetFixture.await().until(() -> xenbr0.dropped(Bridge.DropReason.UNKNOWN_DESTINATION) == 1);
			assertThat(xenbr0.forwarded()).isZero();
			assertThat(xenbr1.forwarded()).isZero();
			assertThat(b.netWorkload(NetFixture.VIF0).counters().foreign()).isZero();

			for (SimGuest g : List.of(a, b)) {
				NetWorkload w = g.netWorkload(NetFixture.VIF0);
				w.start(NetFixture.window(8));
				NetFixture.receiveMore(w, 100);
				w.stop();
				NetWorkload.Counters c = NetFixture.settle(w);
				assertThat(c.received()).as("dom%s's echoes", g.domid()).isEqualTo(c.sent());
				assertThat(c.lost()).isZero();
			}
			assertThat(xenbr0.echoed()).isEqualTo(a.netWorkload(NetFixture.VIF0).counters().sent());
			assertThat(xenbr1.echoed()).isEqualTo(b.netWorkload(NetFixture.VIF0).counters().sent());
		}
	}

	@Test
	void aVifNamingABridgeItsBackendDomainLacksFailsItsHotplugAndNeverConnects() {
		SimGuest g = net.boot(1);
		net.host.toolstack.addDevice(g.domid(), new DeviceSpec.Vif(0, DomId.DOM0, "00:16:3e:00:00:01", "xenbr7"));

		String be = NetFixture.backendDir(g);
		NetFixture.await().until(() -> net.host.toolstack.connection().tryRead(be + "/hotplug-status").isPresent());
		assertThat(net.host.toolstack.connection().read(be + "/hotplug-status")).isEqualTo("error");
		assertThat(net.host.toolstack.connection().read(be + "/hotplug-error")).contains("xenbr7");
		assertThat(net.state(be)).isEqualTo(XenbusState.Initialising.xenstoreValue());
		assertThat(net.bridge().ports()).isZero();
	}

	/** Hands netfront a frame directly, as another protocol of the guest's stack would. */
	private static void send(SimGuest from, long dst, long seq) {
		Pfn page = from.memory().allocate();
		NetFrame.write(from.memory().page(page), 0, dst, NetFrame.parseMac("00:16:3e:00:00:01"), 42, seq, 100);
		NetFixture.netfront(from).transmit(new NetPacket(seq, page, 100));
	}

}
