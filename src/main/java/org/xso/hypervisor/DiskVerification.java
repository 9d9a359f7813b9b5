package org.xso.hypervisor;

/**
 * A read-back of a guest's vbds: {@code mismatches} sectors that do not hold what the guest wrote
 * there (or hold another sector's data), and {@code writtenSectors} sectors found holding the
 * guest's own, intact writes. A guest booted again after its host died knows nothing of its disk
 * and learns it from the sectors themselves, so a blank disk would show no mismatches: only
 * {@code writtenSectors} tells that the data is still there.
 */
public record DiskVerification(long mismatches, long writtenSectors) {
}
