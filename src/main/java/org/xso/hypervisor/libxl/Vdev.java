package org.xso.hypervisor.libxl;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A vbd's {@code virtual-device} number from its name, as docs/misc/vbd-interface.txt encodes it:
 * xvd (major 202), hd and sd disks in the compact form {@code major << 8 | disk << 4 | partition}
 * for the first 16 disks, and the extended form {@code 1 << 28 | disk << 8 | partition} beyond.
 * A plain number is taken as already encoded.
 */
final class Vdev {

	private static final Pattern NAME = Pattern.compile("(xvd|hd|sd)([a-z]+)([0-9]*)");

	private Vdev() {
	}

	static int devid(String vdev) {
		if (vdev.chars().allMatch(Character::isDigit) && !vdev.isEmpty()) {
			return Integer.parseInt(vdev);
		}
		Matcher m = NAME.matcher(vdev);
		if (!m.matches()) {
			throw new IllegalArgumentException("vdev must be xvd<letters>, hd<letters>, sd<letters> or a number: " + vdev);
		}
		int disk = 0;
		for (char c : m.group(2).toCharArray()) {
			disk = disk * 26 + (c - 'a' + 1);
		}
		disk -= 1;
		int partition = m.group(3).isEmpty() ? 0 : Integer.parseInt(m.group(3));
		if (m.group(1).equals("xvd")) {
			return disk < 16 && partition < 16 ? 202 << 8 | disk << 4 | partition : 1 << 28 | disk << 8 | partition;
		}
		if (m.group(1).equals("hd")) {
			if (disk >= 4 || partition >= 64) {
				throw new IllegalArgumentException("hd disks are hda..hdd with partitions 0..63: " + vdev);
			}
			return (disk < 2 ? 3 : 22) << 8 | (disk % 2) << 6 | partition;
		}
		if (disk >= 16 || partition >= 16) {
			throw new IllegalArgumentException("sd disks are sda..sdp with partitions 0..15: " + vdev);
		}
		return 8 << 8 | disk << 4 | partition;
	}

}
