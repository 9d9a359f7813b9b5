package org.xso.web;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

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

/**
 * The console as its browser tests drive it: Debian's headless Chromium through its chromedriver,
 * the token prompt, the domain and operation panels, the event log, screenshots. Every wait is for a
 * condition on the page, for up to {@link #PATIENCE}. One browser per test class (opened by
 * {@link #start}, closed by {@link #close}), used by that class's test thread only.
 */
final class ConsolePage implements AutoCloseable {

	static final Path CHROMIUM = Path.of(System.getProperty("xso.test.chromium", "/usr/bin/chromium"));

	static final Path CHROMEDRIVER = Path.of(System.getProperty("xso.test.chromedriver", "/usr/bin/chromedriver"));

	/** Where the screenshots go; docs/console.png is a copy of ConsoleBrowserTests' one after the resume. */
	static final Path SCREENSHOTS = Path.of("target/console-screenshots");

	/** How long a condition on the page is waited for: the machine may be busy. */
	static final Duration PATIENCE = Duration.ofSeconds(90);

	private final ChromeDriverService service;

	private final WebDriver browser;

	private WebDriverWait wait;

	private ConsolePage(ChromeDriverService service, WebDriver browser) {
		this.service = service;
		this.browser = browser;
		this.wait = newWait();
	}

	/**
	 * Whether Chromium and chromedriver are there; where not, says so in one line naming the test
	 * class that is skipped.
	 */
	static boolean chromiumIsInstalled(String testClass) {
		boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
		if (!installed) {
			System.err.println(testClass + " skipped: no Chromium at " + CHROMIUM + " or no chromedriver at "
					+ CHROMEDRIVER + " (apt-get install chromium chromium-driver)");
		}
		return installed;
	}

	/** Starts a headless Chromium with a profile of its own under target/. */
	static ConsolePage start() throws IOException {
		Files.createDirectories(SCREENSHOTS);
		Path profile = Files.createTempDirectory(Path.of("target"), "console-chromium-");
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.withLogFile(new File("target/console-chromedriver.log"))
			.build();
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
				"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
				"--user-data-dir=" + profile.toAbsolutePath(), "--window-size=1440,2200", "--lang=en-GB");
		try {
			return new ConsolePage(service, new ChromeDriver(service, options));
		}
		catch (RuntimeException e) {
			service.stop();
			throw e;
		}
	}

	@Override
	public void close() {
		try {
			browser.quit();
		}
		finally {
			service.stop();
		}
	}

	WebDriver browser() {
		return browser;
	}

	/** The wait of the current page; {@link #open} starts a new one. */
	WebDriverWait await() {
		return wait;
	}

	private WebDriverWait newWait() {
		WebDriverWait w = new WebDriverWait(browser, PATIENCE);
		w.ignoring(StaleElementReferenceException.class); // the console re-renders what changed
		return w;
	}

	/**
	 * Opens the console at {@code baseUrl} (scheme, host and port) signed out: the token of a test
	 * before is forgotten on a page of the origin that does not sign in with it.
	 */
	void open(String baseUrl) {
		wait = newWait();
		browser.get(baseUrl + "/console/console.css");
		script("sessionStorage.clear()");
		browser.get(baseUrl + "/");
		wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
	}

	void signIn(String token) {
		WebElement field = browser.findElement(By.id("token"));
		field.clear();
		field.sendKeys(token);
		browser.findElement(By.cssSelector("#token-form button[type='submit']")).click();
	}

	/** Waits until the domains are listed, demo guest {@code domid} among them, and the stream is live. */
	void waitForDomainsAndLiveStream(int domid) {
		wait.until(ExpectedConditions
			.visibilityOfElementLocated(By.cssSelector("#domains-body tr[data-domid='" + domid + "']")));
		wait.until(d -> "live".equals(d.findElement(By.id("stream-status")).getDomAttribute("data-state")));
	}

	String sessionToken() {
		return (String) script("return sessionStorage.getItem('xso.console.token')");
	}

	/**
	 * Clicks what the locator finds once it can: the console re-renders a table when the stream opens
	 * (it reads everything again), so an element found just before may be replaced before the click.
	 */
	void click(By locator) {
		wait.until(d -> {
			d.findElement(locator).click();
			return true;
		});
	}

	void waitForText(By locator, String text) {
		wait.withMessage(() -> "waiting for " + locator + " to contain '" + text + "'; the page says: "
				+ browser.findElement(By.tagName("main")).getText())
			.until(textContains(locator, text));
	}

	void waitForLog(String... texts) {
		wait.withMessage(() -> "waiting for the event log to show " + List.of(texts) + "; it shows " + eventLog())
			.until(d -> List.of(texts).stream().allMatch(eventLog()::contains));
	}

	private static Function<WebDriver, Boolean> textContains(By locator, String text) {
		return d -> d.findElements(locator).stream().anyMatch(e -> e.getText().contains(text));
	}

	static By device(String device, String cell) {
		return By.cssSelector("#domain-body tr[data-device='" + device + "'] " + cell);
	}

	static By domainRow(int domid, String field) {
		return By.cssSelector("#domains-body tr[data-domid='" + domid + "'] [data-field='" + field + "']");
	}

	/**
	 * The operation panel's timeline: each phase and its state, in order, read in one script so that
	 * a re-rendering of the panel cannot come between two phases.
	 */
	@SuppressWarnings("unchecked")
	Map<String, String> phaseStates() {
		Map<String, String> states = new LinkedHashMap<>();
		for (List<String> phase : (List<List<String>>) script("return [...document.querySelectorAll("
				+ "'#operation-body .timeline li')].map(li => [li.dataset.phase, li.dataset.state])")) {
			states.put(phase.get(0), phase.get(1));
		}
		return states;
	}

	/** The text of each element the CSS selector finds, read in one script (see {@link #phaseStates}). */
	@SuppressWarnings("unchecked")
	List<String> texts(String cssSelector) {
		return (List<String>) ((JavascriptExecutor) browser).executeScript(
				"return [...document.querySelectorAll(arguments[0])].map(e => e.textContent.trim())", cssSelector);
	}

	/** How many times the console resumed the event stream. */
	int reconnects() {
		String n = browser.findElement(By.id("stream-position")).getDomAttribute("data-reconnects");
		return n == null ? 0 : Integer.parseInt(n);
	}

	/** The event log's text, including the part inside its closed disclosure. */
	String eventLog() {
		return (String) script("return document.getElementById('event-log').textContent");
	}

	/** The ids of the events in the log, newest first. */
	@SuppressWarnings("unchecked")
	List<String> eventLogIds() {
		return (List<String>) script(
				"return [...document.querySelectorAll('#event-log li')].map(li => li.dataset.id).filter(id => id)");
	}

	Object script(String script) {
		return ((JavascriptExecutor) browser).executeScript(script);
	}

	Object asyncScript(String script) {
		return ((JavascriptExecutor) browser).executeAsyncScript(script);
	}

	/** Saves what the browser shows to {@link #SCREENSHOTS}{@code /name}. */
	Path screenshot(String name) throws IOException {
		Path file = SCREENSHOTS.resolve(name);
		Path taken = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
		Files.copy(taken, file, StandardCopyOption.REPLACE_EXISTING);
		return file;
	}

}
