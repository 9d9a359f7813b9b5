package org.xso.hypervisor.sim;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.WorkloadSpec;
import org.xso.xen.DomId;
import org.xso.xen.XenbusState;
import org.xso.xen.store.XsHistoryEntry;
import org.xso.xen.store.XsOp;

import static org.assertj.core.api.Assertions.assertThat;

/** A simulated host with guests that each have one vif, for the net tests. */
final class NetFixture implements AutoCloseable {

	static final DeviceId VIF0 = DeviceId.vif(0);

	final SimHost host;

	NetFixture() {
		this(SimBackends.DEFAULT);
	}

	NetFixture(SimBackends backends) {
		this.host = new SimHost(backends);
	}

	/** Dom0's default bridge, which the fixture's vifs join. */
	Bridge bridge() {
		return host.dom0.bridge(DeviceSpec.DEFAULT_BRIDGE);
	}

	SimGuest boot(int domid) {
		return SimGuest.boot(host, DomId.of(domid), new GuestSpec("net-" + domid, 64, 1, List.of()));
	}

	/** Boots a guest, plugs vif 0 with {@code mac} and waits until the link is up. */
	SimGuest bootConnected(int domid, String mac) {
		return bootConnected(domid, new DeviceSpec.Vif(0, DomId.DOM0, mac));
	}

	/** Boots a guest, plugs {@code vif} (vif 0) and waits until the link is up. */
	SimGuest bootConnected(int domid, DeviceSpec.Vif vif) {
		SimGuest g = boot(domid);
		host.toolstack.addDevice(g.domid(), vif);
		awaitLinkUp(g);
		return g;
	}

	/** Waits until the handshake finished and the frontend's connect work (rx refill) is done. */
	void awaitLinkUp(SimGuest g) {
		await().until(() -> g.frontend(VIF0) != null && g.frontend(VIF0).phase(Frontend.Phase.CONNECTED).isDone());
		Netfront nf = netfront(g);
		assertThat(onFrontend(nf, nf::carrier)).isTrue();
	}

	static Netfront netfront(SimGuest g) {
		return (Netfront) g.frontend(VIF0);
	}

	static WorkloadSpec window(int packets) {
		return new WorkloadSpec(false, 1, 1, 1, true, packets);
	}

	static ConditionFactory await() {
		return Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5));
	}

	static long deadline() {
		return System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
	}

	/** Waits until every packet the workload sent is echoed or counted dropped. */
	static NetWorkload.Counters settle(NetWorkload w) {
		await().until(() -> w.counters().inFlight() == 0);
		return w.counters();
	}

	/** {@link #settle}, then a round trip through the frontend so its last event is fully handled. */
	NetWorkload.Counters settle(NetWorkload w, Netfront nf) {
		NetWorkload.Counters c = settle(w);
		onFrontend(nf, nf::rxPosted);
		return c;
	}

	/** Waits until the workload has received {@code more} packets beyond what it had. */
	static void receiveMore(NetWorkload w, long more) {
		long target = w.packetsReceived() + more;
		await().until(() -> w.packetsReceived() >= target);
	}

	<T> T onFrontend(Netfront nf, Supplier<T> query) {
		return nf.call(query::get, deadline());
	}

	String state(String dir) {
		return host.toolstack.connection().tryRead(dir + "/state").orElse("");
	}

	static String frontendDir(SimGuest g) {
		return Toolstack.frontendPath(g.domid(), VIF0);
	}

	static String backendDir(SimGuest g) {
		return Toolstack.backendPath(DomId.DOM0, g.domid(), VIF0);
	}

	/** The device's state writes, both ends, in commit order: "fe:Connected", "be:InitWait"... */
	List<String> stateHistory(SimGuest g) {
		String fe = frontendDir(g) + "/state";
		String be = backendDir(g) + "/state";
		return host.xenstore.history()
			.stream()
			.filter(e -> e.op() == XsOp.WRITE && (e.path().equals(fe) || e.path().equals(be)))
			.map(e -> label(e, fe))
			.toList();
	}

	private static String label(XsHistoryEntry e, String fe) {
		return (e.path().equals(fe) ? "fe:" : "be:") + XenbusState.parse(e.value());
	}

	@Override
	public void close() {
		host.close();
	}

}
