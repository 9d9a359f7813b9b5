package org.xso.support;

/** Request bodies for test guests. */
public final class Guests {

	private Guests() {
	}

	/** A guest with one vbd (51712 = xvda) and one vif (0), as the demo guests have. */
	public static String json(int domid) {
		return """
				{"domid": %d, "name": "guest-%d", "memoryMiB": 256, "vcpus": 1, "devices": [
				  {"type": "vbd", "devid": 51712, "backendDomid": 0, "sectors": 65536, "sectorSize": 512},
				  {"type": "vif", "devid": 0, "backendDomid": 0, "mac": "00:16:3e:00:00:%02x"}]}
				""".formatted(domid, domid, domid);
	}

	public static final String SHADOW_REPLAY = """
			{"strategy": "SHADOW_REPLAY", "quiesceTimeoutMs": 2000, "deadlineMs": 10000}
			""";

	public static final String SUSPEND_RESUME = """
			{"strategy": "SUSPEND_RESUME", "quiesceTimeoutMs": 2000, "deadlineMs": 10000}
			""";

}
