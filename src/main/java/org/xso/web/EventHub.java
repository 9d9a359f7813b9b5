package org.xso.web;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The live subscribers of the event stream. Each one gets its own sender thread (bounded by
 * {@code xso.events.max-subscribers}) that first replays the log after the client's Last-Event-ID
 * and then follows the live feed, so a slow client never holds up the recorder or another client.
 */
@Component
class EventHub implements DisposableBean {

	private final Set<SseSubscriber> subscribers = new CopyOnWriteArraySet<>();

	private final EventLogRepository events;

	private final EventProperties properties;

	private final JsonMapper json;

	private final ExecutorService senders;

	EventHub(EventLogRepository events, EventProperties properties, JsonMapper json) {
		this.events = events;
		this.properties = properties;
		this.json = json;
		AtomicInteger n = new AtomicInteger();
		this.senders = new ThreadPoolExecutor(0, properties.maxSubscribers(), 30, TimeUnit.SECONDS,
				new SynchronousQueue<>(), r -> {
					Thread t = new Thread(r, "xso-sse-" + n.incrementAndGet());
					t.setDaemon(true);
					return t;
				});
	}

	SseEmitter subscribe(EventFilter filter, @Nullable Long lastEventId, boolean follow) {
		if (subscribers.size() >= properties.maxSubscribers()) {
			throw new ApiProblemException(ProblemType.SERVICE_OVERLOADED,
					"too many event-stream clients; retry later");
		}
		SseEmitter emitter = new SseEmitter(follow ? properties.streamTimeout().toMillis() : 60_000L);
		SseSubscriber subscriber = new SseSubscriber(emitter, filter, events, json, properties.heartbeat(),
				subscribers::remove);
		long upTo;
		synchronized (this) {
			if (follow) {
				subscribers.add(subscriber);
			}
			upTo = events.maxId();
		}
		try {
			senders.execute(() -> subscriber.run(lastEventId, upTo, follow));
		}
		catch (java.util.concurrent.RejectedExecutionException e) {
			subscribers.remove(subscriber);
			throw new ApiProblemException(ProblemType.SERVICE_OVERLOADED, "too many event-stream clients; retry later");
		}
		return emitter;
	}

	synchronized void broadcast(List<EventLogEntry> entries) {
		for (SseSubscriber s : subscribers) {
			s.offer(entries);
		}
	}

	int subscriberCount() {
		return subscribers.size();
	}

	@Override
	public void destroy() {
		subscribers.forEach(SseSubscriber::close);
		senders.shutdownNow();
	}

}
