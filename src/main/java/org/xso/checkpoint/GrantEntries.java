package org.xso.checkpoint;

import java.util.ArrayList;
import java.util.List;

import org.xso.hypervisor.GrantSnapshot;

/**
 * The grant entries of a saved device as one column ({@code checkpoint_devices.grant_entries}):
 * {@code ref:flags:grantee_domid:frame} per entry, comma-separated, in the order saved; the ref is
 * the unsigned number Xen uses.
 */
final class GrantEntries {

	private GrantEntries() {
	}

	static String encode(List<GrantSnapshot> grants) {
		StringBuilder s = new StringBuilder(grants.size() * 24);
		for (GrantSnapshot g : grants) {
			if (!s.isEmpty()) {
				s.append(',');
			}
			s.append(Integer.toUnsignedLong(g.ref()))
				.append(':')
				.append(g.flags())
				.append(':')
				.append(g.domid())
				.append(':')
				.append(g.frame());
		}
		return s.toString();
	}

	static List<CheckpointViews.SavedGrant> decode(String column) {
		if (column.isEmpty()) {
			return List.of();
		}
		List<CheckpointViews.SavedGrant> out = new ArrayList<>();
		for (String entry : column.split(",")) {
			String[] f = entry.split(":");
			if (f.length != 4) {
				throw new IllegalArgumentException("not a grant entry: " + entry);
			}
			out.add(new CheckpointViews.SavedGrant(Long.parseLong(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]),
					Long.parseLong(f[3])));
		}
		return out;
	}

}
