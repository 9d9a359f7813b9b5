package org.xso.xenhost;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Xen test host ({@code xen-host/build.sh} builds it, {@code xen-host/run.sh} boots it) as the
 * tests use it: QEMU started with two forwarded ports on 127.0.0.1 (the service in dom0, the
 * workload sink's statistics), dom0's console to run commands on (a root shell on hvc0), and an
 * HTTP client that carries the admin token the image was built with.
 *
 * <p>Threads: a reader thread ("xen-host-console") appends QEMU's output to {@code console.log}
 * and to {@link #console}, under that buffer's monitor; the test thread sends commands and waits on
 * the same monitor for their end marker.
 */
final class XenHost implements AutoCloseable {

	/** Where build.sh put the image; the xen-host profile sets it. */
	static final String DIR_PROPERTY = "xso.xen-host.dir";

	/** The terminal's control sequences (bash's bracketed paste, colours) in what a command printed. */
	private static final Pattern ESCAPES = Pattern.compile("\u001B\\[[0-9;?]*[A-Za-z]");

	private final Path dir;

	private final Process qemu;

	private final int servicePort;

	private final int sinkPort;

	private final String token;

	private final StringBuilder console = new StringBuilder();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	/** The longest line sent as it is: Xen's serial input ring for dom0 holds 128 bytes. */
	private static final int LINE_LIMIT = 100;

	/** Base64 characters per line of a longer command's transfer. */
	private static final int PIECE = 48;

	private static final int TRANSFER_ATTEMPTS = 5;

	/**
	 * How long a line's acknowledgement may take before the line counts as garbled. A lost character
	 * is the only reason it never comes; the bound is generous because a busy emulated dom0 answers
	 * late, and a line that did arrive and answers after it is ignored (each attempt has its own tag).
	 */
	private static final Duration ACKNOWLEDGEMENT = Duration.ofMinutes(1);

	private int consumed;

	private int commands;

	private XenHost(Path dir, Process qemu, int servicePort, int sinkPort, String token) {
		this.dir = dir;
		this.qemu = qemu;
		this.servicePort = servicePort;
		this.sinkPort = sinkPort;
		this.token = token;
	}

	/** Why the host cannot be booted here, or empty when it can. */
	static Optional<String> unavailable() {
		String dir = System.getProperty(DIR_PROPERTY);
		if (dir == null || dir.isBlank()) {
			return Optional.of("no Xen test host: -D" + DIR_PROPERTY + " is not set (./mvnw -Pxen-host test, after "
					+ "xen-host/build.sh, boots it and runs these tests; see docs/xen-host.md)");
		}
		if (!Files.exists(Path.of(dir, "dom0.img"))) {
			return Optional.of("no Xen test host image at " + Path.of(dir, "dom0.img") + ": build it with xen-host/build.sh");
		}
		boolean qemu = Optional.ofNullable(System.getenv("PATH"))
			.stream()
			.flatMap(p -> java.util.Arrays.stream(p.split(":")))
			.anyMatch(p -> Files.isExecutable(Path.of(p, "qemu-system-x86_64")));
		return qemu ? Optional.empty() : Optional.of("qemu-system-x86_64 is not installed (Debian: qemu-system-x86)");
	}

	static Path dir() {
		return Path.of(System.getProperty(DIR_PROPERTY)).toAbsolutePath();
	}

	/** Boots the host; returns once dom0's root shell answers. */
	static XenHost boot(Duration timeout) throws IOException {
		Path dir = dir();
		int servicePort = freePort();
		int sinkPort = freePort();
		Path log = dir.resolve("console.log");
		Files.deleteIfExists(log);
		Process qemu = new ProcessBuilder("xen-host/run.sh", dir.toString(), String.valueOf(servicePort),
				String.valueOf(sinkPort))
			.redirectErrorStream(true)
			.start();
		XenHost host = new XenHost(dir, qemu, servicePort, sinkPort,
				Files.readString(dir.resolve("admin-token")).trim());
		Thread reader = new Thread(() -> host.read(qemu.getInputStream(), log), "xen-host-console");
		reader.setDaemon(true);
		reader.start();
		host.expect(Pattern.compile("root@dom0:~# "), timeout);
		// no prompt, no echo, no bracketed paste: what follows a command is its output alone
		host.sh("bind 'set enable-bracketed-paste off'; stty -echo; PS1=''", Duration.ofMinutes(1));
		return host;
	}

	private void read(InputStream in, Path log) {
		byte[] buffer = new byte[8192];
		try (OutputStream out = Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
			int n;
			while ((n = in.read(buffer)) > 0) {
				out.write(buffer, 0, n);
				out.flush();
				synchronized (console) {
					console.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
					console.notifyAll();
				}
			}
		}
		catch (IOException e) {
			// QEMU ended: the waits below report it
		}
		synchronized (console) {
			console.notifyAll();
		}
	}

	/** Waits for the pattern in what the console printed since the last match; returns the match. */
	Matcher expect(Pattern pattern, Duration timeout) {
		long end = System.nanoTime() + timeout.toNanos();
		synchronized (console) {
			while (true) {
				Matcher m = pattern.matcher(console);
				if (m.find(consumed)) {
					consumed = m.end();
					return m;
				}
				long left = end - System.nanoTime();
				if (left <= 0 || !qemu.isAlive()) {
					String tail = console.substring(Math.max(0, console.length() - 2000));
					throw new AssertionError((qemu.isAlive() ? "timed out after " + timeout : "QEMU exited")
							+ " waiting for /" + pattern + "/ on the Xen host's console; its end:\n" + tail);
				}
				try {
					console.wait(Math.max(1, left / 1_000_000));
				}
				catch (InterruptedException e) {
					Thread.currentThread().interrupt();
					throw new AssertionError(e);
				}
			}
		}
	}

	/** Runs a shell command in dom0 and returns what it printed; fails on a non-zero exit status. */
	String sh(String command, Duration timeout) {
		Result r = shell(command, timeout);
		if (r.status() != 0) {
			throw new AssertionError("dom0: `" + command + "` exited with " + r.status() + ":\n" + r.output());
		}
		return r.output();
	}

	record Result(int status, String output) {
	}

	/** Runs a shell command in dom0: its output (without the echoed command) and exit status. */
	Result shell(String command, Duration timeout) {
		int n = ++commands;
		// the marker is split in the command so that the terminal's echo of it does not match
		String end = " 2>&1; echo __XSO''_DONE_" + n + "__ rc=$?\r";
		String line = " " + command + end;
		if (line.getBytes(StandardCharsets.UTF_8).length > LINE_LIMIT) {
			line = " . " + transfer(n, command) + end;
		}
		int from;
		synchronized (console) {
			consumed = console.length();
			from = consumed;
		}
		send(line);
		Matcher m = expect(Pattern.compile("__XSO_DONE_" + n + "__ rc=(\\d+)"), timeout);
		String all;
		synchronized (console) {
			all = console.substring(from, m.start());
		}
		// the terminal echoes the command until the first one turns echo off
		int echoEnd = all.lastIndexOf("__XSO''_DONE_" + n + "__ rc=$?");
		String out = echoEnd < 0 ? all : all.substring(all.indexOf('\n', echoEnd) + 1);
		return new Result(Integer.parseInt(m.group(1)), ESCAPES.matcher(out).replaceAll("").replace("\r", "").replace("root@dom0:~# ", "").strip());
	}

	/**
	 * Puts a command too long for one console line into a file in dom0 and returns the file's path.
	 * Xen buffers what the serial line brings for dom0 in a ring of 128 bytes and drops what does not
	 * fit ({@code SERIAL_RX_SIZE} in xen/drivers/char/console.c); a busy dom0 drains it late, so a
	 * long line sent at once can lose characters. The command goes in base64 pieces of one short line
	 * each, every line acknowledged before the next is sent, and the file's SHA-256 is compared with
	 * the command's before it runs; a lost character shows as a missing acknowledgement or a wrong
	 * hash, and the transfer starts again.
	 */
	private String transfer(int n, String command) {
		byte[] bytes = command.getBytes(StandardCharsets.UTF_8);
		String encoded = Base64.getEncoder().encodeToString(bytes);
		String expected = HexFormat.of().formatHex(sha256(bytes));
		String file = "/tmp/xso-command-" + n;
		for (int attempt = 1; attempt <= TRANSFER_ATTEMPTS; attempt++) {
			String tag = n + "_" + attempt;
			boolean sent = acknowledged("rm -f " + file + ".b64", tag + "_0");
			for (int at = 0, piece = 1; sent && at < encoded.length(); at += PIECE, piece++) {
				String part = encoded.substring(at, Math.min(encoded.length(), at + PIECE));
				// base64 needs no quoting: a lost character leaves a valid line with the wrong content
				sent = acknowledged("echo " + part + ">>" + file + ".b64", tag + "_" + piece);
			}
			if (sent) {
				synchronized (console) {
					consumed = console.length();
				}
				send(" base64 -d " + file + ".b64 >" + file + "; sha256sum " + file + "; echo __XSO\\_SUM_" + tag + "__\r");
				Optional<Matcher> sum = await(Pattern.compile("([0-9a-f]{64})  " + Pattern.quote(file) + "\\s+__XSO_SUM_" + tag + "__"));
				if (sum.isPresent() && sum.get().group(1).equals(expected)) {
					return file;
				}
			}
			// a line that lost its end may still wait for input: drop it before the next attempt
			send("\u0003\r");
		}
		throw new AssertionError("dom0: could not pass a command of " + bytes.length + " bytes through the console in "
				+ TRANSFER_ATTEMPTS + " attempts:\n" + command);
	}

	/** Sends one short line followed by an acknowledgement; whether the acknowledgement came. */
	private boolean acknowledged(String line, String tag) {
		synchronized (console) {
			consumed = console.length();
		}
		// the backslash keeps a terminal's echo of the line from matching the acknowledgement
		send(" " + line + "; echo __XSO\\_ACK_" + tag + "__\r");
		return await(Pattern.compile("__XSO_ACK_" + tag + "__")).isPresent();
	}

	/** {@link #expect} that answers empty instead of failing when the line does not come in time. */
	private Optional<Matcher> await(Pattern pattern) {
		try {
			return Optional.of(expect(pattern, ACKNOWLEDGEMENT));
		}
		catch (AssertionError e) {
			if (!qemu.isAlive()) {
				throw e;
			}
			return Optional.empty();
		}
	}

	private static byte[] sha256(byte[] bytes) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(bytes);
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

	private void send(String text) {
		try {
			OutputStream in = qemu.getOutputStream();
			in.write(text.getBytes(StandardCharsets.UTF_8));
			in.flush();
		}
		catch (IOException e) {
			throw new AssertionError("cannot write to the Xen host's console", e);
		}
	}

	URI service(String path) {
		return URI.create("http://127.0.0.1:" + servicePort + path);
	}

	URI sink(String path) {
		return URI.create("http://127.0.0.1:" + sinkPort + path);
	}

	String token() {
		return token;
	}

	HttpClient http() {
		return http;
	}

	/** A GET to the workload sink's statistics: status and body. */
	HttpResponse<String> sinkGet(String path, Duration timeout) throws IOException, InterruptedException {
		return http.send(HttpRequest.newBuilder(sink(path)).timeout(timeout).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	Path consoleLog() {
		return dir.resolve("console.log");
	}

	@Override
	public void close() {
		qemu.destroy();
		try {
			if (!qemu.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
				qemu.destroyForcibly();
			}
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			qemu.destroyForcibly();
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket s = new ServerSocket(0)) {
			return s.getLocalPort();
		}
	}

}
