package dev.paved.tests.builds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paved.test.ServiceProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every endpoint and every action of the running example (all of Paved's modules, environment
 * {@code staging}) × {no credential, viewer, operator, wrong token}: the status docs/admin.md
 * documents. The paths come from the service itself, so an endpoint added later is checked too;
 * and no token appears in any answer or log line (the canary).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AdminAccessMatrixIT {
  private static final Path EXAMPLES = Path.of(System.getProperty("examples.dir", "../../examples"));
  private static final String VIEWER = "viewer-3f8a1c6e9b2d47051e7c";
  private static final String OPERATOR = "operator-8e2b5d9c1f4a63078b1d";
  private static final String WRONG = "wrong-0000000000000000000000";
  /** What is open to everybody (docs/admin.md, "Endpoints"). */
  private static final Set<String> OPEN = Set.of("/health/live", "/health/ready", "/info", "/metrics", "/", "/console/app.js", "/console/app.css");

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  @TempDir Path dir;

  private HttpResponse<String> send(int port, String method, String path, @Nullable String token) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    if (method.equals("POST")) {
      // A body no action accepts (99h is too long; config-reload and revert take no duration): 400 once role and header pass.
      r.header("X-Paved-Action", path.substring(path.lastIndexOf('/') + 1)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"duration\":\"99h\"}"));
    }
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void everyEndpointAndActionTimesEveryCredentialGivesTheDocumentedStatus() throws Exception {
    Path tokens = dir.resolve("admin-tokens");
    Files.writeString(tokens, "viewer " + VIEWER + "\noperator " + OPERATOR + "\n");
    try (ServiceProcess api =
        ServiceProcess.jar(EXAMPLES.resolve("http-api/target/http-api.jar"))
            .env("HTTP_PORT", "0")
            .env("PLATFORM_ADMIN_PORT", "0")
            .env("PLATFORM_SERVICE_ENVIRONMENT", "staging")
            .env("PLATFORM_ADMIN_AUTH_TOKENS_FILE", tokens.toString())
            .env("PLATFORM_SHUTDOWN_DRAIN", "0s")
            .start()) {
      int port = api.awaitReady();
      JsonNode session = new ObjectMapper().readTree(send(port, "GET", "/console/session", OPERATOR).body());
      List<String> paths = new ArrayList<>();
      session.path("paths").forEach(p -> paths.add(p.asText()));
      paths.add("/actions");
      List<String> actions = new ArrayList<>();
      session.path("actions").forEach(a -> actions.add(a.asText()));
      assertThat(paths).contains("/config", "/config/history", "/traces", "/slo", "/routes", "/dependencies", "/flags", "/health/history", "/consumers");
      assertThat(actions).containsExactlyInAnyOrder("logger-level", "breaker", "flag", "config-reload", "revert");

      Map<String, String> credentials = new LinkedHashMap<>();
      credentials.put("none", null);
      credentials.put("wrong", WRONG);
      credentials.put("viewer", VIEWER);
      credentials.put("operator", OPERATOR);
      Map<String, Integer> expected = new TreeMap<>();
      Map<String, Integer> actual = new TreeMap<>();
      List<String> bodies = new ArrayList<>();
      for (Map.Entry<String, String> c : credentials.entrySet()) {
        boolean valid = c.getKey().equals("viewer") || c.getKey().equals("operator");
        for (String path : paths) {
          expected.put("GET " + path + " " + c.getKey(), OPEN.contains(path) || valid ? 200 : 401);
          HttpResponse<String> r = send(port, "GET", path, c.getValue());
          actual.put("GET " + path + " " + c.getKey(), r.statusCode());
          bodies.add(r.body());
        }
        expected.put("GET /console/session " + c.getKey(), 200);
        actual.put("GET /console/session " + c.getKey(), send(port, "GET", "/console/session", c.getValue()).statusCode());
        for (String action : actions) {
          String path = "/actions/" + action;
          // Past role and header, every action refuses the body: duration 99h is too long, or not a parameter it takes.
          int status = !valid ? 401 : c.getKey().equals("viewer") ? 403 : 400;
          expected.put("POST " + path + " " + c.getKey(), status);
          HttpResponse<String> r = send(port, "POST", path, c.getValue());
          actual.put("POST " + path + " " + c.getKey(), r.statusCode());
          bodies.add(r.body());
          // An action is never a GET.
          if (valid) {
            expected.put("GET " + path + " " + c.getKey(), c.getKey().equals("viewer") ? 403 : 405);
            actual.put("GET " + path + " " + c.getKey(), send(port, "GET", path, c.getValue()).statusCode());
          }
        }
      }
      assertThat(actual).isEqualTo(expected);
      assertThat(bodies).noneMatch(b -> b.contains(VIEWER) || b.contains(OPERATOR) || b.contains(WRONG));
      assertThat(api.lines()).noneMatch(l -> l.contains(VIEWER) || l.contains(OPERATOR) || l.contains(WRONG));
      assertThat(api.lines()).anyMatch(l -> l.contains("refused: no credential"));
    }
  }
}
