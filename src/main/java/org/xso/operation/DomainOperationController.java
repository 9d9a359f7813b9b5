package org.xso.operation;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.xso.web.IdempotencyKeys;

/** The operations started on a domain: suspend, resume (or its dry run), live and periodic checkpoints. */
@RestController
@RequestMapping("/api/v1/domains/{domid}")
class DomainOperationController {

	private final OperationService operations;

	private final ResumeChecker checker;

	DomainOperationController(OperationService operations, ResumeChecker checker) {
		this.operations = operations;
		this.checker = checker;
	}

	@PostMapping("/suspend")
	ResponseEntity<OperationViews.OperationView> suspend(@PathVariable @Min(1) @Max(32751) int domid,
			@RequestBody OperationRequests.QuiesceRequest request,
			@RequestHeader(name = IdempotencyKeys.HEADER, required = false) @Nullable String key,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch) {
		return OperationResponses.accepted(operations.suspend(domid, request, key, ifMatch));
	}

	@PostMapping("/resume")
	ResponseEntity<?> resume(@PathVariable @Min(1) @Max(32751) int domid,
			@RequestParam(defaultValue = "false") boolean dryRun,
			@RequestBody(required = false) OperationRequests.@Nullable ResumeRequest request,
			@RequestHeader(name = IdempotencyKeys.HEADER, required = false) @Nullable String key,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch) {
		OperationRequests.ResumeRequest r = request == null ? new OperationRequests.ResumeRequest(null, null)
				: request;
		if (dryRun) {
			return ResponseEntity.ok(checker.check(domid, r.checkpointId()));
		}
		return OperationResponses.accepted(operations.resume(domid, r, key, ifMatch));
	}

	@PostMapping("/checkpoints")
	ResponseEntity<OperationViews.OperationView> checkpoint(@PathVariable @Min(1) @Max(32751) int domid,
			@RequestBody OperationRequests.QuiesceRequest request,
			@RequestHeader(name = IdempotencyKeys.HEADER, required = false) @Nullable String key,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch) {
		return OperationResponses.accepted(operations.checkpoint(domid, request, key, ifMatch));
	}

	@PostMapping("/periodic-checkpoints")
	ResponseEntity<OperationViews.OperationView> periodic(@PathVariable @Min(1) @Max(32751) int domid,
			@RequestBody OperationRequests.PeriodicRequest request,
			@RequestHeader(name = IdempotencyKeys.HEADER, required = false) @Nullable String key,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch) {
		return OperationResponses.accepted(operations.periodic(domid, request, key, ifMatch));
	}

}
