package org.xso.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.xso.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console in a real browser (Debian's headless Chromium, driven through its chromedriver)
 * against the running service: a token is entered, a demo guest is suspended with a chosen strategy
 * and its phases arrive over the event stream to SUCCEEDED, the stream is resumed after the service
 * ended it (the browser sends Last-Event-ID), the resume is checked first and then run, the devices
 * come back Connected with nothing lost, and a live checkpoint is taken and verified. Every wait is
 * for a condition on the page. Skipped, saying so, where Chromium or chromedriver is missing.
 */
@ConsoleServer
@EnabledIf(value = "chromiumIsInstalled", disabledReason = "console browser tests skipped: they need Chromium at "
		+ "/usr/bin/chromium and chromedriver at /usr/bin/chromedriver (Debian: apt-get install chromium chromium-driver; "
		+ "other paths with -Dxso.test.chromium=... -Dxso.test.chromedriver=...)")
class ConsoleBrowserTests {

	private static ConsolePage page;

	@LocalServerPort
	int port;

	@Autowired
	ConsoleServer.StreamRequests streamRequests;

	private WebDriver browser;

	/** Whether the browser is there; the class is skipped, with the reason above it, where not. */
	static boolean chromiumIsInstalled() {
		return ConsolePage.chromiumIsInstalled("ConsoleBrowserTests");
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

	@BeforeEach
	void openTheConsole() {
		browser = page.browser();
		page.open("http://127.0.0.1:" + port);
	}

	@Test
	@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
	void suspendsAndResumesADemoGuestWithItsPhasesArrivingLive() throws Exception {
		// a wrong token is refused with the service's own problem detail
		page.signIn("xso_not-a-token-of-this-service-at-all-0000000");
		page.waitForText(By.id("token-error"), "401 UNAUTHENTICATED");
		assertThat(page.sessionToken()).isNull();

		page.signIn(Files.readString(Path.of(ConsoleServer.ADMIN_TOKEN)).strip());
		page.waitForDomainsAndLiveStream(2);
		assertThat(browser.getCurrentUrl()).doesNotContain("xso_");
		assertThat(page.sessionToken()).startsWith("xso_");

		page.click(By.cssSelector("[data-key='open-1']"));
		page.waitForText(By.id("domain-title"), "Domain 1 · demo-1");
		page.waitForText(ConsolePage.device("vbd-51712", "[data-end='frontend']"), "Connected");
		page.waitForText(ConsolePage.device("vbd-51712", "[data-end='backend']"), "Connected");

		// suspend with the strategy chosen: the operation's phases arrive over the event stream
		browser.findElement(By.id("strategy-suspend-resume")).click();
		page.click(By.id("suspend"));
		page.waitForText(By.id("operation-title"), "Operation SUSPEND of domain 1");
		page.waitForText(By.cssSelector("#operation-body [data-field='op-state']"), "SUCCEEDED");
		assertThat(page.phaseStates()).containsExactly(Map.entry("QUIESCE", "DONE"), Map.entry("SAVE", "DONE"),
				Map.entry("PERSIST", "DONE"), Map.entry("SUSPEND", "DONE"));
		assertThat(browser.findElement(By.id("operation-body")).getText()).contains("SUSPEND_RESUME");
		page.waitForLog("SUSPEND", "· QUIESCE RUNNING", "· SAVE RUNNING", "· PERSIST RUNNING", "· SUSPEND RUNNING",
				"domain 1 vbd 51712 frontend → Closed", "domain 1 vbd 51712 backend → Closed",
				"domain 1 RUNNING → SUSPENDED");
		page.waitForText(ConsolePage.domainRow(1, "state"), "SUSPENDED");

		// the service ends the stream every 5 s: the console comes back with the last event it saw
		long lastSeen = Long.parseLong(page.eventLogIds().get(0));
		int reconnects = page.reconnects();
		page.await().until(d -> page.reconnects() > reconnects);
		page.await().withMessage(() -> "a reconnect sending Last-Event-ID >= " + lastSeen + "; sent "
				+ streamRequests.lastEventIds())
			.until(d -> streamRequests.lastEventIds()
				.stream()
				.anyMatch(id -> id != null && Long.parseLong(id) >= lastSeen));

		// resume: the dry run first, then the resume
		browser.findElement(By.id("resume-check")).click();
		page.waitForText(By.cssSelector("#resume-body [data-field='verdict']"), "Resumable");
		assertThat(browser.findElements(By.cssSelector("#resume-body .blockers li"))).isEmpty();
		browser.findElement(By.id("resume")).click();
		page.waitForText(By.id("operation-title"), "Operation RESUME of domain 1");
		page.waitForText(By.cssSelector("#operation-body [data-field='op-state']"), "SUCCEEDED");
		assertThat(page.phaseStates()).containsExactly(Map.entry("VERIFY_CHECKPOINT", "DONE"), Map.entry("RESTORE", "DONE"),
				Map.entry("REGRANT", "DONE"), Map.entry("RECONNECT", "DONE"), Map.entry("REPLAY", "DONE"),
				Map.entry("VERIFY", "DONE"));
		assertThat(page.texts("#operation-body [data-field='all-refs-new']")).containsExactly("yes", "yes");
		page.waitForLog("domain 1 vbd 51712 frontend → Connected", "domain 1 vbd 51712 backend → Connected",
				"domain 1 SUSPENDED → RUNNING");

		// back in the hypervisor, both ends Connected, every request completed exactly once
		page.waitForText(ConsolePage.domainRow(1, "state"), "RUNNING");
		page.waitForText(ConsolePage.device("vbd-51712", "[data-end='frontend']"), "Connected");
		page.waitForText(ConsolePage.device("vbd-51712", "[data-end='backend']"), "Connected");
		page.waitForText(ConsolePage.device("vbd-51712", "[data-counter='lost']"), "lost 0");
		page.waitForText(ConsolePage.device("vbd-51712", "[data-counter='duplicated']"), "duplicated 0");
		Path screenshot = page.screenshot("console.png");
		assertThat(Files.size(screenshot)).isPositive();

		// a live checkpoint, then every checksum of it verified
		browser.findElement(By.id("checkpoint")).click();
		page.waitForText(By.id("operation-title"), "Operation CHECKPOINT of domain 1");
		page.waitForText(By.cssSelector("#operation-body [data-field='op-state']"), "SUCCEEDED");
		By live = By.cssSelector("#checkpoints-body tr[data-kind='LIVE']");
		page.await().until(ExpectedConditions.visibilityOfElementLocated(live));
		browser.findElement(live).findElement(By.cssSelector("[data-field='integrity'] button")).click();
		page.waitForText(By.cssSelector("#checkpoints-body tr[data-kind='LIVE'] [data-field='verdict']"), "OK (");
		page.screenshot("console-checkpoint.png");

		// pause and unpause: synchronous changes, the domain as the service answered it
		browser.findElement(By.id("pause")).click();
		page.waitForText(ConsolePage.domainRow(1, "state"), "PAUSED");
		page.waitForLog("domain 1 RUNNING → PAUSED");
		page.await().until(d -> !d.findElement(By.id("suspend")).isEnabled() && !d.findElement(By.id("pause")).isEnabled());
		browser.findElement(By.id("unpause")).click();
		page.waitForText(ConsolePage.domainRow(1, "state"), "RUNNING");
		page.waitForLog("domain 1 PAUSED → RUNNING");
		page.await().until(d -> d.findElement(By.id("suspend")).isEnabled() && !d.findElement(By.id("unpause")).isEnabled());

		// one host: nowhere to move the guest to, and the console says so rather than offering it
		page.waitForText(By.id("move-help"), "No other host that is up");
		assertThat(browser.findElement(By.id("move")).isEnabled()).isFalse();
	}

	@Test
	@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
	void showsTheServicesRefusalWhenTheRoleIsTooSmall() {
		page.signIn(TestTokens.VIEWER);
		page.waitForDomainsAndLiveStream(2);
		page.click(By.cssSelector("[data-key='open-2']"));
		page.waitForText(By.id("domain-title"), "Domain 2");
		page.await().until(ExpectedConditions.elementToBeClickable(By.id("suspend")));
		page.click(By.id("suspend"));
		page.waitForText(By.id("actions-error"), "403 FORBIDDEN");
		assertThat(browser.findElement(By.id("actions-error")).getText()).contains("operator");
		page.click(By.id("sign-out"));
		page.await().until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
		assertThat(page.sessionToken()).isNull();
	}

	@Test
	@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
	@SuppressWarnings("unchecked")
	void parsesTheEventStreamAcrossChunkBoundaries() {
		// the parser the console reads the stream with, fed a stream cut at awkward places:
		// a CR LF split between chunks, a field split mid-value, an id without data, CR-only lines
		Object result = page.asyncScript("""
				const done = arguments[arguments.length - 1];
				import('./console/sse.js').then(({ SseParser }) => {
				  const events = [], comments = [], positions = [];
				  const p = new SseParser(e => events.push(e), c => comments.push(c), id => positions.push(id));
				  for (const chunk of [': stream open\\r', '\\n\\nid: 7\\nevent: operation\\ndata: {"a"',
				      ':1}\\ndata: x\\r\\n\\r\\n', 'id: 8\\n\\n', 'data:y\\r\\r', 'event: ignored\\n\\n', 'data: z']) {
				    p.push(chunk);
				  }
				  done({ events, comments, positions, lastEventId: p.lastEventId });
				}, e => done({ error: String(e) }));
				""");
		Map<String, Object> parsed = (Map<String, Object>) result;
		assertThat(parsed).doesNotContainKey("error");
		assertThat(parsed.get("comments")).isEqualTo(List.of("stream open"));
		assertThat(parsed.get("events")).isEqualTo(List.of(
				Map.of("type", "operation", "data", "{\"a\":1}\nx", "id", "7"),
				Map.of("type", "message", "data", "y", "id", "8")));
		assertThat(parsed.get("lastEventId")).isEqualTo("8");
		// a message without data dispatches nothing but says where the stream stands (the service's
		// opening message carries the position a stream without Last-Event-ID starts at)
		assertThat(parsed.get("positions")).isEqualTo(List.of("", "8", "8"));
	}

}
