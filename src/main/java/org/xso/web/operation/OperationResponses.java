package org.xso.web.operation;

import java.net.URI;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.xso.operation.OperationSubmitter;
import org.xso.operation.OperationViews;

/** 202 Accepted with the operation's Location; a replay of an Idempotency-Key says so in a header. */
final class OperationResponses {

	static final String REPLAYED = "Idempotent-Replayed";

	private OperationResponses() {
	}

	static ResponseEntity<OperationViews.OperationView> accepted(OperationSubmitter.Submitted s) {
		return ResponseEntity.status(HttpStatus.ACCEPTED)
			.location(URI.create("/api/v1/operations/" + s.operation().id()))
			.header(REPLAYED, Boolean.toString(s.repeated()))
			.body(s.operation());
	}

}
