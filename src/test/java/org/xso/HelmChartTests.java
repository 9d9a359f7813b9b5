package org.xso;

import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The Helm chart under helm/xen-suspend-orchestrator, with the real {@code helm}: {@code helm lint
 * --strict} says nothing, and every manifest {@code helm template} renders, with the default values
 * and with each values file under ci/, is valid against the Kubernetes API's schema. The schema is
 * the one of the official Kubernetes Java client's models (client-java-api, generated from the
 * API's OpenAPI document): each model's {@code validateJsonElement} refuses a field the API does not
 * define, a missing required field and a value of the wrong shape, recursively. The
 * ServiceMonitor, a prometheus-operator resource outside the Kubernetes API, is checked for its
 * metadata and label selector with the same models and for the endpoint fields the chart uses.
 * The tests that run helm are skipped, saying so, where there is none (helm/verify.sh fetches one);
 * the one that compares docs/helm.md's table of values with values.yaml always runs.
 */
class HelmChartTests {

	/** A test that runs helm: skipped, saying why, where there is none. */
	@Retention(RetentionPolicy.RUNTIME)
	@Target(ElementType.METHOD)
	@EnabledIf(value = "org.xso.HelmChartTests#helmRuns", disabledReason = "Helm chart test skipped: no helm to run "
			+ "(helm/verify.sh fetches Helm and runs these tests; or -Dxso.test.helm=PATH)")
	@interface NeedsHelm {
	}

	private static final Path CHART = Path.of("helm/xen-suspend-orchestrator");

	private static final Path RENDERED = Path.of("target/helm");

	private static final String HELM = System.getProperty("xso.test.helm", "helm");

	/** Whether helm runs here; the class is skipped, with the reason below, where it does not. */
	static synchronized boolean helmRuns() {
		if (helmFound == null) {
			try {
				helmFound = run(HELM, "version", "--short").exit() == 0;
			}
			catch (IOException e) {
				helmFound = false;
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				helmFound = false;
			}
			if (!helmFound) {
				System.err.println("HelmChartTests: the tests that run helm are skipped: no '" + HELM
						+ "' runs here (helm/verify.sh fetches Helm and runs them)");
			}
		}
		return helmFound;
	}

	private static @org.jspecify.annotations.Nullable Boolean helmFound;

	@BeforeAll
	static void renderedGoToTarget() throws IOException {
		Files.createDirectories(RENDERED);
	}

	static Stream<String> valuesFiles() throws IOException {
		try (Stream<Path> files = Files.list(CHART.resolve("ci"))) {
			List<String> all = new ArrayList<>(List.of("default"));
			files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("-values.yaml")).sorted().forEach(all::add);
			return all.stream();
		}
	}

	@NeedsHelm
	@ParameterizedTest(name = "{0}")
	@MethodSource("valuesFiles")
	void lintsCleanAndRendersManifestsTheKubernetesApiAccepts(String values) throws Exception {
		List<String> options = values.equals("default") ? List.of() : List.of("-f", CHART.resolve("ci").resolve(values).toString());
		Result lint = helm(List.of("lint", "--strict", CHART.toString()), options);
		assertThat(lint.exit()).as(lint.output()).isZero();
		assertThat(lint.output()).as("helm lint --strict says nothing").doesNotContain("[INFO]", "[WARNING]", "[ERROR]");

		Result template = helm(List.of("template", "xso", CHART.toString()), options);
		assertThat(template.exit()).as(template.output()).isZero();
		Files.writeString(RENDERED.resolve(values.replace("-values.yaml", "") + ".yaml"), template.output());
		List<JsonObject> manifests = manifests(template.output());
		assertThat(manifests).extracting(m -> m.get("kind").getAsString()).contains("Deployment", "Service", "ConfigMap");
		for (JsonObject manifest : manifests) {
			validate(manifest);
		}
		checkDeployment(find(manifests, "Deployment"), values);
	}

	@Test
	@NeedsHelm
	void refusesWhatTheServiceCouldNotRun() throws Exception {
		assertThat(refused("replicaCount=2")).contains("/database/external");
		assertThat(refused("apiTokens.entries[0].sha256=not-a-hash", "apiTokens.entries[0].role=admin",
				"apiTokens.entries[0].name=ops"))
			.contains("/apiTokens/entries/0/sha256");
		assertThat(refused("database.external=true", "database.url=jdbc:postgresql://db:5432/xso"))
			.contains("database.password or database.existingSecret");
		assertThat(refused("config.server.port=9090")).contains("/config/server");
		assertThat(refused("podSecurityContext.runAsNonRoot=false")).contains("/podSecurityContext/runAsNonRoot");
		assertThat(refused("host.name=Host_A")).contains("/host/name");
	}

	/** helm template with these --set values: it must fail; returns what it said. */
	private static String refused(String... sets) throws Exception {
		List<String> options = new ArrayList<>();
		for (String set : sets) {
			options.add("--set");
			options.add(set);
		}
		Result result = helm(List.of("template", "xso", CHART.toString()), options);
		assertThat(result.exit()).as("helm template %s: %s", options, result.output()).isNotZero();
		return result.output();
	}

	@Test
	@NeedsHelm
	void theValidatorRefusesAFieldTheApiDoesNotDefine() throws Exception {
		Result template = helm(List.of("template", "xso", CHART.toString()), List.of());
		JsonObject deployment = find(manifests(template.output()), "Deployment");
		JsonObject container = deployment.getAsJsonObject("spec")
			.getAsJsonObject("template")
			.getAsJsonObject("spec")
			.getAsJsonArray("containers")
			.get(0)
			.getAsJsonObject();
		container.add("livenesProbe", container.remove("livenessProbe"));
		assertThatIllegalArgumentException().isThrownBy(() -> validate(deployment)).withMessageContaining("livenesProbe");
		container.add("livenessProbe", container.remove("livenesProbe"));
		container.remove("name");
		assertThatIllegalArgumentException().isThrownBy(() -> validate(deployment)).withMessageContaining("name");
	}

	@Test
	@SuppressWarnings("unchecked")
	void documentsEveryValueThatExistsAndNoOther() throws IOException {
		Map<String, Object> values = new Yaml().load(Files.readString(CHART.resolve("values.yaml")));
		List<String> documented = new ArrayList<>();
		java.util.regex.Matcher key = java.util.regex.Pattern.compile("`([A-Za-z.]+)`").matcher("");
		for (String line : Files.readAllLines(Path.of("docs/helm.md"))) {
			if (line.startsWith("| `")) {
				key.reset(line.substring(0, line.indexOf(" |", 2)));
				while (key.find()) {
					documented.add(key.group(1));
				}
			}
		}
		for (String path : documented) {
			Object node = values;
			for (String part : path.split("\\.")) {
				assertThat(node).as("docs/helm.md names %s", path).isInstanceOf(Map.class);
				assertThat((Map<String, Object>) node).as("docs/helm.md names %s", path).containsKey(part);
				node = ((Map<String, Object>) node).get(part);
			}
		}
		assertThat(values.keySet()).as("every value is in docs/helm.md's table")
			.allMatch(top -> documented.stream().anyMatch(d -> d.equals(top) || d.startsWith(top + ".")));
	}

	/** What the service needs from its pod, whatever the values. */
	private static void checkDeployment(JsonObject deployment, String values) {
		JsonObject pod = deployment.getAsJsonObject("spec").getAsJsonObject("template").getAsJsonObject("spec");
		JsonObject container = pod.getAsJsonArray("containers").get(0).getAsJsonObject();
		assertThat(pod.getAsJsonObject("securityContext").get("runAsNonRoot").getAsBoolean()).isTrue();
		assertThat(container.getAsJsonObject("securityContext").get("readOnlyRootFilesystem").getAsBoolean()).isTrue();
		assertThat(path(container, "livenessProbe")).isEqualTo("/actuator/health/liveness");
		assertThat(path(container, "readinessProbe")).isEqualTo("/actuator/health/readiness");
		Map<String, String> env = new LinkedHashMap<>();
		container.getAsJsonArray("env").forEach(e -> {
			JsonObject o = e.getAsJsonObject();
			env.put(o.get("name").getAsString(), o.has("value") ? o.get("value").getAsString() : "(from " + o.get("valueFrom") + ")");
		});
		assertThat(env).containsEntry("SERVER_ADDRESS", "0.0.0.0").containsEntry("XSO_SECURITY_BOOTSTRAP_ADMIN_TOKEN", "false");
		Set<String> mounts = new java.util.HashSet<>();
		container.getAsJsonArray("volumeMounts").forEach(m -> mounts.add(m.getAsJsonObject().get("mountPath").getAsString()));
		assertThat(mounts).as("writable places on a read-only root").contains("/tmp", "/var/lib/xso");
		if (env.containsKey("XSO_SECURITY_API_TOKENS_FILE")) {
			assertThat(env.get("XSO_SECURITY_API_TOKENS_FILE")).startsWith("/etc/xso/tokens/");
			assertThat(mounts).contains("/etc/xso/tokens");
		}
		assertThat(env).containsEntry("XSO_HOST_NAME", values.startsWith("postgres") ? "host-a" : "local");
		// the fleet layout keeps the guests' disks on the storage its hosts share
		if (values.startsWith("postgres")) {
			assertThat(env).containsEntry("XSO_SIM_SNAPSHOT_DIR", "/var/lib/xso-shared/disks");
			assertThat(mounts).contains("/var/lib/xso-shared");
		}
		else {
			assertThat(env).containsEntry("XSO_SIM_SNAPSHOT_DIR", "/var/lib/xso/disks");
		}
		if (values.startsWith("postgres") || values.startsWith("external")) {
			assertThat(env).containsEntry("SPRING_PROFILES_ACTIVE", "postgres").containsKeys("XSO_DB_URL", "XSO_DB_USER", "XSO_DB_PASSWORD");
			assertThat(env.get("XSO_DB_PASSWORD")).startsWith("(from {\"secretKeyRef\"");
		}
		else {
			assertThat(env.get("SPRING_DATASOURCE_URL")).startsWith("jdbc:h2:file:/var/lib/xso/");
		}
	}

	private static String path(JsonObject container, String probe) {
		return container.getAsJsonObject(probe).getAsJsonObject("httpGet").get("path").getAsString();
	}

	/** Validates a manifest against the Kubernetes API's schema of its kind; throws if it does not conform. */
	static void validate(JsonObject manifest) throws Exception {
		String apiVersion = manifest.get("apiVersion").getAsString();
		String kind = manifest.get("kind").getAsString();
		if (apiVersion.equals("monitoring.coreos.com/v1") && kind.equals("ServiceMonitor")) {
			validateServiceMonitor(manifest);
			return;
		}
		String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
		String model = "io.kubernetes.client.openapi.models." + Character.toUpperCase(version.charAt(0))
				+ version.substring(1) + kind;
		Method validate = Class.forName(model).getMethod("validateJsonElement", JsonElement.class);
		try {
			validate.invoke(null, manifest);
		}
		catch (InvocationTargetException e) {
			if (e.getCause() instanceof IllegalArgumentException invalid) {
				throw new IllegalArgumentException(kind + " " + manifest.getAsJsonObject("metadata").get("name") + ": "
						+ invalid.getMessage(), invalid);
			}
			throw e;
		}
	}

	/** The fields of monitoring.coreos.com/v1 ServiceMonitor (prometheus-operator) the chart renders. */
	private static void validateServiceMonitor(JsonObject monitor) throws IOException {
		V1ObjectMeta.validateJsonElement(monitor.get("metadata"));
		JsonObject spec = monitor.getAsJsonObject("spec");
		assertThat(spec.keySet()).isSubsetOf("selector", "endpoints", "namespaceSelector", "jobLabel");
		V1LabelSelector.validateJsonElement(spec.get("selector"));
		for (JsonElement e : spec.getAsJsonArray("endpoints")) {
			JsonObject endpoint = e.getAsJsonObject();
			assertThat(endpoint.keySet()).isSubsetOf("port", "path", "interval", "scrapeTimeout", "authorization", "scheme");
			JsonObject authorization = endpoint.getAsJsonObject("authorization");
			assertThat(authorization.get("type").getAsString()).isEqualTo("Bearer");
			assertThat(authorization.getAsJsonObject("credentials").keySet()).containsExactlyInAnyOrder("name", "key");
		}
	}

	private static JsonObject find(List<JsonObject> manifests, String kind) {
		return manifests.stream().filter(m -> m.get("kind").getAsString().equals(kind)).findFirst().orElseThrow();
	}

	private static List<JsonObject> manifests(String yaml) {
		Gson gson = new Gson();
		List<JsonObject> all = new ArrayList<>();
		for (Object document : new Yaml().loadAll(yaml)) {
			if (document != null) {
				all.add(gson.toJsonTree(document).getAsJsonObject());
			}
		}
		return all;
	}

	record Result(int exit, String output) {
	}

	/** Runs helm with these arguments and then the values options. */
	private static Result helm(List<String> args, List<String> options) throws Exception {
		List<String> command = new ArrayList<>(List.of(HELM));
		command.addAll(args);
		command.addAll(options);
		return run(command.toArray(String[]::new));
	}

	private static Result run(String... command) throws IOException, InterruptedException {
		Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
		// read to the end (helm's exit), bounded by the test's own timeout
		String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		return new Result(p.waitFor(), output);
	}

}
