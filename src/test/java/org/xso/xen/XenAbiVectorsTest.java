package org.xso.xen;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The vectors themselves: the test copy is current and every section the ring code checks
 * exists.
 */
class XenAbiVectorsTest {

	@Test
	void testCopyIsIdenticalToSharedVectors() throws IOException {
		assumeTrue(Files.isRegularFile(XenAbiVectors.SHARED), "no shared vectors next to the project");
		assertThat(XenAbiVectors.resourceBytes())
			.as("src/test/resources/xen-abi.json must be a verbatim copy of shared/vectors/xen-abi.json")
			.isEqualTo(Files.readAllBytes(XenAbiVectors.SHARED));
	}

	@Test
	void comeFromTheXenHeadersForX8664() {
		assertThat(XenAbiVectors.get("source").asString()).contains("x86_64").contains("4.17");
	}

	@Test
	void encodingsCoverOnlyTypesThisModelChecksOrLeavesToGrantTables() {
		Set<String> types = new HashSet<>();
		for (JsonNode encoding : XenAbiVectors.get("encodings")) {
			types.add(encoding.get("type").asString());
		}
		assertThat(types).containsExactlyInAnyOrder("blkif_request", "blkif_response", "netif_tx_request",
				"netif_tx_response", "netif_rx_request", "netif_rx_response", "grant_entry_v1");
	}

	@Test
	void ringTraceHas120StepsFromJustBelowTwoToThe32() {
		JsonNode trace = XenAbiVectors.get("ring_trace");
		assertThat(trace.get("steps").size()).isEqualTo(120);
		assertThat(XenAbiVectors.u64(trace.get("start_index"))).isEqualTo(0xFFFF_FFF0L);
		assertThat(trace.get("ring").asString()).isEqualTo("blkif");
		assertThat(trace.get("pages").asInt()).isEqualTo(1);
	}

}
