package org.xso.xen.store;

import java.util.Objects;

import org.xso.xen.DomId;

/** One entry of a node's access control list, shown as e.g. {@code r1}. */
public record XsPerm(DomId domid, XsAccess access) {

	public XsPerm {
		Objects.requireNonNull(domid, "domid");
		Objects.requireNonNull(access, "access");
	}

	/** Parses {@code <letter><domid>}, e.g. {@code b0} or {@code r12}. */
	public static XsPerm parse(String text) {
		if (text.length() < 2) {
			throw new IllegalArgumentException("permission must be <n|r|w|b><domid>: " + text);
		}
		try {
			return new XsPerm(DomId.of(Integer.parseInt(text.substring(1))), XsAccess.of(text.charAt(0)));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("permission must be <n|r|w|b><domid>: " + text, ex);
		}
	}

	@Override
	public String toString() {
		return access.letter() + domid.toString();
	}

}
