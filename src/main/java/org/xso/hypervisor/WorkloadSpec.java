package org.xso.hypervisor;

/**
 * A guest workload (simulator only). Block: self-verifying writes and read-backs with
 * {@code queueDepth} requests outstanding per vbd, each of 1..{@code maxSectors} 512-byte sectors
 * within the first {@code regionSectors} of the disk (at most {@value #MAX_REGION_SECTORS}, 8 GiB; a
 * smaller disk is used whole). Net: sequence-numbered packets with
 * {@code packetWindow} unacknowledged per vif, sent to the bridge's echo endpoint.
 */
public record WorkloadSpec(boolean block, int queueDepth, int maxSectors, long regionSectors, boolean net,
		int packetWindow) {

	public static final WorkloadSpec DEFAULT = new WorkloadSpec(true, 16, 8, 4096, true, 32);

	/** The largest region: the guest keeps what it expects of every sector of it in memory. */
	public static final long MAX_REGION_SECTORS = 1 << 24;

	public WorkloadSpec {
		if (queueDepth < 1 || queueDepth > 1024) {
			throw new IllegalArgumentException("queueDepth must be 1..1024: " + queueDepth);
		}
		if (maxSectors < 1 || maxSectors > 256) {
			throw new IllegalArgumentException("maxSectors must be 1..256: " + maxSectors);
		}
		if (regionSectors < maxSectors || regionSectors > MAX_REGION_SECTORS) {
			throw new IllegalArgumentException(
					"regionSectors must be maxSectors.." + MAX_REGION_SECTORS + ": " + regionSectors);
		}
		if (packetWindow < 1 || packetWindow > 256) {
			throw new IllegalArgumentException("packetWindow must be 1..256: " + packetWindow);
		}
	}

}
