package org.xso.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import javax.sql.DataSource;

import net.ttddyy.dsproxy.ExecutionInfo;
import net.ttddyy.dsproxy.QueryInfo;
import net.ttddyy.dsproxy.StatementType;
import net.ttddyy.dsproxy.listener.MethodExecutionContext;
import net.ttddyy.dsproxy.listener.MethodExecutionListener;
import net.ttddyy.dsproxy.listener.QueryExecutionListener;
import net.ttddyy.dsproxy.support.ProxyDataSource;
import net.ttddyy.dsproxy.support.ProxyDataSourceBuilder;
import org.springframework.beans.factory.config.BeanPostProcessor;
import tools.jackson.databind.JsonNode;

/**
 * The database work of the service started in process, counted at its {@code DataSource}: the
 * load driver's figures of transactions and statements per cycle come from here, not from an
 * estimate. The bean is wrapped by datasource-proxy from the bench's side ({@link #wrapper()},
 * registered by {@link ServiceUnderTest}), so the service's code and jar know nothing of it.
 *
 * <p>
 * A <b>transaction</b> is a commit or a rollback of a connection out of auto-commit, or one
 * execution on an auto-commit connection (JDBC commits a statement, or a whole batch, on its
 * own). What JDBC ends implicitly is counted too: {@code setAutoCommit(true)} with work open
 * commits it, and closing a connection with work open hands it back to the pool, which rolls it
 * back. A transaction that executed nothing (the connection prepared for it, then committed) is
 * counted and reported as empty. A <b>statement</b> is each statement executed, each one of a
 * JDBC batch included; the batch executions are counted apart. Each statement is also counted
 * under its verb and first table ({@code insert event_log}, {@code select for update
 * domain_leases}) and under what its thread was doing: {@link #REQUEST} and {@link #WORKER} are
 * the operation's path, the {@link #EVENT_WRITER} writes the event log behind it, the
 * {@link #SCHEDULE} and the {@link #EPOCH_WRITER} are periodic checkpointing's, anything else is a
 * background job.
 *
 * <p>
 * Counting costs a few adds to striped counters per statement and per commit: nothing is logged
 * or kept per statement, and a statement's verb and table are parsed once per SQL text. The
 * counters only grow: a measurement is the difference of two {@link #settled()} snapshots.
 */
final class DatabaseWork {

	/** The HTTP request threads: the API calls themselves (creating an operation, polling it). */
	static final String REQUEST = "request";

	/** The operation workers: the operation's own phases. */
	static final String WORKER = "worker";

	/** The event log's writer thread, which inserts the events of committed work in batches, after it. */
	static final String EVENT_WRITER = "event writer";

	/** A periodic checkpoint's schedule (quiesce, capture, thaw, hand the epoch over; its start and end). */
	static final String SCHEDULE = "periodic schedule";

	/** The epoch writers, which persist the epochs of periodic checkpointing in batches. */
	static final String EPOCH_WRITER = "epoch writer";

	/** Any other thread: schedulers (lease renewal, recovery, pruning). */
	static final String BACKGROUND = "background";

	private final Map<String, Tally> tallies = new ConcurrentHashMap<>();

	private final ThreadLocal<Tally> threadTally = ThreadLocal.withInitial(
			() -> this.tallies.computeIfAbsent(origin(Thread.currentThread().getName()), (o) -> new Tally()));

	/** Connections (datasource-proxy's ids) out of auto-commit that executed something not yet ended. */
	private final Set<String> open = ConcurrentHashMap.newKeySet();

	/** SQL text to its verb and table, so that each text is parsed once. */
	private final Map<String, String> keys = new ConcurrentHashMap<>();

	/** Wraps the context's {@code DataSource} bean (the pool) in the counting proxy. */
	BeanPostProcessor wrapper() {
		return new BeanPostProcessor() {
			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				return (bean instanceof DataSource dataSource && !(bean instanceof ProxyDataSource)) ? wrap(dataSource)
						: bean;
			}
		};
	}

	DataSource wrap(DataSource dataSource) {
		return ProxyDataSourceBuilder.create("counted", dataSource)
			.listener(new Executions())
			.methodListener(new Ends())
			.build();
	}

	/** What the service's database work has been so far. */
	Snapshot snapshot() {
		Map<String, Counts> byOrigin = new TreeMap<>();
		this.tallies.forEach((origin, tally) -> byOrigin.put(origin, tally.read()));
		return new Snapshot(byOrigin);
	}

	/**
	 * A snapshot once nothing has been counted for 100 ms (at most 2 s): the event log is written
	 * by its own thread just after the work it records, and a window's edge must not cut it off.
	 */
	Snapshot settled() throws InterruptedException {
		Snapshot last = snapshot();
		long end = System.nanoTime() + 2_000_000_000L;
		int quiet = 0;
		while (quiet < 4 && System.nanoTime() < end) {
			Thread.sleep(25);
			Snapshot now = snapshot();
			Counts a = now.total();
			Counts b = last.total();
			quiet = (a.statements() == b.statements() && a.transactions() == b.transactions()) ? quiet + 1 : 0;
			last = now;
		}
		return last;
	}

	/** What the thread named {@code thread} is doing in the service. */
	static String origin(String thread) {
		if (thread.startsWith("http-")) {
			return REQUEST;
		}
		if (thread.startsWith("xso-op-")) {
			return WORKER;
		}
		if (thread.startsWith("xso-event-writer")) {
			return EVENT_WRITER;
		}
		if (thread.startsWith("xso-periodic-")) {
			return SCHEDULE;
		}
		if (thread.startsWith("xso-epoch-writer")) {
			return EPOCH_WRITER;
		}
		return BACKGROUND + " (" + thread.replaceFirst("[-0-9]+$", "") + ")";
	}

	static boolean onPath(String origin) {
		return REQUEST.equals(origin) || WORKER.equals(origin);
	}

	/**
	 * A statement's verb and the tables it names at its top level, lower case: {@code insert
	 * operation_phases}, {@code select operations join operation_devices}, {@code select for update
	 * domain_leases}; the verb alone when it names none.
	 */
	static String key(String sql) {
		String s = sql.strip().toLowerCase(Locale.ROOT);
		while (s.startsWith("/*")) {
			int end = s.indexOf("*/");
			s = (end < 0) ? "" : s.substring(end + 2).strip();
		}
		String[] words = topLevel(s).trim().split("[\\s,;]+");
		String verb = words[0];
		List<String> tables = new ArrayList<>();
		switch (verb) {
			case "insert", "merge" -> tables.add(after(words, "into", 1));
			case "update" -> tables.add(after(words, "update", 0));
			case "delete" -> tables.add(after(words, "from", 0));
			case "select", "with" -> {
				tables.add(after(words, "from", 0));
				for (int i = 0; i < words.length - 1; i++) {
					if (words[i].equals("join")) {
						tables.add("join " + table(words[i + 1]));
					}
				}
				if (s.matches("(?s).*\\bfor\\s+(no\\s+key\\s+)?update\\b.*")) {
					verb = verb + " for update";
				}
			}
			default -> {
			}
		}
		tables.removeIf(String::isEmpty);
		return tables.isEmpty() ? verb : verb + " " + String.join(" ", tables);
	}

	/** {@code sql} with whatever is inside parentheses blanked out: subqueries, column lists, values. */
	private static String topLevel(String sql) {
		StringBuilder sb = new StringBuilder(sql.length());
		int depth = 0;
		for (int i = 0; i < sql.length(); i++) {
			char c = sql.charAt(i);
			if (c == '(') {
				depth++;
			}
			sb.append((depth == 0) ? c : ' ');
			if (c == ')' && depth > 0) {
				depth--;
			}
		}
		return sb.toString();
	}

	/** The table named by the first word after {@code word}, searched from {@code from}; empty if none. */
	private static String after(String[] words, String word, int from) {
		for (int i = from; i < words.length - 1; i++) {
			if (words[i].equals(word)) {
				return table(words[i + 1]);
			}
		}
		return "";
	}

	/** A table's name without its schema and quotes. */
	private static String table(String word) {
		String t = word.replace("\"", "").replace("`", "");
		return t.substring(t.lastIndexOf('.') + 1).replaceAll("[^a-z0-9_$]+$", "");
	}

	private String keyOf(String sql) {
		String key = this.keys.get(sql);
		if (key == null) {
			key = key(sql);
			// SQL built with a list of values (the pruner's "in (?, ?, ...)") varies: keep the cache bounded
			if (this.keys.size() < 10_000) {
				this.keys.put(sql, key);
			}
		}
		return key;
	}

	private static boolean autoCommit(Connection connection) {
		try {
			return connection.getAutoCommit();
		}
		catch (SQLException e) {
			return false;
		}
	}

	/** Counts each execution: its statements, by verb and table, and the batch or transaction it was. */
	private final class Executions implements QueryExecutionListener {

		@Override
		public void beforeQuery(ExecutionInfo info, List<QueryInfo> queries) {
		}

		@Override
		public void afterQuery(ExecutionInfo info, List<QueryInfo> queries) {
			if (!info.getMethod().getName().startsWith("execute") || queries.isEmpty()) {
				return;
			}
			Tally tally = DatabaseWork.this.threadTally.get();
			// a prepared batch is one text executed with each set of parameters; a plain one, a text per statement
			int each = (info.isBatch() && info.getStatementType() != StatementType.STATEMENT) ? info.getBatchSize() : 1;
			long n = 0;
			for (QueryInfo query : queries) {
				tally.count(keyOf(query.getQuery()), each);
				n += each;
			}
			if (n == 0) {
				return;
			}
			tally.statements.add(n);
			if (info.isBatch()) {
				tally.batches.increment();
				tally.batchedStatements.add(n);
			}
			Statement statement = info.getStatement();
			boolean autoCommit;
			try {
				autoCommit = autoCommit(statement.getConnection());
			}
			catch (SQLException e) {
				autoCommit = false;
			}
			if (autoCommit) {
				tally.autoCommitExecutions.increment();
			}
			else {
				DatabaseWork.this.open.add(info.getConnectionId());
			}
		}

	}

	/** Counts the ends of transactions: commits and rollbacks, asked for or implied. */
	private final class Ends implements MethodExecutionListener {

		@Override
		public void beforeMethod(MethodExecutionContext context) {
		}

		@Override
		public void afterMethod(MethodExecutionContext context) {
			if (!(context.getTarget() instanceof Connection connection) || context.getThrown() != null) {
				return;
			}
			Object[] args = context.getMethodArgs();
			String id = context.getConnectionInfo().getConnectionId();
			switch (context.getMethod().getName()) {
				// rollback(Savepoint) ends no transaction; a commit in auto-commit mode commits nothing
				case "commit", "rollback" -> {
					if ((args == null || args.length == 0) && !autoCommit(connection)) {
						end(context.getMethod().getName().equals("commit"), DatabaseWork.this.open.remove(id));
					}
				}
				// JDBC commits the open transaction when auto-commit is switched back on
				case "setAutoCommit" -> {
					if (Boolean.TRUE.equals(args[0]) && DatabaseWork.this.open.remove(id)) {
						end(true, true);
					}
				}
				// the pool rolls back what a connection handed back with work open had not ended
				case "close" -> {
					if (DatabaseWork.this.open.remove(id)) {
						end(false, true);
					}
				}
				default -> {
				}
			}
		}

		private void end(boolean commit, boolean executedSomething) {
			Tally tally = DatabaseWork.this.threadTally.get();
			(commit ? tally.commits : tally.rollbacks).increment();
			if (!executedSomething) {
				tally.emptyTransactions.increment();
			}
		}

	}

	/** The live counters of one origin. */
	private static final class Tally {

		final LongAdder commits = new LongAdder();

		final LongAdder rollbacks = new LongAdder();

		final LongAdder autoCommitExecutions = new LongAdder();

		final LongAdder emptyTransactions = new LongAdder();

		final LongAdder statements = new LongAdder();

		final LongAdder batches = new LongAdder();

		final LongAdder batchedStatements = new LongAdder();

		final Map<String, LongAdder> byStatement = new ConcurrentHashMap<>();

		void count(String key, long n) {
			LongAdder adder = this.byStatement.get(key);
			if (adder == null) {
				adder = this.byStatement.computeIfAbsent(key, (k) -> new LongAdder());
			}
			adder.add(n);
		}

		Counts read() {
			Map<String, Long> statements = new TreeMap<>();
			this.byStatement.forEach((k, v) -> statements.put(k, v.sum()));
			return new Counts(this.commits.sum(), this.rollbacks.sum(), this.autoCommitExecutions.sum(),
					this.emptyTransactions.sum(), this.statements.sum(), this.batches.sum(), this.batchedStatements.sum(),
					statements);
		}

	}

	/** Counts of database work, of one origin or summed. */
	record Counts(long commits, long rollbacks, long autoCommitExecutions, long emptyTransactions, long statements,
			long batches, long batchedStatements, Map<String, Long> byStatement) {

		static final Counts NONE = new Counts(0, 0, 0, 0, 0, 0, 0, Map.of());

		long transactions() {
			return this.commits + this.rollbacks + this.autoCommitExecutions;
		}

		Counts plus(Counts o) {
			return combine(o, 1);
		}

		Counts minus(Counts o) {
			return combine(o, -1);
		}

		private Counts combine(Counts o, long sign) {
			Map<String, Long> statements = new TreeMap<>(this.byStatement);
			o.byStatement.forEach((k, v) -> statements.merge(k, sign * v, Long::sum));
			statements.values().removeIf((v) -> v == 0);
			return new Counts(this.commits + sign * o.commits, this.rollbacks + sign * o.rollbacks,
					this.autoCommitExecutions + sign * o.autoCommitExecutions,
					this.emptyTransactions + sign * o.emptyTransactions, this.statements + sign * o.statements,
					this.batches + sign * o.batches, this.batchedStatements + sign * o.batchedStatements, statements);
		}

	}

	/** The counts of every origin at one moment, or between two. */
	record Snapshot(Map<String, Counts> byOrigin) {

		Snapshot minus(Snapshot earlier) {
			Map<String, Counts> diff = new TreeMap<>();
			this.byOrigin.forEach((origin, counts) -> {
				Counts d = counts.minus(earlier.byOrigin.getOrDefault(origin, Counts.NONE));
				if (d.statements() != 0 || d.transactions() != 0) {
					diff.put(origin, d);
				}
			});
			return new Snapshot(diff);
		}

		Counts total() {
			return this.byOrigin.values().stream().reduce(Counts.NONE, Counts::plus);
		}

		Counts onPath() {
			return this.byOrigin.entrySet()
				.stream()
				.filter((e) -> DatabaseWork.onPath(e.getKey()))
				.map(Map.Entry::getValue)
				.reduce(Counts.NONE, Counts::plus);
		}

		/**
		 * The work of a window of {@code count} cycles or operations, per {@code per}: totals, what
		 * was on the operation's path, and each origin's statements by verb and table (those sum to
		 * the statements), largest first.
		 */
		Map<String, Object> report(int count, String per) {
			Counts all = total();
			Counts path = onPath();
			Map<String, Object> m = new LinkedHashMap<>();
			m.put("per", per);
			m.put("count", count);
			m.put("transactions", perUnit(all.transactions(), count));
			m.put("transactionsOnPath", perUnit(path.transactions(), count));
			m.put("statements", perUnit(all.statements(), count));
			m.put("statementsOnPath", perUnit(path.statements(), count));
			m.put("batches", perUnit(all.batches(), count));
			m.put("batchedStatements", perUnit(all.batchedStatements(), count));
			m.put("commits", perUnit(all.commits(), count));
			m.put("rollbacks", perUnit(all.rollbacks(), count));
			m.put("autoCommitExecutions", perUnit(all.autoCommitExecutions(), count));
			m.put("emptyTransactions", perUnit(all.emptyTransactions(), count));
			Map<String, Object> origins = new LinkedHashMap<>();
			List<String> notOnPath = new ArrayList<>();
			for (String origin : ordered(this.byOrigin.keySet())) {
				Counts c = this.byOrigin.get(origin);
				Map<String, Object> o = new LinkedHashMap<>();
				o.put("transactions", perUnit(c.transactions(), count));
				o.put("statements", perUnit(c.statements(), count));
				o.put("batches", perUnit(c.batches(), count));
				Map<String, Object> statements = new LinkedHashMap<>();
				c.byStatement()
					.entrySet()
					.stream()
					.sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
					.forEach((e) -> statements.put(e.getKey(), perUnit(e.getValue(), count)));
				o.put("byStatement", statements);
				origins.put(origin, o);
				if (!DatabaseWork.onPath(origin)) {
					notOnPath.add(origin + " " + Results.format(perUnit(c.statements(), count)) + " statements and "
							+ Results.format(perUnit(c.transactions(), count)) + " transactions per " + per
							+ (origin.startsWith(BACKGROUND) ? " (a background job ran in the window)"
									: EVENT_WRITER.equals(origin) ? " (the event log, written after the operation's commits)"
											: " (periodic checkpointing)"));
				}
			}
			m.put("byOrigin", origins);
			if (!notOnPath.isEmpty()) {
				m.put("notOnPath", String.join("; ", notOnPath));
			}
			return m;
		}

		private static double perUnit(long n, int count) {
			return Stats.round(count == 0 ? Double.NaN : (double) n / count);
		}

	}

	/** The operation's path first, then periodic checkpointing's threads, the event writer, background jobs by name. */
	static List<String> ordered(java.util.Collection<String> origins) {
		List<String> fixed = List.of(REQUEST, WORKER, SCHEDULE, EPOCH_WRITER, EVENT_WRITER);
		List<String> list = new ArrayList<>(origins);
		list.sort(Comparator.comparingInt((String o) -> fixed.contains(o) ? fixed.indexOf(o) : fixed.size())
			.thenComparing(Comparator.naturalOrder()));
		return list;
	}

	/** The row columns of a window's {@link Snapshot#report report}: its figures per cycle or operation. */
	static Map<String, Object> columns(Map<String, Object> report) {
		Map<String, Object> c = new LinkedHashMap<>();
		c.put("dbTx", report.get("transactions"));
		c.put("dbTxOnPath", report.get("transactionsOnPath"));
		c.put("dbStatements", report.get("statements"));
		c.put("dbStatementsOnPath", report.get("statementsOnPath"));
		c.put("dbBatches", report.get("batches"));
		return c;
	}

	/**
	 * One row per origin and statement, one column per window of {@code work} (a result file's
	 * {@code databaseWork}): {@code latency} per cycle, {@code concurrentSuspend} and
	 * {@code concurrentResume} per operation, any other window under its own name (the checkpoints
	 * suite's {@code periodic} and {@code periodicOutputCommit}, per epoch).
	 */
	static List<Map<String, Object>> breakdown(JsonNode work) {
		Map<String, String> columns = new LinkedHashMap<>();
		columns.put("latency", "perCycle");
		columns.put("concurrentSuspend", "perSuspend");
		columns.put("concurrentResume", "perResume");
		// any other window (the checkpoints suite's, per epoch) is a column of its own name
		work.propertyNames().forEach((w) -> columns.putIfAbsent(w, w));
		Map<String, Map<String, Object>> rows = new LinkedHashMap<>();
		List<String> origins = new ArrayList<>();
		columns.forEach((window, column) -> work.path(window).path("byOrigin").propertyNames().forEach((o) -> {
			if (!origins.contains(o)) {
				origins.add(o);
			}
		}));
		for (String origin : ordered(origins)) {
			columns.forEach((window, column) -> {
				JsonNode statements = work.path(window).path("byOrigin").path(origin).path("byStatement");
				for (Map.Entry<String, JsonNode> e : statements.properties()) {
					Map<String, Object> row = rows.computeIfAbsent(origin + "\n" + e.getKey(), (k) -> {
						Map<String, Object> r = new LinkedHashMap<>();
						r.put("origin", origin);
						r.put("statement", e.getKey());
						columns.values().forEach((c) -> r.put(c, null));
						return r;
					});
					row.put(column, e.getValue().asDouble());
				}
			});
		}
		List<Map<String, Object>> list = new ArrayList<>(rows.values());
		columns.forEach((window, column) -> {
			if (work.path(window).isMissingNode()) {
				list.forEach((r) -> r.remove(column));
			}
		});
		return list;
	}

	/** Prints a result file's {@code databaseWork}: each window's figures, the breakdown, what was not on the path. */
	static void print(JsonNode work) {
		System.out.println("-- database work, counted at the service's DataSource (latency: per cycle; concurrent: "
				+ "per operation; on path: the HTTP request and operation worker threads)");
		List<Map<String, Object>> windows = new ArrayList<>();
		for (Map.Entry<String, JsonNode> e : work.properties()) {
			Map<String, Object> w = new LinkedHashMap<>();
			w.put("window", e.getKey());
			for (String k : List.of("per", "count", "transactions", "transactionsOnPath", "statements", "statementsOnPath",
					"batches", "commits", "rollbacks", "autoCommitExecutions", "emptyTransactions")) {
				JsonNode v = e.getValue().path(k);
				w.put(k, v.isNumber() ? (Object) v.asDouble() : v.asText());
			}
			windows.add(w);
		}
		System.out.print(Results.table(windows));
		System.out.print(Results.table(breakdown(work)));
		for (Map.Entry<String, JsonNode> e : work.properties()) {
			if (e.getValue().has("notOnPath")) {
				System.out.println("not on the operation's path, " + e.getKey() + ": " + e.getValue().path("notOnPath").asText());
			}
		}
	}

}
