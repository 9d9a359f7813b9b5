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
		boolean formatSupported = c.formatVersion() == SavedDomain.FORMAT_VERSION;
		GuestSpec config = null;
		byte[] configBytes = c.configBytes();
		String configSha = CanonicalBytes.sha256(configBytes);
		String configProblem = null;
		if (configSha.equals(c.configSha256())) {
			try {
				CanonicalInput in = new CanonicalInput(configBytes);
				config = GuestSpecCodec.read(in);
				in.expectEnd();
			}
			catch (CanonicalInput.InvalidEncodingException e) {
				configProblem = "does not decode: " + e.getMessage();
			}
		}
		parts.add(check("config", c.configSha256(), configSha, configProblem));
		List<DeviceSavedState> devices = new ArrayList<>();
		boolean devicesOk = true;
		for (CheckpointDevice d : c.devices()) {
			byte[] bytes = d.stateBytes();
			String sha = CanonicalBytes.sha256(bytes);
			String problem = null;
			if (sha.equals(d.sha256())) {
				try {
					devices.add(DeviceSavedState.fromCanonicalBytes(bytes));
				}
				catch (CanonicalInput.InvalidEncodingException | IllegalArgumentException e) {
					problem = "does not decode: " + e.getMessage();
				}
			}
			CheckpointViews.PartCheck pc = check(d.partName(), d.sha256(), sha, problem);
			devicesOk &= pc.ok();
			parts.add(pc);
		}
		String memorySha = CanonicalBytes.sha256(memory);
		String memoryProblem = memory.length != c.memoryBytes()
				? "size " + memory.length + " differs from the manifest's " + c.memoryBytes() : null;
		parts.add(check("memory", c.memorySha256(), memorySha, memoryProblem));
		SavedDomain image = null;
		boolean partsOk = parts.stream().allMatch(CheckpointViews.PartCheck::ok);
		if (partsOk && formatSupported && config != null && devicesOk) {
			try {
				image = new SavedDomain(c.formatVersion(), c.adapter(), DomId.of(c.sourceDomid()), config, devices,
						memory);
			}
			catch (IllegalArgumentException e) {
				parts.add(check("manifest", c.sha256(), null, "does not assemble: " + e.getMessage()));
			}
		}
		if (image != null) {
			String whole = image.sha256();
			CheckpointViews.PartCheck pc = check("manifest", c.sha256(), whole, null);
			parts.add(pc);
			if (!pc.ok()) {
				image = null;
			}
		}
		boolean ok = formatSupported && image != null;
		return new Result(new CheckpointViews.Integrity(c.id(), ok, c.formatVersion(), formatSupported, parts), image);
	}

	private static CheckpointViews.PartCheck check(String name, String expected, @Nullable String actual,
			@Nullable String problem) {
		boolean ok = problem == null && expected.equals(actual);
		return new CheckpointViews.PartCheck(name, expected, actual, ok, problem);
	}

}
