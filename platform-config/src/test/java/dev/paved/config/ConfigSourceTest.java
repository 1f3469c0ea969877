package dev.paved.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.paved.config.ConfigChange.Outcome;
import dev.paved.config.Sections.Paging;
import dev.paved.core.ConfigException;
import dev.paved.core.Platform;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jspecify.annotations.Nullable;

/** A remote source: a configuration service over HTTP on loopback, answering a flat JSON object. */
class ConfigSourceTest {
  @TempDir Path dir;
  private HttpServer server;
  private final AtomicReference<String> body = new AtomicReference<>("{}");
  private final AtomicInteger status = new AtomicInteger(200);

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/config/orders",
        exchange -> {
          byte[] b = String.valueOf(body.get()).getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status.get(), b.length);
          exchange.getResponseBody().write(b);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  /** What a service's own source for its configuration service looks like. */
  static final class HttpSource implements ConfigSource {
    private final URI uri;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private @Nullable Runnable changed;

    HttpSource(URI uri) {
      this.uri = uri;
    }

    @Override
    public String name() {
      return "config-service";
    }

    @Override
    public Map<String, String> read() throws Exception {
      HttpResponse<String> r =
          http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IOException("HTTP " + r.statusCode());
      }
      return new ObjectMapper().readValue(r.body(), new TypeReference<Map<String, String>>() {});
    }

    @Override
    public void watch(Runnable onChange) {
      this.changed = onChange;
    }

    void push() {
      Runnable r = changed;
      if (r != null) {
        r.run();
      }
    }
  }

  private HttpSource source() {
    return new HttpSource(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/config/orders"));
  }

  private ConfigFixture fixture() throws IOException {
    ConfigFixture f = new ConfigFixture(dir);
    f.write("platform:\n  service:\n    name: orders\npaging:\n  page-size: 10\n  name: file\n");
    return f;
  }

  @Test
  void remoteValuesRankAboveFilesAndBelowTheEnvironmentAndShowTheirSource() throws Exception {
    ConfigFixture f = fixture();
    f.environment.put("PAGING_NAME", "env");
    body.set("{\"paging.page-size\": \"20\", \"paging.name\": \"remote\"}");
    try (Platform platform = f.start(ConfigModule.builder().source(source()).bind("paging", Paging.class).build())) {
      Configuration config = Configuration.of(platform);
      assertThat(config.bind("paging", Paging.class).get()).isEqualTo(new Paging(20, "env"));
      assertThat(config.snapshot().config().value("paging.page-size").orElseThrow().source()).isEqualTo("source config-service");
      assertThat(config.snapshot().version()).isEqualTo(1);
    }
  }

  @Test
  void aPushedChangeIsAppliedAndAFailingSourceIsRejectedUntilItRecovers() throws Exception {
    ConfigFixture f = fixture();
    HttpSource source = source();
    try (Platform platform =
        f.builder().property("platform.config.reload.poll-interval", "1h").module(ConfigModule.builder().source(source).build()).start()) {
      Configuration config = Configuration.of(platform);
      Bound<Paging> paging = config.bind("paging", Paging.class);

      body.set("{\"paging.page-size\": \"33\"}");
      source.push();
      await().atMost(Duration.ofSeconds(10)).until(() -> paging.get().pageSize() == 33);
      assertThat(config.history().get(0).trigger()).isEqualTo("source config-service");

      status.set(503);
      ConfigChange down = config.reload();
      assertThat(down.outcome()).isEqualTo(Outcome.REJECTED);
      assertThat(down.problems()).singleElement().satisfies(p -> {
        assertThat(p.key()).isEqualTo("source config-service");
        assertThat(p.problem()).isEqualTo("cannot be read (java.io.IOException)");
      });
      assertThat(paging.get().pageSize()).isEqualTo(33);

      status.set(200);
      body.set("{\"paging.page-size\": \"34\"}");
      assertThat(config.reload().outcome()).isEqualTo(Outcome.APPLIED);
      assertThat(paging.get().pageSize()).isEqualTo(34);
    }
  }

  @Test
  void anUnreachableSourceAtStartDegradesUnlessRequired() throws Exception {
    ConfigFixture f = fixture();
    status.set(500);
    try (Platform platform = f.start(ConfigModule.builder().source(source()).build())) {
      assertThat(Configuration.of(platform).bind("paging", Paging.class).get().pageSize()).isEqualTo(10);
    }
    assertThatThrownBy(
            () ->
                f.builder()
                    .property("platform.config.sources.required", "true")
                    .module(ConfigModule.builder().source(source()).build())
                    .start())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("source config-service")
        .hasMessageContaining("cannot be read");
  }
}
