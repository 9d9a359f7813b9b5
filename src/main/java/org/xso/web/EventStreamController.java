package org.xso.web;

import java.util.Arrays;
import java.util.Set;
import java.util.regex.Pattern;
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
			"domain.updated", "domain.deleted", "domain.recreated", "device.attached", "device.detached", "operation",
			"checkpoint.created", "checkpoint.deleted");

	private static final int MAX_TYPES_LENGTH = 512;

	/** One or more known types, comma-separated: the pattern openapi.yaml gives {@code types}. */
	private static final Pattern TYPE_LIST = Pattern.compile(typeList());

	/** As the contract says: digits only, few enough to be a 64-bit id. */
	private static final Pattern LAST_EVENT_ID = Pattern.compile("[0-9]{1,18}");

	private final EventHub hub;

	private static String typeList() {
		String one = TYPES.stream().sorted().map(Pattern::quote).collect(Collectors.joining("|", "(?:", ")"));
		return one + "(?:," + one + ")*";
	}

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
			throw ApiProblemException.invalid(InvalidParam.query("domid", "must be 1..32751: " + domid));
		}
		if (lastEventId != null && lastEventId < 0) {
			throw ApiProblemException.invalid(InvalidParam.query("lastEventId", "must be >= 0: " + lastEventId));
		}
		return hub.subscribe(new EventFilter(domid, parseTypes(types)), lastEventId(lastEventIdHeader, lastEventId),
				follow);
	}

	private static Set<String> parseTypes(@Nullable String types) {
		if (types == null) {
			return Set.of();
		}
		if (types.length() > MAX_TYPES_LENGTH || !TYPE_LIST.matcher(types).matches()) {
			throw ApiProblemException.invalid(InvalidParam.query("types",
					"must be a comma-separated list (no spaces, at most " + MAX_TYPES_LENGTH + " characters) of "
							+ TYPES.stream().sorted().toList()));
		}
		return Arrays.stream(types.split(",")).collect(Collectors.toSet()); // a type may be named twice
	}

	private static @Nullable Long lastEventId(@Nullable String header, @Nullable Long param) {
		if (header == null) {
			return param;
		}
		try {
			if (!LAST_EVENT_ID.matcher(header).matches()) {
				throw new NumberFormatException();
			}
			return Long.parseLong(header);
		}
		catch (NumberFormatException e) {
			throw ApiProblemException
				.invalid(InvalidParam.header("Last-Event-ID", "must be 1..18 decimal digits (an event id)"));
		}
	}

}
