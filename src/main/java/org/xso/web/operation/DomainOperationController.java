package org.xso.web.operation;

import java.security.Principal;
import java.util.UUID;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.xso.audit.Principals;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.operation.OperationQueries;
import org.xso.operation.OperationRequests;
import org.xso.operation.OperationViews;
import org.xso.operation.Operations;
import org.xso.web.ApiProblemException;
import org.xso.web.ETags;
import org.xso.web.IdempotencyKeys;
import org.xso.web.InvalidParam;

/**
 * The operations started on a domain: suspend, resume (and the check whether it can), a move to
 * another host, live and periodic checkpoints; each records the caller's principal as its {@code requestedBy}.
 */
@RestController
@RequestMapping("/api/v1/domains/{domid}")
class DomainOperationController {

	private final Operations operations;

	private final OperationQueries queries;

	private final OperationResponses responses;

	DomainOperationController(Operations operations, OperationQueries queries, OperationResponses responses) {
		this.operations = operations;
		this.queries = queries;
		this.responses = responses;
	}

	@PostMapping("/suspend")
	ResponseEntity<OperationViews.OperationView> suspend(@PathVariable @Min(1) @Max(32751) int domid,
			@RequestBody OperationRequests.QuiesceRequest request,
			@RequestHeader(name = IdempotencyKeys.HEADER, required = false) @Nullable String key,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Size(max = 256) @Nullable String ifMatch,
			@RequestHeader(name = PreferWait.PREFER, required = false) @Size(max = 256) @Nullable String prefer,
			@Nullable Principal principal) {
		return responses.started(operations.suspend(domid, request, IdempotencyKeys.validate(key),
				ETags.ifMatch(ifMatch), Principals.of(principal)), prefer);
	}

	@PostMapping("/resume")
	ResponseEntity<OperationViews.OperationView> resume(@PathVariable @Min(1) @Max(32751) int domid,
			@RequestParam(required = false) @Nullable Boolean dryRun,
			@RequestBody(required = false) OperationRequests.@Nullable ResumeRequest request,
			@RequestHeader(name = IdempotencyKeys.HEADER, required = false) @Nullable String key,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Size(max = 256) @Nullable String ifMatch,
			@RequestHeader(name = PreferWait.PREFER, required = false) @Size(max = 256) @Nullable String prefer,
			@Nullable Principal principal) {
		if (Boolean.TRUE.equals(dryRun)) {
			// the check has its own operation (one 2xx body per operation); never start a resume the
			// client meant as a check
			throw ApiProblemException.invalid(InvalidParam.query("dryRun",
					"is no longer supported here: GET /api/v1/domains/" + domid + "/resume-check checks"));
		}
		OperationRequests.ResumeRequest r = request == null ? new OperationRequests.ResumeRequest(null, null, null, null, null)
				: request;
		return responses.started(operations.resume(domid, r, IdempotencyKeys.validate(key),
				ETags.ifMatch(ifMatch), Principals.of(principal)), prefer);
	}

	@PostMapping("/move")
	ResponseEntity<OperationViews.OperationView> move(@PathVariable @Min(1) @Max(32751) int domid,
			@RequestBody OperationRequests.MoveRequest request,
			@RequestHeader(name = IdempotencyKeys.HEADER, required = false) @Nullable String key,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Size(max = 256) @Nullable String ifMatch,
			@RequestHeader(name = PreferWait.PREFER, required = false) @Size(max = 256) @Nullable String prefer,
			@Nullable Principal principal) {
		return responses.started(operations.move(domid, request, IdempotencyKeys.validate(key),
				ETags.ifMatch(ifMatch), Principals.of(principal)), prefer);
	}

	/** Whether the domain could be resumed here (from its suspend checkpoint or the one named), and if not why. */
	@GetMapping("/resume-check")
	OperationViews.ResumeCheck resumeCheck(@PathVariable @Min(1) @Max(32751) int domid,
			@RequestParam(required = false) @Nullable UUID checkpointId) {
		return queries.resumeCheck(domid, checkpointId);
	}

	/** Whether the domain could be suspended (or checkpointed) now with the strategy, and if not why. */
	@GetMapping("/suspend-check")
	OperationViews.SuspendCheck suspendCheck(@PathVariable @Min(1) @Max(32751) int domid,
			@RequestParam SuspendStrategy strategy) {
		return queries.suspendCheck(domid, strategy);
	}

	@PostMapping("/checkpoints")
	ResponseEntity<OperationViews.OperationView> checkpoint(@PathVariable @Min(1) @Max(32751) int domid,
			@RequestBody OperationRequests.QuiesceRequest request,
			@RequestHeader(name = IdempotencyKeys.HEADER, required = false) @Nullable String key,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Size(max = 256) @Nullable String ifMatch,
			@RequestHeader(name = PreferWait.PREFER, required = false) @Size(max = 256) @Nullable String prefer,
			@Nullable Principal principal) {
		return responses.started(operations.checkpoint(domid, request, IdempotencyKeys.validate(key),
				ETags.ifMatch(ifMatch), Principals.of(principal)), prefer);
	}

	@PostMapping("/periodic-checkpoints")
	ResponseEntity<OperationViews.OperationView> periodic(@PathVariable @Min(1) @Max(32751) int domid,
			@RequestBody OperationRequests.PeriodicRequest request,
			@RequestHeader(name = IdempotencyKeys.HEADER, required = false) @Nullable String key,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Size(max = 256) @Nullable String ifMatch,
			@RequestHeader(name = PreferWait.PREFER, required = false) @Size(max = 256) @Nullable String prefer,
			@Nullable Principal principal) {
		return responses.started(operations.periodic(domid, request, IdempotencyKeys.validate(key),
				ETags.ifMatch(ifMatch), Principals.of(principal)), prefer);
	}

}
