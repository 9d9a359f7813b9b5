package org.xso.hypervisor.sim;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.xso.xen.DomId;
import org.xso.xen.store.XsConnection;

import static org.assertj.core.api.Assertions.assertThat;

class NetHandshakeTest {

	private final NetFixture net = new NetFixture();

	@AfterEach
	void close() {
		net.close();
	}

	@Test
	void bothEndsReachConnectedWithTheBackendConnectingAfterTheFrontend() {
		SimGuest g = net.bootConnected(1, "00:16:3e:00:00:01");

		assertThat(net.state(NetFixture.frontendDir(g))).isEqualTo("4");
		NetFixture.await().until(() -> net.state(NetFixture.backendDir(g)).equals("4"));
		List<String> history = net.stateHistory(g);
		assertThat(history).containsSubsequence("be:InitWait", "fe:Connected", "be:Connected")
			.doesNotContain("fe:Initialised");
		assertThat(history.indexOf("be:Connected")).isGreaterThan(history.indexOf("fe:Connected"));
	}

	@Test
	void theFrontendPublishesBothRingsOneEventChannelAndRxCopy() {
		SimGuest g = net.bootConnected(1, "00:16:3e:00:00:01");
		XsConnection xs = net.host.toolstack.connection();
		String fe = NetFixture.frontendDir(g);
		Netfront nf = NetFixture.netfront(g);

		assertThat(xs.read(NetFixture.backendDir(g) + "/feature-rx-copy")).isEqualTo("1");
		assertThat(xs.read(fe + "/request-rx-copy")).isEqualTo("1");
		assertThat(xs.read(fe + "/feature-rx-notify")).isEqualTo("1");
		assertThat(xs.tryRead(fe + "/event-channel")).isPresent();
		assertThat(xs.tryRead(fe + "/event-channel-tx")).isEmpty();
		assertThat(nf.ringRefs()).extracting(Object::toString)
			.containsExactly(xs.read(fe + "/tx-ring-ref"), xs.read(fe + "/rx-ring-ref"));
	}

	@Test
	void theLinkComesUpWithRxBuffersPostedAndTheVifOnTheBridge() {
		SimGuest g = net.bootConnected(1, "00:16:3e:00:00:01");
		Netfront nf = NetFixture.netfront(g);

		assertThat(net.onFrontend(nf, nf::carrier)).isTrue();
		assertThat(net.onFrontend(nf, nf::rxPosted)).isEqualTo(Netfront.RX_TARGET);
		NetFixture.await().until(() -> net.bridge().ports() == 1);
		assertThat(net.onFrontend(nf, nf::referencedRefs)).hasSize(2 + Netfront.RX_TARGET)
			.containsExactlyInAnyOrderElementsOf(g.gnttab().activeRefs().stream().map(r -> r.value()).toList());
	}

	@Test
	void anUnplugClosesBothEndsEndsEveryGrantAndLeavesTheBridge() {
		SimGuest g = net.bootConnected(1, "00:16:3e:00:00:01");
		Netfront nf = NetFixture.netfront(g);

		net.host.toolstack.requestRemoval(g.domid(), NetFixture.VIF0, DomId.DOM0);

		NetFixture.await().until(nf.closed::isDone);
		assertThat(net.state(NetFixture.frontendDir(g))).isEqualTo("6");
		assertThat(net.state(NetFixture.backendDir(g))).isEqualTo("6");
		assertThat(g.gnttab().activeCount()).isZero();
		assertThat(net.host.grants.mappingsOf(DomId.DOM0)).isEmpty();
		assertThat(net.bridge().ports()).isZero();
		assertThat(g.deferredEndAccess()).isZero();
	}

}
