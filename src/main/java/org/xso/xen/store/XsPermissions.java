package org.xso.xen.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

import org.xso.xen.DomId;

/**
 * A node's access control list, as {@code xenstored} keeps it. The first entry names the owner
 * and the access every domain not listed further gets; further entries grant named domains. The
 * owner and dom0 always have full access.
 *
 * <p>
 * The string form is the one {@code xenstore-ls -p} prints between parentheses, e.g.
 * {@code n1,r0}: owner 1, no access for others, read for dom0.
 */
public record XsPermissions(List<XsPerm> entries) {

	public XsPermissions {
		Objects.requireNonNull(entries, "entries");
		if (entries.isEmpty()) {
			throw new IllegalArgumentException("permissions need at least the owner entry: " + entries);
		}
		entries = List.copyOf(entries);
	}

	/** {@code owner} owns the node; every other domain (except dom0) has no access. */
	public static XsPermissions owner(DomId owner) {
		return new XsPermissions(List.of(new XsPerm(owner, XsAccess.NONE)));
	}

	/**
	 * Parses the {@code xenstore-ls -p} form: entries separated by commas, whitespace or NULs (the
	 * wire form of SET_PERMS), optionally within parentheses.
	 */
	public static XsPermissions parse(String text) {
		String body = text.strip();
		if (body.startsWith("(") && body.endsWith(")")) {
			body = body.substring(1, body.length() - 1);
		}
		List<XsPerm> perms = new ArrayList<>();
		for (String token : body.split("[,\\s\\x00]+")) {
			if (!token.isEmpty()) {
				perms.add(XsPerm.parse(token));
			}
		}
		if (perms.isEmpty()) {
			throw new IllegalArgumentException("permissions need at least the owner entry: " + text);
		}
		return new XsPermissions(perms);
	}

	public DomId ownerId() {
		return entries.get(0).domid();
	}

	/** The access of domains that are neither the owner nor listed. */
	public XsAccess defaultAccess() {
		return entries.get(0).access();
	}

	/** The access {@code domid} has, as {@code perm_for_conn} computes it. */
	public XsAccess accessFor(DomId domid) {
		if (domid.isDom0() || domid.equals(ownerId())) {
			return XsAccess.BOTH;
		}
		for (int i = 1; i < entries.size(); i++) {
			if (entries.get(i).domid().equals(domid)) {
				return entries.get(i).access();
			}
		}
		return defaultAccess();
	}

	public boolean canRead(DomId domid) {
		return accessFor(domid).canRead();
	}

	public boolean canWrite(DomId domid) {
		return accessFor(domid).canWrite();
	}

	/** These permissions with {@code domid} also allowed to read (keeping any write it had). */
	public XsPermissions withReader(DomId domid) {
		return withAccess(domid, listedAccess(domid).plus(XsAccess.READ));
	}

	/** These permissions with {@code domid}'s entry set to exactly {@code access}. */
	public XsPermissions withAccess(DomId domid, XsAccess access) {
		List<XsPerm> copy = new ArrayList<>(entries);
		XsPerm entry = new XsPerm(domid, access);
		for (int i = 1; i < copy.size(); i++) {
			if (copy.get(i).domid().equals(domid)) {
				copy.set(i, entry);
				return new XsPermissions(copy);
			}
		}
		copy.add(entry);
		return new XsPermissions(copy);
	}

	/** These permissions owned by {@code newOwner}, other entries unchanged. */
	public XsPermissions withOwner(DomId newOwner) {
		List<XsPerm> copy = new ArrayList<>(entries);
		copy.set(0, new XsPerm(newOwner, defaultAccess()));
		return new XsPermissions(copy);
	}

	private XsAccess listedAccess(DomId domid) {
		for (int i = 1; i < entries.size(); i++) {
			if (entries.get(i).domid().equals(domid)) {
				return entries.get(i).access();
			}
		}
		return XsAccess.NONE;
	}

	@Override
	public String toString() {
		return entries.stream().map(XsPerm::toString).collect(Collectors.joining(","));
	}

}
