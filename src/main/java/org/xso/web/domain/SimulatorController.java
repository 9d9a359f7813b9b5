package org.xso.web.domain;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.xso.domain.SimulatorRequests;
import org.xso.domain.SimulatorService;

/** Simulator only: a guest's workload, disk verification, fault injection. */
@RestController
class SimulatorController {

	private final SimulatorService simulator;

	SimulatorController(SimulatorService simulator) {
		this.simulator = simulator;
	}

	@GetMapping("/api/v1/domains/{domid}/workload")
	SimulatorRequests.WorkloadStatus workload(@PathVariable @Min(1) @Max(32751) int domid) {
		return simulator.workload(domid);
	}

	@PostMapping("/api/v1/domains/{domid}/workload")
	SimulatorRequests.WorkloadStatus command(@PathVariable @Min(1) @Max(32751) int domid,
			@RequestBody SimulatorRequests.WorkloadCommand command) {
		return simulator.command(domid, command);
	}

	@PostMapping("/api/v1/domains/{domid}/workload/verify")
	SimulatorRequests.VerifyResult verify(@PathVariable @Min(1) @Max(32751) int domid,
			@RequestBody(required = false) SimulatorRequests.@Nullable VerifyRequest request) {
		return simulator.verify(domid, request == null ? new SimulatorRequests.VerifyRequest(null) : request);
	}

	@PostMapping("/api/v1/simulator/faults")
	ResponseEntity<Void> fault(@RequestBody SimulatorRequests.Fault fault) {
		simulator.inject(fault);
		return ResponseEntity.noContent().build();
	}

}
