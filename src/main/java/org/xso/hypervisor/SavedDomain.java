package org.xso.hypervisor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.xso.xen.DomId;

/**
 * A saved guest: what a resume or a restore needs to bring it back. The config, the saved state
 * of every device, and the memory image (the guest's populated frames and kernel state; opaque to
 * the service, in the adapter's own format). {@link #FORMAT_VERSION} versions the encoding.
 */
public record SavedDomain(int formatVersion, String adapter, DomId domid, GuestSpec config,
		List<DeviceSavedState> devices, byte[] memoryImage) {

	public static final int FORMAT_VERSION = 3;

	/** The oldest encoding still read: format 2, whose devices have no target or bridge. */
	public static final int OLDEST_FORMAT_VERSION = 2;

	/** Whether this service reads saved guests of {@code formatVersion}. */
	public static boolean readable(int formatVersion) {
		return formatVersion >= OLDEST_FORMAT_VERSION && formatVersion <= FORMAT_VERSION;
	}

	public SavedDomain {
		devices = List.copyOf(devices);
		memoryImage = memoryImage.clone();
	}

	@Override
	public byte[] memoryImage() {
		return memoryImage.clone();
	}

	/** The memory image as a read-only view, without copying it. */
	public java.nio.ByteBuffer memoryImageView() {
		return java.nio.ByteBuffer.wrap(memoryImage).asReadOnlyBuffer();
	}

	/** The size of the memory image without copying it. */
	public int memoryImageLength() {
		return memoryImage.length;
	}

	public byte[] canonicalBytes() {
		return CanonicalBytes.of(this::writeTo);
	}

	public String sha256() {
		return CanonicalBytes.sha256(canonicalBytes());
	}

	public void writeTo(CanonicalOutput out) {
		out.writeInt(formatVersion).writeString(adapter).writeInt(domid.value());
		GuestSpecCodec.write(config, out, formatVersion);
		out.writeInt(devices.size());
		devices.forEach(d -> d.writeTo(out));
		out.writeBytes(memoryImage);
	}

	public static SavedDomain fromCanonicalBytes(byte[] bytes) {
		CanonicalInput in = new CanonicalInput(bytes);
		int version = in.readInt();
		if (!readable(version)) {
			throw new CanonicalInput.InvalidEncodingException("format version " + version + " is not supported (expected "
					+ OLDEST_FORMAT_VERSION + ".." + FORMAT_VERSION + ")");
		}
		String adapter = in.readString();
		DomId domid;
		try {
			domid = DomId.of(in.readInt());
		}
		catch (IllegalArgumentException e) {
			throw new CanonicalInput.InvalidEncodingException(e.getMessage());
		}
		GuestSpec config = GuestSpecCodec.read(in, version);
		int n = in.readCount(1024);
		List<DeviceSavedState> devices = new ArrayList<>(n);
		for (int i = 0; i < n; i++) {
			devices.add(DeviceSavedState.readFrom(in));
		}
		byte[] image = in.readBytes();
		in.expectEnd();
		return new SavedDomain(version, adapter, domid, config, devices, image);
	}

	@Override
	public boolean equals(Object o) {
		return o instanceof SavedDomain s && Arrays.equals(canonicalBytes(), s.canonicalBytes());
	}

	@Override
	public int hashCode() {
		return Arrays.hashCode(canonicalBytes());
	}

	@Override
	public String toString() {
		return "SavedDomain[dom" + domid + " " + config.name() + ", devices=" + devices + ", image="
				+ memoryImage.length + " bytes]";
	}

}
