package org.xso.checkpoint;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.xso.hypervisor.CanonicalBytes;
import org.xso.hypervisor.CanonicalInput;
import org.xso.hypervisor.DeviceSavedState;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.GuestSpecCodec;
import org.xso.hypervisor.SavedDomain;
import org.xso.text.SafeText;
import org.xso.xen.DomId;

/**
 * Checks a stored checkpoint part by part: the config, each device's saved state and the memory
 * image against their SHA-256 in the manifest, each decodable; then the reassembled whole against
 * the overall SHA-256. Only when all pass is the saved guest handed out.
 */
@Component
class CheckpointVerifier {

	record Result(CheckpointViews.Integrity integrity, @Nullable SavedDomain image) {
	}

	Result verify(Checkpoint c, byte[] memory) {
		List<CheckpointViews.PartCheck> parts = new ArrayList<>();
		GuestSpec config = config(c, parts);
		List<DeviceSavedState> devices = devices(c, parts);
		String memorySha = CanonicalBytes.sha256(memory);
		String memoryProblem = memory.length != c.memoryBytes()
				? "size " + memory.length + " differs from the manifest's " + c.memoryBytes() : null;
		parts.add(check("memory", c.memorySha256(), memorySha, memoryProblem));
		boolean formatSupported = SavedDomain.readable(c.formatVersion());
		SavedDomain image = null;
		if (formatSupported && config != null && devices != null
				&& parts.stream().allMatch(CheckpointViews.PartCheck::ok)) {
			image = assemble(c, config, devices, memory, parts);
		}
		return new Result(new CheckpointViews.Integrity(c.id(), formatSupported && image != null, c.formatVersion(),
				formatSupported, parts), image);
	}

	private static @Nullable GuestSpec config(Checkpoint c, List<CheckpointViews.PartCheck> parts) {
		byte[] bytes = c.configBytes();
		String sha = CanonicalBytes.sha256(bytes);
		GuestSpec config = null;
		String problem = null;
		if (sha.equals(c.configSha256()) && SavedDomain.readable(c.formatVersion())) {
			try {
				CanonicalInput in = new CanonicalInput(bytes);
				config = GuestSpecCodec.read(in, c.formatVersion());
				in.expectEnd();
			}
			catch (CanonicalInput.InvalidEncodingException e) {
				problem = "does not decode: " + SafeText.escape(e.getMessage());
			}
		}
		parts.add(check("config", c.configSha256(), sha, problem));
		return problem == null ? config : null;
	}

	/** Each device's saved state, or null if any of them does not verify. */
	private static @Nullable List<DeviceSavedState> devices(Checkpoint c, List<CheckpointViews.PartCheck> parts) {
		List<DeviceSavedState> devices = new ArrayList<>();
		boolean ok = true;
		for (CheckpointDevice d : c.devices()) {
			byte[] bytes = d.stateBytes();
			String sha = CanonicalBytes.sha256(bytes);
			String problem = null;
			if (sha.equals(d.sha256())) {
				try {
					devices.add(DeviceSavedState.fromCanonicalBytes(bytes));
				}
				catch (CanonicalInput.InvalidEncodingException | IllegalArgumentException e) {
					problem = "does not decode: " + SafeText.escape(e.getMessage());
				}
			}
			CheckpointViews.PartCheck pc = check(d.partName(), d.sha256(), sha, problem);
			ok &= pc.ok();
			parts.add(pc);
		}
		return ok ? devices : null;
	}

	/** The whole, reassembled from its parts and checked against the overall SHA-256. */
	private static @Nullable SavedDomain assemble(Checkpoint c, GuestSpec config, List<DeviceSavedState> devices,
			byte[] memory, List<CheckpointViews.PartCheck> parts) {
		try {
			SavedDomain image = new SavedDomain(c.formatVersion(), c.adapter(), DomId.of(c.sourceDomid()), config,
					devices, memory);
			CheckpointViews.PartCheck whole = check("manifest", c.sha256(), image.sha256(), null);
			parts.add(whole);
			return whole.ok() ? image : null;
		}
		catch (IllegalArgumentException e) {
			parts.add(check("manifest", c.sha256(), null, "does not assemble: " + SafeText.escape(e.getMessage())));
			return null;
		}
	}

	private static CheckpointViews.PartCheck check(String name, String expected, @Nullable String actual,
			@Nullable String problem) {
		boolean ok = problem == null && expected.equals(actual);
		return new CheckpointViews.PartCheck(name, expected, actual, ok, problem);
	}

}
