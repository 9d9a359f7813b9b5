package org.xso.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The frames of a {@code text/event-stream} body, as the event stream's tests read them. */
public final class SseFrames {

	/** One event: its {@code id:}, {@code event:} and the JSON of its {@code data:} lines. */
	public record Frame(long id, String event, JsonNode data) {

		public String principal() {
			return data.get("principal").asString();
		}

		public Optional<String> operationId() {
			return Optional.ofNullable(data.get("operationId")).map(JsonNode::asString);
		}

	}

	private SseFrames() {
	}

	/** Every frame with an {@code event:} line, in order (comments and heartbeats are left out). */
	public static List<Frame> parse(String text, JsonMapper json) {
		List<Frame> frames = new ArrayList<>();
		for (String block : text.split("\n\n")) {
			long id = -1;
			String event = null;
			StringBuilder data = new StringBuilder();
			for (String line : block.split("\n")) {
				if (line.startsWith("id:")) {
					id = Long.parseLong(line.substring(3).trim());
				}
				else if (line.startsWith("event:")) {
					event = line.substring(6).trim();
				}
				else if (line.startsWith("data:")) {
					data.append(line.substring(5));
				}
			}
			if (event != null) {
				frames.add(new Frame(id, event, json.readTree(data.toString())));
			}
		}
		return frames;
	}

}
