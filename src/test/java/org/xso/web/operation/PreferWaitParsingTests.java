package org.xso.web.operation;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PreferWaitParsingTests {

	@Test
	void readsTheWaitPreferenceAmongOthers() {
		assertThat(PreferWait.of("wait=5")).contains(Duration.ofSeconds(5));
		assertThat(PreferWait.of("respond-async, wait=5")).contains(Duration.ofSeconds(5));
		assertThat(PreferWait.of("WAIT = \"7\" ; x=y, return=minimal")).contains(Duration.ofSeconds(7));
		assertThat(PreferWait.of("wait=120")).contains(Duration.ofSeconds(30));
	}

	@Test
	void ignoresWhatIsNotAWellFormedWait() {
		assertThat(PreferWait.of(null)).isEmpty();
		assertThat(PreferWait.of("respond-async")).isEmpty();
		assertThat(PreferWait.of("wait=0")).isEmpty();
		assertThat(PreferWait.of("wait=-1")).isEmpty();
		assertThat(PreferWait.of("wait=5s")).isEmpty();
		assertThat(PreferWait.of("nowait=5")).isEmpty();
		assertThat(PreferWait.of("wait=\"5")).isEmpty();
		assertThat(PreferWait.of("wait=99999999999")).isEmpty();
	}

}
