package org.xso.checkpoint;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.xso.hypervisor.Hypervisor;

/**
 * What the hypervisor keeps for checkpoints (the simulator's disk snapshots) against what the
 * checkpoints table still references: storage a save wrote for a checkpoint that was never stored
 * (the service died between the save and the commit, or the commit failed) is released.
 */
@Component
public class CheckpointStorage {

	private static final Logger log = LoggerFactory.getLogger(CheckpointStorage.class);

	private final CheckpointRepository checkpoints;

	private final CheckpointDetailsMapper details;

	private final Hypervisor hypervisor;

	/**
	 * How old unreferenced storage on storage other hosts share must be to be released: longer than
	 * any operation may run (an hour at most), so another host's save in progress is never taken for
	 * a leftover.
	 */
	static final Duration SHARED_STORAGE_GRACE = Duration.ofHours(2);

	private final org.xso.host.HostRegistry hosts;

	private final Clock clock;

	CheckpointStorage(CheckpointRepository checkpoints, CheckpointDetailsMapper details, Hypervisor hypervisor,
			org.xso.host.HostRegistry hosts, Clock clock) {
		this.checkpoints = checkpoints;
		this.details = details;
		this.hypervisor = hypervisor;
		this.hosts = hosts;
		this.clock = clock;
	}

	/**
	 * Checkpoints taken before hosts existed are held by the host that registers first (a
	 * single-instance deployment keeps them); in the registering transaction.
	 */
	@org.springframework.context.event.EventListener
	void onHostRegistered(org.xso.host.HostEvents.HostRegistered registered) {
		checkpoints.claimUnhosted(registered.name());
	}

	/**
	 * Releases the storage the hypervisor holds for saved devices that no stored checkpoint's device
	 * names (on storage other hosts share, only what is older than {@link #SHARED_STORAGE_GRACE}).
	 * Call it while no checkpoint is being taken on this host (at startup, once recovery has decided every
	 * interrupted operation): the storage of a save whose checkpoint is not committed yet is not
	 * referenced, and would go.
	 * @return how many pieces of storage were released
	 */
	public int collectUnreferenced() {
		// read committed state first, then release outside any transaction: deleting files holds no connection
		List<Map<String, String>> referenced = checkpoints.allBackendInfo().stream()
			.<Map<String, String>>map(details::map)
			.toList();
		// other hosts on the same storage may be between a save and its commit: only what is older than
		// any operation can have been left by a save that will never be stored
		Optional<String> storage = hypervisor.storageId();
		List<String> sharing = storage.isEmpty() ? List.of() : hosts.all().stream()
			.filter(h -> !h.name().equals(hosts.localName()) && storage.get().equals(h.storageId()))
			.map(org.xso.host.HostView::name)
			.toList();
		int released;
		if (sharing.isEmpty()) {
			released = hypervisor.releaseStorageExcept(referenced);
		}
		else {
			log.info("Storage {} is shared with host(s) {}: only what no checkpoint references and is older than {}"
					+ " is released", org.xso.text.SafeText.quote(storage.get()), sharing, SHARED_STORAGE_GRACE);
			released = hypervisor.releaseStorageExcept(referenced, clock.instant().minus(SHARED_STORAGE_GRACE));
		}
		if (released > 0) {
			log.info("Released {} pieces of checkpoint storage that no stored checkpoint references", released);
		}
		return released;
	}

}
