package org.xso.web;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
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

	private static final Path CHROMIUM = Path.of(System.getProperty("xso.test.chromium", "/usr/bin/chromium"));

	private static final Path CHROMEDRIVER = Path
		.of(System.getProperty("xso.test.chromedriver", "/usr/bin/chromedriver"));

	/** Where the screenshots go; docs/console.png is a copy of the one after the resume. */
	private static final Path SCREENSHOTS = Path.of("target/console-screenshots");

	private static final Duration PATIENCE = Duration.ofSeconds(90);

	private static ChromeDriverService service;

	private static WebDriver browser;

	@LocalServerPort
	int port;

	@Autowired
	ConsoleServer.StreamRequests streamRequests;

	private WebDriverWait wait;

	/** Whether the browser is there; the class is skipped, with the reason above it, where not. */
	static boolean chromiumIsInstalled() {
		boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
		if (!installed) {
			System.err.println("ConsoleBrowserTests skipped: no Chromium at " + CHROMIUM + " or no chromedriver at "
					+ CHROMEDRIVER + " (apt-get install chromium chromium-driver)");
		}
		return installed;
	}

	@BeforeAll
	static void startBrowser() throws IOException {
		Files.createDirectories(SCREENSHOTS);
		Path profile = Files.createTempDirectory(Path.of("target"), "console-chromium-");
		service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.withLogFile(new File("target/console-chromedriver.log"))
			.build();
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
				"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
				"--user-data-dir=" + profile.toAbsolutePath(), "--window-size=1440,2200", "--lang=en-GB");
		browser = new ChromeDriver(service, options);
	}

	@AfterAll
	static void stopBrowser() {
		if (browser != null) {
			browser.quit();
		}
		if (service != null) {
			service.stop();
		}
	}

	@BeforeEach
	void openTheConsole() {
		wait = new WebDriverWait(browser, PATIENCE);
		wait.ignoring(StaleElementReferenceException.class); // the console re-renders what changed
		// forget the token of the test before on a page of the origin that does not sign in with it
		browser.get("http://127.0.0.1:" + port + "/console/console.css");
		((JavascriptExecutor) browser).executeScript("sessionStorage.clear()");
		browser.get("http://127.0.0.1:" + port + "/");
		wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
	}

	@Test
	@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
	void suspendsAndResumesADemoGuestWithItsPhasesArrivingLive() throws Exception {
		// a wrong token is refused with the service's own problem detail
		signIn("xso_not-a-token-of-this-service-at-all-0000000");
		waitForText(By.id("token-error"), "401 UNAUTHENTICATED");
		assertThat(sessionToken()).isNull();

		signIn(Files.readString(Path.of(ConsoleServer.ADMIN_TOKEN)).strip());
		wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#domains-body tr[data-domid='2']")));
		wait.until(d -> "live".equals(d.findElement(By.id("stream-status")).getDomAttribute("data-state")));
		assertThat(browser.getCurrentUrl()).doesNotContain("xso_");
		assertThat(sessionToken()).startsWith("xso_");

		browser.findElement(By.cssSelector("[data-key='open-1']")).click();
		waitForText(By.id("domain-title"), "Domain 1 · demo-1");
		waitForText(device("vbd-51712", "[data-end='frontend']"), "Connected");
		waitForText(device("vbd-51712", "[data-end='backend']"), "Connected");

		// suspend with the strategy chosen: the operation's phases arrive over the event stream
		browser.findElement(By.id("strategy-suspend-resume")).click();
		browser.findElement(By.id("suspend")).click();
		waitForText(By.id("operation-title"), "Operation SUSPEND of domain 1");
		waitForText(By.cssSelector("#operation-body [data-field='op-state']"), "SUCCEEDED");
		assertThat(phaseStates()).containsExactly(Map.entry("QUIESCE", "DONE"), Map.entry("SAVE", "DONE"),
				Map.entry("PERSIST", "DONE"), Map.entry("SUSPEND", "DONE"));
		assertThat(browser.findElement(By.id("operation-body")).getText()).contains("SUSPEND_RESUME");
		waitForLog("SUSPEND", "· QUIESCE RUNNING", "· SAVE RUNNING", "· PERSIST RUNNING", "· SUSPEND RUNNING",
				"domain 1 vbd 51712 frontend → Closed", "domain 1 vbd 51712 backend → Closed",
				"domain 1 RUNNING → SUSPENDED");
		waitForText(domainRow(1, "state"), "SUSPENDED");

		// the service ends the stream every 5 s: the console comes back with the last event it saw
		long lastSeen = Long.parseLong(eventLogIds().get(0));
		int reconnects = reconnects();
		wait.until(d -> reconnects() > reconnects);
		wait.withMessage(() -> "a reconnect sending Last-Event-ID >= " + lastSeen + "; sent "
				+ streamRequests.lastEventIds())
			.until(d -> streamRequests.lastEventIds()
				.stream()
				.anyMatch(id -> id != null && Long.parseLong(id) >= lastSeen));

		// resume: the dry run first, then the resume
		browser.findElement(By.id("resume-check")).click();
		waitForText(By.cssSelector("#resume-body [data-field='verdict']"), "Resumable");
		assertThat(browser.findElements(By.cssSelector("#resume-body .blockers li"))).isEmpty();
		browser.findElement(By.id("resume")).click();
		waitForText(By.id("operation-title"), "Operation RESUME of domain 1");
		waitForText(By.cssSelector("#operation-body [data-field='op-state']"), "SUCCEEDED");
		assertThat(phaseStates()).containsExactly(Map.entry("VERIFY_CHECKPOINT", "DONE"), Map.entry("RESTORE", "DONE"),
				Map.entry("REGRANT", "DONE"), Map.entry("RECONNECT", "DONE"), Map.entry("REPLAY", "DONE"),
				Map.entry("VERIFY", "DONE"));
		assertThat(browser.findElements(By.cssSelector("#operation-body [data-field='all-refs-new']")))
			.extracting(WebElement::getText)
			.containsExactly("yes", "yes");
		waitForLog("domain 1 vbd 51712 frontend → Connected", "domain 1 vbd 51712 backend → Connected",
				"domain 1 SUSPENDED → RUNNING");

		// back in the hypervisor, both ends Connected, every request completed exactly once
		waitForText(domainRow(1, "state"), "RUNNING");
		waitForText(device("vbd-51712", "[data-end='frontend']"), "Connected");
		waitForText(device("vbd-51712", "[data-end='backend']"), "Connected");
		waitForText(device("vbd-51712", "[data-counter='lost']"), "lost 0");
		waitForText(device("vbd-51712", "[data-counter='duplicated']"), "duplicated 0");
		Path screenshot = screenshot("console.png");
		assertThat(Files.size(screenshot)).isPositive();

		// a live checkpoint, then every checksum of it verified
		browser.findElement(By.id("checkpoint")).click();
		waitForText(By.id("operation-title"), "Operation CHECKPOINT of domain 1");
		waitForText(By.cssSelector("#operation-body [data-field='op-state']"), "SUCCEEDED");
		By live = By.cssSelector("#checkpoints-body tr[data-kind='LIVE']");
		wait.until(ExpectedConditions.visibilityOfElementLocated(live));
		browser.findElement(live).findElement(By.cssSelector("[data-field='integrity'] button")).click();
		waitForText(By.cssSelector("#checkpoints-body tr[data-kind='LIVE'] [data-field='verdict']"), "OK (");
		screenshot("console-checkpoint.png");
	}

	@Test
	@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
	void showsTheServicesRefusalWhenTheRoleIsTooSmall() {
		signIn(TestTokens.VIEWER);
		wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-key='open-2']")));
		browser.findElement(By.cssSelector("[data-key='open-2']")).click();
		waitForText(By.id("domain-title"), "Domain 2");
		wait.until(ExpectedConditions.elementToBeClickable(By.id("suspend")));
		browser.findElement(By.id("suspend")).click();
		waitForText(By.id("actions-error"), "403 FORBIDDEN");
		assertThat(browser.findElement(By.id("actions-error")).getText()).contains("operator");
		browser.findElement(By.id("sign-out")).click();
		wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
		assertThat(sessionToken()).isNull();
	}

	@Test
	@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
	@SuppressWarnings("unchecked")
	void parsesTheEventStreamAcrossChunkBoundaries() {
		// the parser the console reads the stream with, fed a stream cut at awkward places:
		// a CR LF split between chunks, a field split mid-value, an id without data, CR-only lines
		Object result = ((JavascriptExecutor) browser).executeAsyncScript("""
				const done = arguments[arguments.length - 1];
				import('./console/sse.js').then(({ SseParser }) => {
				  const events = [], comments = [];
				  const p = new SseParser(e => events.push(e), c => comments.push(c));
				  for (const chunk of [': stream open\\r', '\\n\\nid: 7\\nevent: operation\\ndata: {"a"',
				      ':1}\\ndata: x\\r\\n\\r\\n', 'id: 8\\n\\n', 'data:y\\r\\r', 'event: ignored\\n\\n', 'data: z']) {
				    p.push(chunk);
				  }
				  done({ events, comments, lastEventId: p.lastEventId });
				}, e => done({ error: String(e) }));
				""");
		Map<String, Object> parsed = (Map<String, Object>) result;
		assertThat(parsed).doesNotContainKey("error");
		assertThat(parsed.get("comments")).isEqualTo(List.of("stream open"));
		assertThat(parsed.get("events")).isEqualTo(List.of(
				Map.of("type", "operation", "data", "{\"a\":1}\nx", "id", "7"),
				Map.of("type", "message", "data", "y", "id", "8")));
		assertThat(parsed.get("lastEventId")).isEqualTo("8");
	}

	private void signIn(String token) {
		WebElement field = browser.findElement(By.id("token"));
		field.clear();
		field.sendKeys(token);
		browser.findElement(By.cssSelector("#token-form button[type='submit']")).click();
	}

	private String sessionToken() {
		return (String) ((JavascriptExecutor) browser).executeScript("return sessionStorage.getItem('xso.console.token')");
	}

	private void waitForText(By locator, String text) {
		wait.withMessage(() -> "waiting for " + locator + " to contain '" + text + "'; the page says: "
				+ browser.findElement(By.tagName("main")).getText())
			.until(textContains(locator, text));
	}

	private void waitForLog(String... texts) {
		wait.withMessage(() -> "waiting for the event log to show " + List.of(texts) + "; it shows " + eventLog())
			.until(d -> List.of(texts).stream().allMatch(eventLog()::contains));
	}

	private static Function<WebDriver, Boolean> textContains(By locator, String text) {
		return d -> d.findElements(locator).stream().anyMatch(e -> e.getText().contains(text));
	}

	private static By device(String device, String cell) {
		return By.cssSelector("#domain-body tr[data-device='" + device + "'] " + cell);
	}

	private static By domainRow(int domid, String field) {
		return By.cssSelector("#domains-body tr[data-domid='" + domid + "'] [data-field='" + field + "']");
	}

	private Map<String, String> phaseStates() {
		Map<String, String> states = new java.util.LinkedHashMap<>();
		for (WebElement phase : browser.findElements(By.cssSelector("#operation-body .timeline li"))) {
			states.put(phase.getDomAttribute("data-phase"), phase.getDomAttribute("data-state"));
		}
		return states;
	}

	private int reconnects() {
		String n = browser.findElement(By.id("stream-position")).getDomAttribute("data-reconnects");
		return n == null ? 0 : Integer.parseInt(n);
	}

	/** The event log's text, including the part inside its closed disclosure. */
	private String eventLog() {
		return (String) ((JavascriptExecutor) browser).executeScript("return document.getElementById('event-log').textContent");
	}

	@SuppressWarnings("unchecked")
	private List<String> eventLogIds() {
		return (List<String>) ((JavascriptExecutor) browser).executeScript(
				"return [...document.querySelectorAll('#event-log li')].map(li => li.dataset.id).filter(id => id)");
	}

	private Path screenshot(String name) throws IOException {
		Path file = SCREENSHOTS.resolve(name);
		Path taken = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
		Files.copy(taken, file, StandardCopyOption.REPLACE_EXISTING);
		return file;
	}

}
