package org.xso.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * The service's three roles, each including the ones below it: a {@code viewer} reads (every GET,
 * the event stream, the metrics), an {@code operator} also runs operations (suspend, resume,
 * checkpoints, restore, cancel, periodic checkpointing) and pauses and unpauses guests, an
 * {@code admin} also changes what exists (domains, devices, checkpoint deletion, simulator faults and
 * workloads).
 */
public enum Role {

	VIEWER, OPERATOR, ADMIN;

	/** The role's name as configured and shown: {@code viewer}, {@code operator}, {@code admin}. */
	public String configName() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** Spring Security's authority for exactly this role, {@code ROLE_operator}. */
	public String authority() {
		return "ROLE_" + configName();
	}

	/**
	 * The authorities a caller with this role holds: its own and every role below it, so an access
	 * rule names the smallest role that may do something and the hierarchy needs no second place.
	 */
	public List<GrantedAuthority> grantedAuthorities() {
		List<GrantedAuthority> authorities = new ArrayList<>();
		for (Role r : values()) {
			if (r.ordinal() <= ordinal()) {
				authorities.add(new SimpleGrantedAuthority(r.authority()));
			}
		}
		return List.copyOf(authorities);
	}

	/** The role named {@code viewer}, {@code operator} or {@code admin} (any case). */
	public static Optional<Role> parse(String name) {
		for (Role r : values()) {
			if (r.configName().equalsIgnoreCase(name.trim())) {
				return Optional.of(r);
			}
		}
		return Optional.empty();
	}

	/** The highest role among these authorities, if any. */
	public static Optional<Role> highest(Iterable<? extends GrantedAuthority> authorities) {
		Role best = null;
		for (GrantedAuthority a : authorities) {
			for (Role r : values()) {
				if (r.authority().equals(a.getAuthority()) && (best == null || r.ordinal() > best.ordinal())) {
					best = r;
				}
			}
		}
		return Optional.ofNullable(best);
	}

}
