package org.xso.domain;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.xso.checkpoint.CheckpointCatalog;
import org.xso.checkpoint.CheckpointViews;
import org.xso.config.DeviceConfig;
import org.xso.host.HostRegistry;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceInfo;
import org.xso.hypervisor.GuestInfo;
import org.xso.hypervisor.Hypervisor;
import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.PowerState;
import org.xso.problem.LeaseRef;
import org.xso.xen.DomId;
import org.xso.xen.GrantRef;

/** Joins a domain's record with the hypervisor's live view, its lease and its storage. */
@Component
class DomainViewAssembler {

	private final Hypervisor hypervisor;

	private final DomainLeaseRepository leases;

	private final CheckpointCatalog checkpoints;

	private final HostRegistry hosts;

	DomainViewAssembler(Hypervisor hypervisor, DomainLeaseRepository leases, CheckpointCatalog checkpoints,
			HostRegistry hosts) {
		this.hosts = hosts;
		this.hypervisor = hypervisor;
		this.leases = leases;
		this.checkpoints = checkpoints;
	}

	/** What the hypervisor says about a guest now. */
	record Live(HostState power, Map<DeviceId, DeviceInfo> devices) {

		static final Live ABSENT = new Live(HostState.ABSENT, Map.of());

		static final Live UNKNOWN = new Live(HostState.UNKNOWN, Map.of());

		static Live of(GuestInfo g) {
			return new Live(host(g.state()),
					g.devices().stream().collect(Collectors.toMap(DeviceInfo::id, Function.identity(), (a, b) -> a)));
		}

	}

	/** The guest of {@code d} as its host's hypervisor shows it: UNKNOWN if that is another instance's host. */
	Live live(Domain d) {
		if (!hosts.servesHere(d.host())) {
			return Live.UNKNOWN;
		}
		try {
			return hypervisor.guest(DomId.guest(d.domid())).map(Live::of).orElse(Live.ABSENT);
		}
		catch (HypervisorException e) {
			return Live.UNKNOWN;
		}
	}

	/** Live views of all this host's guests: a domain of this host missing from the hypervisor is absent. */
	Function<Domain, Live> liveAll() {
		try {
			Map<Integer, Live> all = hypervisor.guests()
				.stream()
				.collect(Collectors.toMap(g -> g.domid().value(), Live::of, (a, b) -> a));
			return d -> hosts.servesHere(d.host()) ? all.getOrDefault(d.domid(), Live.ABSENT) : Live.UNKNOWN;
		}
		catch (HypervisorException e) {
			return d -> Live.UNKNOWN;
		}
	}

	DomainViews.DomainView view(Domain d, Live live) {
		List<DomainViews.DeviceView> devices = new ArrayList<>();
		for (DomainDevice dev : d.devices()) {
			devices.add(device(dev, live.devices().get(dev.deviceId())));
		}
		LeaseRef lease = leases.findById(d.domid()).map(DomainLease::ref).orElse(null);
		CheckpointViews.Usage usage = checkpoints.usage(d.domid());
		return new DomainViews.DomainView(d.domid(), d.name(), d.host(), d.spec().memoryMiB(), d.spec().vcpus(), d.state(),
				live.power(), d.stateReason(), devices, lease, d.suspendCheckpointId(),
				new DomainViews.Storage(usage.checkpoints(), usage.bytes(), d.checkpointRetention()), d.createdAt(),
				d.updatedAt(), d.version());
	}

	DomainViews.DeviceView device(DomainDevice dev, @Nullable DeviceInfo info) {
		DeviceConfig config = DeviceConfig.from(dev.toSpec());
		if (info == null) {
			return new DomainViews.DeviceView(config.type(), config.devid(), dev.toSpec().backendDomid().value(), config,
					null, null, false, List.of(), List.of(), Collections.emptySortedMap(), null);
		}
		return new DomainViews.DeviceView(config.type(), config.devid(), info.backendDomid().value(), config,
				info.frontendState(), info.backendState(), info.connected(),
				info.ringRefs().stream().map(GrantRef::unsigned).toList(),
				info.evtchns().stream().map(p -> p.value()).toList(), new TreeMap<>(info.features()),
				DomainViews.Counters.of(info.counters()));
	}

	static HostState host(PowerState state) {
		return switch (state) {
			case RUNNING -> HostState.RUNNING;
			case PAUSED -> HostState.PAUSED;
			case SUSPENDED -> HostState.SUSPENDED;
		};
	}

}
