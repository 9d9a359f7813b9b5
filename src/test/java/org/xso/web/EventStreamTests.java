package org.xso.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.RequestBuilder;
import org.xso.support.Guests;
import org.xso.support.IntegrationTest;
import org.xso.support.SseFrames;
import org.xso.support.SseFrames.Frame;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

class EventStreamTests extends IntegrationTest {

	/** One SSE frame. */

	@Test
	void replaysWhatFollowedTheLastEventId() throws Exception {
		long since = maxId();
		createDomain(1);
		suspend(1, Guests.SHADOW_REPLAY);
		awaitEvent("domain.state", since);
		await().until(() -> count("operation", since) >= 6);
		List<Frame> all = replay(get("/api/v1/events?follow=false").header("Last-Event-ID", Long.toString(since)));
		assertThat(all).extracting(Frame::event)
			.contains("domain.created", "xenbus.state", "operation", "checkpoint.created", "domain.state");
		assertThat(all).extracting(Frame::id).isSorted().doesNotHaveDuplicates();
		Frame pivot = all.get(all.size() / 2);
		List<Frame> after = replay(get("/api/v1/events?follow=false").header("Last-Event-ID", Long.toString(pivot.id())));
		assertThat(after).isEqualTo(all.subList(all.size() / 2 + 1, all.size()));
		assertThat(after.get(after.size() - 1).id()).isEqualTo(all.get(all.size() - 1).id());
		Frame suspended = all.stream().filter(f -> f.event().equals("domain.state")).findFirst().orElseThrow();
		assertThat(suspended.data().get("domid").asInt()).isEqualTo(1);
		assertThat(suspended.data().get("data").get("to").asString()).isEqualTo("SUSPENDED");
	}

	@Test
	void filtersByDomainAndType() throws Exception {
		long since = maxId();
		createDomain(1);
		createDomain(2);
		await().until(() -> count("domain.created", since) == 2);
		List<Frame> two = replay(
				get("/api/v1/events?follow=false&domid=2&types=domain.created&lastEventId=" + since));
		assertThat(two).hasSize(1);
		assertThat(two.get(0).data().get("domid").asInt()).isEqualTo(2);
		problem(get("/api/v1/events?types=nonsense"), 400, "VALIDATION_FAILED");
	}

	@Test
	void saysSoWhenEventsAfterTheLastEventIdWerePruned() throws Exception {
		long since = maxId();
		createDomain(1);
		long last = awaitEvent("domain.created", since);
		jdbc.update("delete from event_log where id < ?", last);
		List<Frame> frames = replay(get("/api/v1/events?follow=false").header("Last-Event-ID", "0"));
		assertThat(frames.get(0).event()).isEqualTo("stream.gap");
	}

	@Test
	void prunesEventsOlderThanTheWindow(@org.springframework.beans.factory.annotation.Autowired EventRecorder recorder)
			throws Exception {
		long since = maxId();
		createDomain(1);
		long last = awaitEvent("domain.created", since);
		jdbc.update("update event_log set occurred_at = ? where id <= ?",
				java.sql.Timestamp.from(clock.instant().minus(Duration.ofHours(2))), last);
		recorder.prune();
		assertThat(jdbc.queryForObject("select count(*) from event_log where id <= ?", Integer.class, last)).isZero();
	}

	/**
	 * Pruning deletes a range of ids up to the newest event older than the window, and only the old
	 * ones within it: an event recorded later (a higher id) with an older time goes, the younger
	 * events before it (as another instance's clock may order them) stay.
	 */
	@Test
	void pruningNeverDeletesAnEventYoungerThanTheWindow(
			@org.springframework.beans.factory.annotation.Autowired EventRecorder recorder) throws Exception {
		long since = maxId();
		createDomain(1);
		createDomain(2);
		await().until(() -> count("domain.created", since) == 2);
		long last = maxId();
		jdbc.update("update event_log set occurred_at = ? where id = ?",
				java.sql.Timestamp.from(clock.instant().minus(Duration.ofHours(2))), last);
		String before = "select count(*) from event_log where id > ? and id < ?";
		int younger = jdbc.queryForObject(before, Integer.class, since, last);
		recorder.prune();
		assertThat(jdbc.queryForObject("select count(*) from event_log where id = ?", Integer.class, last)).isZero();
		assertThat(younger).as("events recorded before it").isPositive();
		assertThat(jdbc.queryForObject(before, Integer.class, since, last)).as("the younger events before it")
			.isEqualTo(younger);
	}

	/**
	 * A client whose stream ends before its first event (the service ends streams every few seconds,
	 * a slow client is cut off) reconnects from the position the stream opened at: nothing that
	 * happened while it reconnected is lost.
	 */
	@Test
	void aStreamOpenedWithoutAPositionSaysWhereItStartsSoAReconnectLosesNothing() throws Exception {
		long before = maxId();
		MvcResult first = mvc.perform(get("/api/v1/events?domid=4")).andReturn();
		await().atMost(Duration.ofSeconds(60))
			.until(() -> first.getResponse().getContentAsString().contains(":stream open"));
		String opening = first.getResponse().getContentAsString();
		assertThat(opening).startsWith(":stream open\nid:" + before + "\n\n");
		// the connection drops before any event came; meanwhile the guest is created
		createDomain(4);
		awaitEvent("domain.created", before);
		List<Frame> resumed = replay(get("/api/v1/events?follow=false&domid=4").header("Last-Event-ID", Long.toString(before)));
		assertThat(resumed).extracting(Frame::event).contains("domain.created");
		// a stream resumed from a position opens without one: its client has it already
		MvcResult again = mvc.perform(get("/api/v1/events?follow=false").header("Last-Event-ID", Long.toString(maxId())))
			.andReturn();
		assertThat(mvc.perform(asyncDispatch(again)).andReturn().getResponse().getContentAsString())
			.startsWith(":stream open\n\n");
	}

	@Test
	void followsLiveEvents() throws Exception {
		MvcResult stream = mvc.perform(get("/api/v1/events?domid=3")).andReturn();
		assertThat(stream.getRequest().isAsyncStarted()).isTrue();
		createDomain(3);
		await().atMost(Duration.ofSeconds(60))
			.until(() -> stream.getResponse().getContentAsString().contains("event:domain.created"));
		assertThat(stream.getResponse().getContentType()).startsWith("text/event-stream");
	}

	private long awaitEvent(String type, long since) {
		await().atMost(Duration.ofSeconds(60)).until(() -> count(type, since) > 0);
		return maxId();
	}

	private int count(String type, long since) {
		return jdbc.queryForObject("select count(*) from event_log where event_type = ? and id > ?", Integer.class,
				type, since);
	}

	private long maxId() {
		return jdbc.queryForObject("select coalesce(max(id), 0) from event_log", Long.class);
	}

	private List<Frame> replay(RequestBuilder request) throws Exception {
		MvcResult started = mvc.perform(request).andReturn();
		MvcResult done = mvc.perform(asyncDispatch(started)).andReturn();
		assertThat(done.getResponse().getStatus()).isEqualTo(200);
		return parse(done.getResponse().getContentAsString());
	}

	private List<Frame> parse(String text) {
		return SseFrames.parse(text, json);
	}

}
