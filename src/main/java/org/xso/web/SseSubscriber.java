package org.xso.web;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.springframework.data.domain.Limit;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

/**
 * One client of the event stream: replays the log from its Last-Event-ID up to the id that was
 * newest when it subscribed, then sends what the recorder hands it, skipping anything it already
 * sent. A client that falls more than the queue behind is disconnected; it resumes losslessly with
 * Last-Event-ID.
 */
final class SseSubscriber {

	private static final int REPLAY_BATCH = 500;

	private static final int QUEUE_LIMIT = 10_000;

	private final SseEmitter emitter;

	private final EventFilter filter;

	private final EventLogRepository events;

	private final JsonMapper json;

	private final Duration heartbeat;

	private final Consumer<SseSubscriber> onEnd;

	private final BlockingQueue<EventLogEntry> queue = new LinkedBlockingQueue<>(QUEUE_LIMIT);

	private volatile boolean closed;

	private long lastSent;

	SseSubscriber(SseEmitter emitter, EventFilter filter, EventLogRepository events, JsonMapper json,
			Duration heartbeat, Consumer<SseSubscriber> onEnd) {
		this.emitter = emitter;
		this.filter = filter;
		this.events = events;
		this.json = json;
		this.heartbeat = heartbeat;
		this.onEnd = onEnd;
		emitter.onCompletion(this::close);
		emitter.onTimeout(this::close);
		emitter.onError(e -> close());
	}

	void offer(List<EventLogEntry> entries) {
		for (EventLogEntry e : entries) {
			if (!closed && filter.accepts(e.domid(), e.type()) && !queue.offer(e)) {
				close(); // too slow: let it reconnect with Last-Event-ID
				return;
			}
		}
	}

	void run(@Nullable Long lastEventId, long upTo, boolean follow) {
		try {
			// an SSE comment first: the stream is open (the headers go out now), and a replay with
			// nothing to replay is still a body, never an empty 200. A stream opened without a
			// position starts after the newest event: its opening message says which (an id with no
			// data sets a client's last event ID without dispatching anything), so a client that
			// is disconnected before the first event comes resumes from there instead of losing
			// what happened while it reconnected
			SseEmitter.SseEventBuilder open = SseEmitter.event().comment("stream open");
			emitter.send(lastEventId == null ? open.id(Long.toString(upTo)) : open);
			lastSent = lastEventId == null ? upTo : lastEventId;
			if (lastEventId != null) {
				replay(lastEventId, upTo);
			}
			if (!follow) {
				emitter.complete();
				return;
			}
			while (!closed) {
				EventLogEntry e = queue.poll(heartbeat.toMillis(), TimeUnit.MILLISECONDS);
				if (e == null) {
					emitter.send(SseEmitter.event().comment("keep-alive"));
				}
				else if (e.id() > lastSent) {
					send(e);
				}
			}
		}
		catch (IOException | IllegalStateException e) {
			close();
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			close();
		}
	}

	private void replay(long after, long upTo) throws IOException {
		long oldest = events.minId();
		if (after < oldest - 1) {
			emitter.send(SseEmitter.event()
				.name("stream.gap")
				.data("{\"detail\":\"events after " + after + " up to " + (oldest - 1)
						+ " were pruned from the log; re-read the resources\",\"oldestAvailable\":" + oldest + "}"));
		}
		long from = after;
		while (!closed) {
			List<EventLogEntry> page = events.after(from, upTo, filter.domid(), Limit.of(REPLAY_BATCH));
			for (EventLogEntry e : page) {
				if (filter.accepts(e.domid(), e.type())) {
					send(e);
				}
				from = e.id();
			}
			if (page.size() < REPLAY_BATCH) {
				lastSent = Math.max(lastSent, upTo);
				return;
			}
		}
	}

	private void send(EventLogEntry e) throws IOException {
		emitter.send(SseEmitter.event()
			.id(Long.toString(e.id()))
			.name(e.type())
			.data(json.writeValueAsString(EventEnvelope.of(e))));
		lastSent = e.id();
	}

	void close() {
		if (!closed) {
			closed = true;
			onEnd.accept(this);
			try {
				emitter.complete();
			}
			catch (IllegalStateException ignored) {
				// already completed
			}
		}
	}

}
