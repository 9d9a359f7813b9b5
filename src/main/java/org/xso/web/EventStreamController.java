package org.xso.web;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /api/v1/events}: Server-Sent Events of xenbus state changes, domain state changes and
 * operation progress, optionally for one domain and some types. {@code Last-Event-ID} (or the
 * {@code lastEventId} parameter) replays what followed that event while it is still in the log;
 * {@code follow=false} ends the stream after the replay.
 */
@RestController
@RequestMapping("/api/v1/events")
class EventStreamController {

	private static final Set<String> TYPES = Set.of("xenbus.state", "domain.power", "domain.state", "domain.created",
			"domain.deleted", "domain.recreated", "device.attached", "device.detached", "operation",
			"checkpoint.created", "checkpoint.deleted");

	private final EventHub hub;

	EventStreamController(EventHub hub) {
		this.hub = hub;
	}

	@GetMapping(produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	SseEmitter stream(@RequestParam(required = false) @Nullable Integer domid,
			@RequestParam(required = false) @Nullable String types,
			@RequestParam(defaultValue = "true") boolean follow,
			@RequestParam(required = false) @Nullable Long lastEventId,
			@RequestHeader(name = "Last-Event-ID", required = false) @Nullable String lastEventIdHeader) {
		if (domid != null && (domid < 1 || domid > 32751)) {
			throw ProblemException.invalid(InvalidParam.query("domid", "must be 1..32751: " + domid));
		}
		return hub.subscribe(new EventFilter(domid, parseTypes(types)), lastEventId(lastEventIdHeader, lastEventId),
				follow);
	}

	private static Set<String> parseTypes(@Nullable String types) {
		if (types == null || types.isBlank()) {
			return Set.of();
		}
		Set<String> parsed = Arrays.stream(types.split(",")).map(String::trim).collect(Collectors.toSet());
		for (String t : parsed) {
			if (!TYPES.contains(t)) {
				throw ProblemException.invalid(InvalidParam.query("types", "unknown event type '" + t + "'"));
			}
		}
		return parsed;
	}

	private static @Nullable Long lastEventId(@Nullable String header, @Nullable Long param) {
		if (header == null || header.isBlank()) {
			return param;
		}
		try {
			long id = Long.parseLong(header.trim());
			if (id < 0) {
				throw new NumberFormatException();
			}
			return id;
		}
		catch (NumberFormatException e) {
			throw ProblemException.invalid(InvalidParam.header("Last-Event-ID", "must be a non-negative integer"));
		}
	}

}
