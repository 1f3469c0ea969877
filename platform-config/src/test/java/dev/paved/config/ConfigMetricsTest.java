package dev.paved.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paved.core.Platform;
import dev.paved.observability.ObservabilityModule;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With platform-observability present, the module's metrics are on /metrics. */
class ConfigMetricsTest {
  @TempDir Path dir;

  @Test
  void configInfoVersionAndReloadOutcomesAreExported() throws Exception {
    ConfigFixture f = new ConfigFixture(dir);
    f.write("platform:\n  service:\n    name: orders\npaging:\n  page-size: 10\n  name: a\n");
    try (Platform platform = f.builder().module(new ObservabilityModule()).module(new ConfigModule()).start()) {
      Configuration config = Configuration.of(platform);
      config.bind("paging", Sections.Paging.class);
      config.override(Map.of("paging.page-size", "11"));
      config.override(Map.of("paging.page-size", "0"));
      String hash = config.snapshot().hash();

      String metrics =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + platform.admin().port() + "/metrics")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();

      assertThat(metrics)
          .containsPattern("paved_config_info\\{.*hash=\"" + hash + "\".*version=\"2\".*} 1")
          .doesNotContain("version=\"1\"")
          .containsPattern("paved_config_reloads_total\\{.*outcome=\"applied\".*} 1")
          .containsPattern("paved_config_reloads_total\\{.*outcome=\"rejected\".*} 1")
          .containsPattern("paved_config_version\\{.*} 2");
    }
  }
}
