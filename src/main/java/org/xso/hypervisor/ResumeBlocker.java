package org.xso.hypervisor;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One reason a host cannot resume a saved guest, as the adapter knows it: what kind of reason,
 * the device it concerns (if one), and a sentence for people.
 */
public record ResumeBlocker(Kind kind, @Nullable DeviceId device, String detail) {

	public enum Kind {

		/** The image's encoding is a version this adapter does not read. */
		FORMAT_VERSION_UNSUPPORTED,

		/** The image was saved by another kind of adapter (a simulator image on libxl, say). */
		ADAPTER_MISMATCH,

		/** The backend domain (or driver) a device needs is not there. */
		BACKEND_MISSING,

		/** The backend is there but lacks a feature the device cannot do without. */
		BACKEND_FEATURE_MISSING,

		/** Storage the image refers to (a disk snapshot, a save file) is not held by this host. */
		STORAGE_MISSING,

		/** A disk target another device holds: two guests never write one volume. */
		STORAGE_IN_USE,

		/** The adapter cannot reach its hypervisor at all (no Xen on this host, say). */
		HYPERVISOR_UNAVAILABLE,

		/**
		 * A live domain already has the saved guest's name (its restored copy, say): libxl refuses to
		 * create or restore a domain under a name in use.
		 */
		DOMAIN_NAME_IN_USE

	}

	public ResumeBlocker {
		Objects.requireNonNull(kind, "kind");
		Objects.requireNonNull(detail, "detail");
	}

	public static ResumeBlocker of(Kind kind, String detail) {
		return new ResumeBlocker(kind, null, detail);
	}

	public static ResumeBlocker of(Kind kind, DeviceId device, String detail) {
		return new ResumeBlocker(kind, device, detail);
	}

	@Override
	public String toString() {
		return device == null ? detail : device + ": " + detail;
	}

}
