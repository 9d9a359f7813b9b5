import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The Xen test host's workload sink, in dom0. Each test guest reports every block it wrote, read
 * back and verified as a line {@code "<n> <verdict>"} over TCP on its vif (n counts from 1 and
 * never repeats within a run of the guest). Per guest address the sink counts reports, reports
 * missing from the sequence (lost), repeated (duplicated, as after a restore of an older state), bad
 * verdicts (the first 20 kept), and every pause of more than a second between two reports (what
 * the guest's I/O was stalled for, as dom0 sees it; under software emulation a block takes 50 to
 * 300 ms). An HTTP endpoint for the tests: {@code GET /stats} (JSON) and
 * {@code GET /verify?guest=ADDR} (asks the guest to check every block it wrote).
 *
 * <p>Threads: one accepting thread and one thread per connection update a guest's {@code Guest}
 * under its monitor; the HTTP thread reads them under the same monitor.
 */
public final class WorkloadSink {

	private static final long STALL_MS = 1000;

	private static final Map<String, Guest> GUESTS = new TreeMap<>();

	static final class Guest {
		long received, last, lost, duplicated, bad, connections, lastAt, runs = 1;
		final List<long[]> stalls = new ArrayList<>(); // {at (epoch ms), length (ms), seq after}

		final List<String> badReports = new ArrayList<>();

		synchronized void report(long n, String verdict) {
			long now = System.currentTimeMillis();
			if (n == 1 && last > 1) {
				// a new guest at this address (the workload numbers from 1 again): a new run
				received = last = lost = duplicated = bad = lastAt = 0;
				stalls.clear();
				badReports.clear();
				runs++;
			}
			if (lastAt != 0 && now - lastAt > STALL_MS) {
				stalls.add(new long[] { now, now - lastAt, n });
			}
			lastAt = now;
			received++;
			if (n <= last) {
				duplicated++;
			}
			else if (n > last + 1 && last != 0) {
				lost += n - last - 1;
			}
			last = Math.max(last, n);
			if (!"ok".equals(verdict)) {
				bad++;
				if (badReports.size() < 20) {
					badReports.add(n + " " + verdict);
				}
			}
		}

		synchronized String json() {
			StringBuilder s = new StringBuilder();
			s.append("{\"received\":").append(received).append(",\"last\":").append(last).append(",\"lost\":")
				.append(lost).append(",\"duplicated\":").append(duplicated).append(",\"bad\":").append(bad)
				.append(",\"connections\":").append(connections).append(",\"runs\":").append(runs).append(",\"lastAt\":").append(lastAt)
				.append(",\"stalls\":[");
			for (int i = 0; i < stalls.size(); i++) {
				long[] st = stalls.get(i);
				s.append(i == 0 ? "" : ",").append("{\"at\":").append(st[0]).append(",\"ms\":").append(st[1])
					.append(",\"seq\":").append(st[2]).append('}');
			}
			s.append("],\"badReports\":[");
			for (int i = 0; i < badReports.size(); i++) {
				s.append(i == 0 ? "" : ",").append('"').append(badReports.get(i)).append('"');
			}
			return s.append("]}").toString();
		}
	}

	public static void main(String[] args) throws IOException {
		InetSocketAddress reports = new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1]));
		InetSocketAddress http = new InetSocketAddress(InetAddress.getByName(args[2]), Integer.parseInt(args[3]));
		HttpServer server = HttpServer.create(http, 16);
		server.createContext("/stats", WorkloadSink::stats);
		server.createContext("/verify", WorkloadSink::verify);
		server.start();
		// xenbr0's address may come up after the sink starts
		ServerSocket listener = null;
		while (listener == null) {
			try {
				listener = new ServerSocket();
				listener.bind(reports, 64);
			}
			catch (IOException notYet) {
				listener.close();
				listener = null;
				sleep(500);
			}
		}
		System.out.println("sink listening on " + reports + ", statistics on " + http);
		while (true) {
			Socket socket = listener.accept();
			Thread reader = new Thread(() -> read(socket), "guest-" + socket.getInetAddress().getHostAddress());
			reader.setDaemon(true);
			reader.start();
		}
	}

	private static void read(Socket socket) {
		String address = socket.getInetAddress().getHostAddress();
		Guest guest;
		synchronized (GUESTS) {
			guest = GUESTS.computeIfAbsent(address, a -> new Guest());
		}
		synchronized (guest) {
			guest.connections++;
		}
		try (socket; BufferedReader in = new BufferedReader(
				new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))) {
			String line;
			while ((line = in.readLine()) != null) {
				String[] parts = line.trim().split(" ");
				if (parts.length == 2) {
					try {
						guest.report(Long.parseLong(parts[0]), parts[1]);
					}
					catch (NumberFormatException garbled) {
						guest.report(0, "garbled");
					}
				}
			}
		}
		catch (IOException e) {
			System.out.println(address + ": " + e);
		}
	}

	private static void stats(HttpExchange exchange) throws IOException {
		StringBuilder s = new StringBuilder("{\"now\":").append(System.currentTimeMillis()).append(",\"guests\":{");
		synchronized (GUESTS) {
			int i = 0;
			for (Map.Entry<String, Guest> e : GUESTS.entrySet()) {
				s.append(i++ == 0 ? "" : ",").append('"').append(e.getKey()).append("\":").append(e.getValue().json());
			}
		}
		respond(exchange, 200, "application/json", s.append("}}").toString());
	}

	private static void verify(HttpExchange exchange) throws IOException {
		String query = String.valueOf(exchange.getRequestURI().getQuery());
		String guest = query.startsWith("guest=") ? query.substring(6) : "";
		if (!guest.matches("10\\.99\\.0\\.\\d{1,3}")) {
			respond(exchange, 400, "text/plain", "guest=10.99.0.N expected\n");
			return;
		}
		try {
			HttpResponse<String> answer = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
				.send(HttpRequest.newBuilder(URI.create("http://" + guest + "/cgi-bin/verify"))
					.timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString());
			respond(exchange, answer.statusCode(), "text/plain", answer.body());
		}
		catch (IOException | InterruptedException e) {
			respond(exchange, 502, "text/plain", "guest " + guest + " did not answer: " + e + "\n");
		}
	}

	private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", type);
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	private static void sleep(long ms) {
		try {
			Thread.sleep(ms);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

}
