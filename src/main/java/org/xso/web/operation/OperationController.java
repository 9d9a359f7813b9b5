package org.xso.web.operation;

import java.security.Principal;
import java.util.UUID;

import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.xso.audit.Principals;
import org.xso.operation.OperationKind;
import org.xso.operation.OperationQueries;
import org.xso.operation.OperationRequests;
import org.xso.operation.OperationState;
import org.xso.operation.OperationViews;
import org.xso.operation.Operations;
import org.xso.web.ApiProblemException;
import org.xso.web.ETags;
import org.xso.web.IdempotencyKeys;
import org.xso.web.InvalidParam;
import org.xso.web.PageView;
import org.xso.web.Paging;

/** {@code /api/v1/operations}: list, read, cancel; {@code POST /api/v1/checkpoints/{id}/restore}. */
@RestController
class OperationController {

	private final OperationQueries queries;

	private final Operations operations;

	private final OperationResponses responses;

	/** The longest a read of an operation may wait for its end. */
	static final long MAX_WAIT_MS = PreferWait.MAX.toMillis();

	OperationController(OperationQueries queries, Operations operations, OperationResponses responses) {
		this.queries = queries;
		this.operations = operations;
		this.responses = responses;
	}

	/** Newest first; {@code requestedBy} is an exact match on the principal that requested them. */
	@GetMapping("/api/v1/operations")
	PageView<OperationViews.OperationView> list(@RequestParam(required = false) @Nullable Integer domid,
			@RequestParam(required = false) @Nullable OperationKind kind,
			@RequestParam(required = false) @Nullable OperationState state,
			@RequestParam(required = false) @Nullable String requestedBy, @RequestParam(defaultValue = "0") int page,
			@RequestParam(defaultValue = "20") int size) {
		if (domid != null && (domid < 1 || domid > 32751)) {
			throw ApiProblemException.invalid(InvalidParam.query("domid", "must be 1..32751: " + domid));
		}
		if (requestedBy != null && !Principals.valid(requestedBy)) {
			throw ApiProblemException.invalid(InvalidParam.query("requestedBy",
					"must be 1.." + Principals.MAX_LENGTH + " characters, none of them a control character"));
		}
		return PageView.of(queries.list(domid, kind, state, requestedBy, Paging.of(page, size).request()));
	}

	/** {@code waitMs} > 0: answer once the operation has ended, or after that long (long polling). */
	@GetMapping("/api/v1/operations/{id}")
	OperationViews.OperationView get(@PathVariable UUID id, @RequestParam(defaultValue = "0") long waitMs) {
		if (waitMs < 0 || waitMs > MAX_WAIT_MS) {
			throw ApiProblemException.invalid(InvalidParam.query("waitMs", "must be 0.." + MAX_WAIT_MS + ": " + waitMs));
		}
		return waitMs == 0 ? queries.view(id) : queries.awaitEnd(id, java.time.Duration.ofMillis(waitMs));
	}

	@PostMapping("/api/v1/operations/{id}/cancel")
	ResponseEntity<OperationViews.OperationView> cancel(@PathVariable UUID id, @Nullable Principal principal) {
		return ResponseEntity.status(HttpStatus.ACCEPTED).body(operations.cancel(id, Principals.of(principal)));
	}

	@PostMapping("/api/v1/checkpoints/{id}/restore")
	ResponseEntity<OperationViews.OperationView> restore(@PathVariable UUID id,
			@RequestBody(required = false) OperationRequests.@Nullable RestoreRequest request,
			@RequestHeader(name = IdempotencyKeys.HEADER, required = false) @Nullable String key,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Size(max = 256) @Nullable String ifMatch,
			@RequestHeader(name = PreferWait.PREFER, required = false) @Size(max = 256) @Nullable String prefer,
			@Nullable Principal principal) {
		OperationRequests.RestoreRequest r = request == null ? new OperationRequests.RestoreRequest(null, null, null, null)
				: request;
		return responses.started(
				operations.restore(id, r, IdempotencyKeys.validate(key), ETags.ifMatch(ifMatch), Principals.of(principal)),
				prefer);
	}

}
