package org.xso.web.operation;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.xso.operation.OperationQueries;
import org.xso.operation.OperationViews;
import org.xso.operation.Submitted;

/**
 * The answer to a request that started an operation: 202 Accepted with the operation's Location at
 * once, or, when the client prefers to wait ({@code Prefer: wait=N}), 200 with the finished
 * operation if it ends within the wait and 202 with the operation as it is if it does not. A replay
 * of an Idempotency-Key says so in a header.
 */
@Component
class OperationResponses {

	static final String REPLAYED = "Idempotent-Replayed";

	private final OperationQueries queries;

	OperationResponses(OperationQueries queries) {
		this.queries = queries;
	}

	ResponseEntity<OperationViews.OperationView> started(Submitted s, @Nullable String prefer) {
		Optional<Duration> wait = PreferWait.of(prefer);
		OperationViews.OperationView now = wait.isEmpty() ? s.operation()
				: queries.awaitEnd(s.operation().id(), wait.get());
		ResponseEntity.BodyBuilder answer = ResponseEntity
			.status(wait.isPresent() && now.state().isTerminal() ? HttpStatus.OK : HttpStatus.ACCEPTED)
			.location(URI.create("/api/v1/operations/" + now.id()))
			.header(REPLAYED, Boolean.toString(s.repeated()));
		wait.ifPresent(w -> answer.header(PreferWait.APPLIED, "wait=" + w.toSeconds()));
		return answer.body(now);
	}

}
