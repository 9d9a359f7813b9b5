package org.xso.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.openqa.selenium.By;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console of a service that runs elsewhere, as it was shipped: CI points it at the image in
 * docker-compose.yml's stack (the service on PostgreSQL, demo guests on) after the README's quick
 * start, with {@code -Dxso.console.url=http://127.0.0.1:PORT} and the admin token
 * ({@code -Dxso.console.token=...} or {@code -Dxso.console.token-file=...}). No Spring context: only
 * the browser and the service behind the URL. The admin token is entered, demo guest 1 is suspended
 * with {@code SHADOW_REPLAY} and its phases arrive over the event stream up to SUCCEEDED, the resume
 * check says resumable, the resume succeeds, both ends of the vbd are Connected again and it lost
 * nothing; the screenshot goes to target/console-screenshots/on-image.png. Guest 1 must be RUNNING
 * when it starts (the quick start leaves it so). Every wait is for a condition on the page. Skipped,
 * with one line saying why, without a URL and token, or where Chromium or chromedriver is missing.
 */
@EnabledIf(value = "aServiceIsGiven", disabledReason = "ConsoleOnImageTests run only against a running service: "
		+ "-Dxso.console.url=http://127.0.0.1:PORT and -Dxso.console.token=... or -Dxso.console.token-file=...")
class ConsoleOnImageTests {

	private static final String URL = System.getProperty("xso.console.url", "").replaceAll("/+$", "");

	private static ConsolePage page;

	static boolean aServiceIsGiven() {
		if (URL.isEmpty() || (System.getProperty("xso.console.token", "").isBlank()
				&& System.getProperty("xso.console.token-file", "").isBlank())) {
			System.err.println("ConsoleOnImageTests skipped: no service given (-Dxso.console.url=http://127.0.0.1:PORT "
					+ "and -Dxso.console.token=... or -Dxso.console.token-file=...)");
			return false;
		}
		return ConsolePage.chromiumIsInstalled("ConsoleOnImageTests");
	}

	private static String token() throws IOException {
		String token = System.getProperty("xso.console.token", "");
		return token.isBlank() ? Files.readString(Path.of(System.getProperty("xso.console.token-file"))).strip()
				: token.strip();
	}

	@BeforeAll
	static void startBrowser() throws IOException {
		page = ConsolePage.start();
	}

	@AfterAll
	static void stopBrowser() {
		if (page != null) {
			page.close();
		}
	}

	@Test
	@Timeout(value = 10, unit = TimeUnit.MINUTES)
	void suspendsAndResumesDemoGuestOneOnTheImage() throws Exception {
		page.open(URL);
		page.signIn(token());
		page.waitForDomainsAndLiveStream(1);
		assertThat(page.sessionToken()).isNotBlank();
		page.waitForText(ConsolePage.domainRow(1, "state"), "RUNNING");

		page.click(By.cssSelector("[data-key='open-1']"));
		page.waitForText(By.id("domain-title"), "Domain 1 · demo-1");
		page.waitForText(ConsolePage.device("vbd-51712", "[data-end='frontend']"), "Connected");
		page.waitForText(ConsolePage.device("vbd-51712", "[data-end='backend']"), "Connected");

		// suspend with SHADOW_REPLAY: the phases arrive over the event stream, as they happen
		page.click(By.id("strategy-shadow"));
		page.click(By.id("suspend"));
		page.waitForText(By.id("operation-title"), "Operation SUSPEND of domain 1");
		page.waitForText(By.cssSelector("#operation-body [data-field='op-state']"), "SUCCEEDED");
		assertThat(page.phaseStates()).containsExactly(Map.entry("QUIESCE", "DONE"), Map.entry("SAVE", "DONE"),
				Map.entry("PERSIST", "DONE"), Map.entry("SUSPEND", "DONE"));
		assertThat(page.browser().findElement(By.id("operation-body")).getText()).contains("SHADOW_REPLAY");
		page.waitForLog("domain 1 SUSPEND", "· QUIESCE RUNNING", "· SAVE RUNNING", "· PERSIST RUNNING",
				"· SUSPEND RUNNING", "domain 1 RUNNING → SUSPENDED");
		page.waitForText(ConsolePage.domainRow(1, "state"), "SUSPENDED");

		// resume: the check first, then the resume
		page.click(By.id("resume-check"));
		page.waitForText(By.cssSelector("#resume-body [data-field='verdict']"), "Resumable");
		assertThat(page.browser().findElements(By.cssSelector("#resume-body .blockers li"))).isEmpty();
		page.click(By.id("resume"));
		page.waitForText(By.id("operation-title"), "Operation RESUME of domain 1");
		page.waitForText(By.cssSelector("#operation-body [data-field='op-state']"), "SUCCEEDED");
		assertThat(page.phaseStates()).containsExactly(Map.entry("VERIFY_CHECKPOINT", "DONE"),
				Map.entry("RESTORE", "DONE"), Map.entry("REGRANT", "DONE"), Map.entry("RECONNECT", "DONE"),
				Map.entry("REPLAY", "DONE"), Map.entry("VERIFY", "DONE"));
		assertThat(page.texts("#operation-body [data-field='all-refs-new']")).containsExactly("yes", "yes");
		page.waitForLog("domain 1 vbd 51712 frontend → Connected", "domain 1 vbd 51712 backend → Connected",
				"domain 1 SUSPENDED → RUNNING");

		// back in the hypervisor, both ends Connected, nothing lost
		page.waitForText(ConsolePage.domainRow(1, "state"), "RUNNING");
		page.waitForText(ConsolePage.device("vbd-51712", "[data-end='frontend']"), "Connected");
		page.waitForText(ConsolePage.device("vbd-51712", "[data-end='backend']"), "Connected");
		page.waitForText(ConsolePage.device("vbd-51712", "[data-counter='lost']"), "lost 0");
		page.waitForText(ConsolePage.device("vbd-51712", "[data-counter='duplicated']"), "duplicated 0");
		Path screenshot = page.screenshot("on-image.png");
		assertThat(Files.size(screenshot)).isPositive();
	}

}
