package org.xso.web;

import java.util.Set;

import org.jspecify.annotations.Nullable;

/** What a subscriber wants: one domain's events or all, some event types or all. */
record EventFilter(@Nullable Integer domid, Set<String> types) {

	EventFilter {
		types = Set.copyOf(types);
	}

	boolean accepts(@Nullable Integer eventDomid, String type) {
		return (domid == null || domid.equals(eventDomid)) && (types.isEmpty() || types.contains(type));
	}

}
