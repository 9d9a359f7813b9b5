package org.xso.checkpoint;

import java.util.List;
import java.util.Map;

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

	CheckpointStorage(CheckpointRepository checkpoints, CheckpointDetailsMapper details, Hypervisor hypervisor) {
		this.checkpoints = checkpoints;
		this.details = details;
		this.hypervisor = hypervisor;
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
	 * names. Call it while no checkpoint is being taken (at startup, once recovery has decided every
	 * interrupted operation): the storage of a save whose checkpoint is not committed yet is not
	 * referenced, and would go.
	 * @return how many pieces of storage were released
	 */
	public int collectUnreferenced() {
		// read committed state first, then release outside any transaction: deleting files holds no connection
		List<Map<String, String>> referenced = checkpoints.allBackendInfo().stream()
			.<Map<String, String>>map(details::map)
			.toList();
		int released = hypervisor.releaseStorageExcept(referenced);
		if (released > 0) {
			log.info("Released {} pieces of checkpoint storage that no stored checkpoint references", released);
		}
		return released;
	}

}
