package dev.paved.core;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The admin port's operator actions and its console shell, over real HTTP on loopback. */
@Timeout(60)
class AdminActionsTest {
  private static final String VIEWER = "viewer-token-0e4b7d92c1a35f86";
  private static final String OPERATOR = "operator-token-9a2f6c0b8d147e35";
  private static final String WRONG = "not-a-token-of-this-service-111";

  @RegisterExtension final LogCapture logs = new LogCapture();
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  @TempDir Path dir;

  /** The state the test action sets, and what it was before. */
  private final AtomicReference<String> mode = new AtomicReference<>("normal");

  private Platform production(String... properties) throws Exception {
    Path tokens = dir.resolve("admin-tokens");
    Files.writeString(tokens, "viewer " + VIEWER + "\noperator " + OPERATOR + " bob\n");
    Platform.Builder b =
        TestPlatforms.isolated().property("platform.service.environment", "production").property("platform.admin.auth.tokens-file", tokens.toString());
    for (int i = 0; i < properties.length; i += 2) {
      b.property(properties[i], properties[i + 1]);
    }
    Platform p = b.start();
    p.admin().addEndpoint("/traces", r -> AdminResponse.json(200, Map.of()));
    addModeAction(p);
    return p;
  }

  private void addModeAction(Platform p) {
    p.admin().addAction(
        "mode",
        "Set the mode for a while",
        List.of("mode", "duration"),
        r -> {
          String next = r.required("mode");
          Duration d = r.duration(Duration.ofMinutes(10), Duration.ofHours(1));
          return p.admin().temporary("mode", r, d, "mode", next, () -> {
            String was = mode.getAndSet(next);
            return new AdminServer.Undo(was, () -> mode.set(was));
          });
        });
  }

  private HttpResponse<String> post(Platform p, String path, @Nullable String token, @Nullable String action, String contentType, String body) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.admin().port() + path)).POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    if (action != null) {
      r.header(AdminServer.ACTION_HEADER, action);
    }
    r.header("Content-Type", contentType);
    return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> act(Platform p, @Nullable String token, String body) throws Exception {
    return post(p, "/actions/mode", token, "mode", "application/json", body);
  }

  private HttpResponse<String> get(Platform p, String path, @Nullable String token) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.admin().port() + path)).GET();
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private List<ILoggingEvent> audit() {
    return logs.events().stream().filter(e -> e.getKeyValuePairs() != null && e.getKeyValuePairs().stream().anyMatch(kv -> kv.key.equals("event.kind") && "admin_action".equals(kv.value))).toList();
  }

  private static @Nullable Object value(ILoggingEvent e, String key) {
    return e.getKeyValuePairs().stream().filter(kv -> kv.key.equals(key)).map(kv -> kv.value).findFirst().orElse(null);
  }

  @Test
  void onlyAnOperatorMayActAndEveryRequestMustBeAnActionsPostWithItsHeader() throws Exception {
    try (Platform p = production("platform.admin.open-endpoints", "/actions/mode")) {
      Map<String, Integer> actual = new LinkedHashMap<>();
      actual.put("none", act(p, null, "{\"mode\":\"x\"}").statusCode());
      actual.put("wrong", act(p, WRONG, "{\"mode\":\"x\"}").statusCode());
      actual.put("viewer", act(p, VIEWER, "{\"mode\":\"x\"}").statusCode());
      assertThat(mode.get()).as("refused: nothing changed").isEqualTo("normal");
      actual.put("operator", act(p, OPERATOR, "{\"mode\":\"maintenance\",\"duration\":\"10m\"}").statusCode());
      // An opened path (platform.admin.open-endpoints) never opens an action.
      assertThat(actual).containsExactly(Map.entry("none", 401), Map.entry("wrong", 401), Map.entry("viewer", 403), Map.entry("operator", 200));
      assertThat(mode.get()).isEqualTo("maintenance");

      // Not a POST, no action header (a form or link of another site cannot set it), another type, too large, not an object.
      HttpResponse<String> getAction = get(p, "/actions/mode", OPERATOR);
      assertThat(getAction.statusCode()).isEqualTo(405);
      assertThat(getAction.headers().firstValue("Allow")).hasValue("POST");
      assertThat(post(p, "/actions/mode", OPERATOR, null, "application/json", "{}").statusCode()).isEqualTo(400);
      assertThat(post(p, "/actions/mode", OPERATOR, "other", "application/json", "{}").statusCode()).isEqualTo(400);
      assertThat(post(p, "/actions/mode", OPERATOR, "mode", "application/x-www-form-urlencoded", "mode=x").statusCode()).isEqualTo(415);
      assertThat(post(p, "/actions/mode", OPERATOR, "mode", "application/json", "{\"mode\":\"" + "x".repeat(9000) + "\"}").statusCode()).isEqualTo(413);
      assertThat(act(p, OPERATOR, "[1, 2]").statusCode()).isEqualTo(400);
      HttpResponse<String> misspelt = act(p, OPERATOR, "{\"mode\":\"x\",\"durration\":\"5s\"}");
      assertThat(misspelt.statusCode()).as("a misspelt parameter never falls back to a default").isEqualTo(400);
      assertThat(misspelt.body()).contains("durration", "[mode, duration]");
      assertThat(post(p, "/actions/revert", OPERATOR, "revert", "application/json", "{}").statusCode()).isEqualTo(400);
      HttpResponse<String> tooLong = act(p, OPERATOR, "{\"mode\":\"x\",\"duration\":\"2h\"}");
      assertThat(tooLong.statusCode()).isEqualTo(400);
      assertThat(tooLong.body()).contains("duration", "every action ends by itself");
      assertThat(mode.get()).isEqualTo("maintenance");
      // A read endpoint takes no POST, even from an operator.
      assertThat(post(p, "/traces", OPERATOR, "traces", "application/json", "{}").statusCode()).isEqualTo(405);

      // GET /actions: what can be done and what is in force, to a viewer too.
      HttpResponse<String> list = get(p, "/actions", VIEWER);
      assertThat(list.statusCode()).isEqualTo(200);
      assertThat(list.body()).contains("\"name\":\"mode\"", "\"key\":\"mode\"", "\"setBy\":\"token bob from 127.0.0.1\"");
      assertThat(get(p, "/actions", null).statusCode()).isEqualTo(401);

      // Audited: who, what, before and after; a refused one too; never a token.
      ILoggingEvent applied = audit().stream().filter(e -> "applied".equals(value(e, "admin.outcome"))).findFirst().orElseThrow();
      assertThat(value(applied, "admin.caller")).isEqualTo("token bob from 127.0.0.1");
      assertThat(value(applied, "admin.before")).isEqualTo("normal");
      assertThat(value(applied, "admin.after")).isEqualTo("maintenance");
      assertThat(value(applied, "admin.expires_at")).isNotNull();
      assertThat(audit()).anyMatch(e -> "rejected".equals(value(e, "admin.outcome")));
      assertThat(logs.messages()).noneMatch(m -> m.contains(VIEWER) || m.contains(OPERATOR) || m.contains(WRONG));
      assertThat(logs.events()).noneMatch(e -> String.valueOf(e.getKeyValuePairs()).contains(OPERATOR));
    }
  }

  @Test
  void everyActionEndsByItselfOrWhenRevertedAndTheStateBeforeAnyActionComesBack() throws Exception {
    try (Platform p = production()) {
      assertThat(act(p, OPERATOR, "{\"mode\":\"a\",\"duration\":\"1s\"}").statusCode()).isEqualTo(200);
      assertThat(act(p, OPERATOR, "{\"mode\":\"b\",\"duration\":\"2s\"}").statusCode()).isEqualTo(200);
      assertThat(mode.get()).isEqualTo("b");
      // The second moved the end; the revert restores what was there before the first.
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "normal".equals(mode.get()));
      assertThat(audit()).anyMatch(e -> "expired".equals(value(e, "admin.outcome")) && "mode".equals(value(e, "admin.target")));
      assertThat(get(p, "/actions", VIEWER).body()).contains("\"active\":[]");

      assertThat(act(p, OPERATOR, "{\"mode\":\"c\",\"duration\":\"1h\"}").statusCode()).isEqualTo(200);
      assertThat(post(p, "/actions/revert", VIEWER, "revert", "application/json", "{\"key\":\"mode\"}").statusCode()).isEqualTo(403);
      HttpResponse<String> ended = post(p, "/actions/revert", OPERATOR, "revert", "application/json", "{\"key\":\"mode\"}");
      assertThat(ended.statusCode()).isEqualTo(200);
      assertThat(mode.get()).isEqualTo("normal");
      assertThat(post(p, "/actions/revert", OPERATOR, "revert", "application/json", "{\"key\":\"mode\"}").statusCode()).isEqualTo(404);

      assertThat(act(p, OPERATOR, "{\"mode\":\"d\",\"duration\":\"1h\"}").statusCode()).isEqualTo(200);
    }
    // The platform stopped: what an action set is undone too.
    assertThat(mode.get()).isEqualTo("normal");
  }

  @Test
  void concurrentActionsOnOneTargetAndTheirExpiryNeverLeaveItInAStateNoActionExplains() throws Exception {
    try (Platform p = production()) {
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
      try {
        for (int round = 0; round < 20; round++) {
          java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
          List<java.util.concurrent.Future<?>> all = new java.util.ArrayList<>();
          for (int t = 0; t < 8; t++) {
            String value = "r" + round + "-t" + t;
            all.add(pool.submit(() -> {
              go.await();
              // Half of them end at once, racing the expiry that runs every second.
              return p.admin().temporary("mode", new AdminActionRequest("mode", Map.of(), "test"), Duration.ofMillis(value.endsWith("0") ? 1 : 60_000), "mode", value, () -> {
                String was = mode.getAndSet(value);
                return new AdminServer.Undo(was, () -> mode.set(was));
              });
            }));
          }
          go.countDown();
          for (java.util.concurrent.Future<?> f : all) {
            f.get(10, java.util.concurrent.TimeUnit.SECONDS);
          }
          // Ended (now, by the revert action's path): whatever ran in between, the state before any action.
          assertThat(post(p, "/actions/revert", OPERATOR, "revert", "application/json", "{\"key\":\"mode\"}").statusCode()).isIn(200, 404);
          assertThat(mode.get()).as("round " + round).isEqualTo("normal");
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void anActionFromAnotherMachineOrThroughARenamedHostNeedsATokenInAnOpenEnvironment() {
    assertThat(AdminServer.isLocalHost("localhost:8081")).isTrue();
    assertThat(AdminServer.isLocalHost("127.0.0.1:8081")).isTrue();
    assertThat(AdminServer.isLocalHost("[::1]:8081")).isTrue();
    assertThat(AdminServer.isLocalHost("evil.example.com:8081")).as("a rebound DNS name").isFalse();
    assertThat(AdminServer.isLocalHost("localhost.evil.example.com")).isFalse();
    assertThat(AdminServer.isLocalHost("10.0.0.7:8081")).isFalse();
    assertThat(AdminServer.isLocalHost(null)).isFalse();
  }

  @Test
  void theConsoleShellIsOpenUnderAStrictPolicyAndTellsThePageItsCallersRole() throws Exception {
    try (Platform p = production()) {
      HttpResponse<String> page = get(p, "/", null);
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
      assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue(AdminServer.CONSOLE_POLICY);
      assertThat(AdminServer.CONSOLE_POLICY).doesNotContain("unsafe-inline").contains("frame-ancestors 'none'", "script-src 'self'");
      assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
      assertThat(page.body()).contains("<script src=\"/console/app.js\" defer></script>").doesNotContain("<script>").doesNotContain("style=");
      assertThat(get(p, "/console/app.js", null).headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
      assertThat(get(p, "/console/app.css", null).statusCode()).isEqualTo(200);
      assertThat(AdminConsole.size()).as("the console's size in bytes").isLessThan(64 * 1024);

      assertThat(get(p, "/console/session", null).body()).contains("\"credential\":\"none\"", "\"role\":null", "\"paths\":[]");
      assertThat(get(p, "/console/session", VIEWER).body()).contains("\"credential\":\"valid\"", "\"role\":\"viewer\"", "\"/traces\"", "\"actions\":[]");
      assertThat(get(p, "/console/session", OPERATOR).body()).contains("\"role\":\"operator\"", "\"actions\":[\"mode\",\"revert\"]", "\"/actions\"");
      long before = p.admin().refusedForAuth();
      assertThat(get(p, "/console/session", WRONG).body()).contains("\"credential\":\"invalid\"", "\"role\":null");
      assertThat(p.admin().refusedForAuth()).as("a wrong token is counted here too").isEqualTo(before + 1);

      // Exact paths only: nothing is read from a file system, '..' leads nowhere.
      assertThat(get(p, "/console/../traces", null).statusCode()).isEqualTo(401);
      assertThat(get(p, "/console/../traces", VIEWER).statusCode()).isEqualTo(404);
      assertThat(get(p, "/console/app.js/../../../etc/passwd", VIEWER).statusCode()).isEqualTo(404);

      HttpResponse<String> history = get(p, "/health/history", VIEWER);
      assertThat(history.statusCode()).isEqualTo(200);
      assertThat(history.body()).contains("\"checks\"");
      assertThat(get(p, "/health/history", null).statusCode()).isEqualTo(401);
    }
  }

  private static String rawGet(Platform p, String path, String host) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", p.admin().port())) {
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + p.admin().port() + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  @Test
  void inAnOpenEnvironmentAnActionNeedsNoTokenButStillItsHeader() throws Exception {
    try (Platform p = TestPlatforms.isolated().property("platform.service.environment", "local").start()) {
      addModeAction(p);
      p.admin().addEndpoint("/traces", r -> AdminResponse.json(200, Map.of()));
      assertThat(post(p, "/actions/mode", null, null, "application/json", "{\"mode\":\"x\"}").statusCode()).isEqualTo(400);
      assertThat(mode.get()).isEqualTo("normal");
      assertThat(post(p, "/actions/mode", null, "mode", "application/json", "{\"mode\":\"x\"}").statusCode()).isEqualTo(200);
      assertThat(audit()).anyMatch(e -> String.valueOf(value(e, "admin.caller")).startsWith("anonymous from 127.0.0.1"));
      // Another site's page through a DNS name rebound to 127.0.0.1 sends its own Host: refused.
      String body = "{\"mode\":\"rebound\"}";
      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", p.admin().port())) {
        socket.getOutputStream().write(("POST /actions/mode HTTP/1.1\r\nHost: evil.example.com:" + p.admin().port() + "\r\nX-Paved-Action: mode\r\n"
            + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(answer).startsWith("HTTP/1.1 401").contains("only from this machine");
      }
      assertThat(mode.get()).isEqualTo("x");
      // Reads too: from afar, by a rebound name, the data of an open environment needs a token.
      assertThat(rawGet(p, "/traces", "evil.example.com")).startsWith("HTTP/1.1 401");
      assertThat(rawGet(p, "/console/session", "evil.example.com")).contains("\"role\":null");
      assertThat(rawGet(p, "/health/ready", "evil.example.com")).as("probes stay open").startsWith("HTTP/1.1 200");
      assertThat(rawGet(p, "/traces", "localhost")).startsWith("HTTP/1.1 200");
      assertThat(get(p, "/console/session", null).body()).contains("\"credential\":\"open\"", "\"role\":\"operator\"");
    }
  }
}
