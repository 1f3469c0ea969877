package dev.paved.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paved.spring.demo.OrdersApplication;
import dev.paved.test.HttpStub;
import dev.paved.test.LogCapture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Secrets as Spring property values, read by Paved's Secrets from the development source (a
 * properties file: no Vault runs here; Vault's wire protocol is tested in platform-config).
 */
class SpringSecretsTest {
  private static final String SECRET = "s3cr3t-inventory-key-7f2a";

  @Test
  void aSecretReferenceResolvesAsAPropertyAndIsMaskedInActuatorAndLogs(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("dev-secrets.properties");
    Files.writeString(file, "kv/inventory#api-key=" + SECRET + "\n");
    try (HttpStub stub = HttpStub.start();
        LogCapture logs = LogCapture.root().start();
        ConfigurableApplicationContext app =
            new SpringApplicationBuilder(OrdersApplication.class)
                .run(
                    SpringBootAppTest.args(
                        stub,
                        "orders-secrets",
                        "--platform.secrets.dev.file=" + file,
                        "--inventory.api-key=${paved.secrets.kv/inventory#api-key}",
                        "--management.endpoints.web.exposure.include=env,health",
                        "--management.endpoint.env.show-values=always"))) {
      assertThat(app.getBean(OrdersApplication.InventoryKey.class).value()).isEqualTo(SECRET);
      int port = SpringBootAppTest.webPort(app);
      HttpResponse<String> env =
          HttpClient.newHttpClient()
              .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/env/inventory.api-key")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(env.statusCode()).isEqualTo(200);
      assertThat(env.body()).doesNotContain(SECRET).contains("******");
      HttpResponse<String> all =
          HttpClient.newHttpClient()
              .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/env")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(all.body()).doesNotContain(SECRET);
      assertThat(dev.paved.core.Redaction.mask("key=" + SECRET)).as("registered for masking in every log line, as Paved's own reads are").isEqualTo("key=******");
      assertThat(logs.lines()).as("start-up logged, never the value").isNotEmpty().noneMatch(l -> l.event().getFormattedMessage().contains(SECRET));
    }
  }

  @Test
  void anUnreadableSecretReferenceRefusesStartNamingItAndFreesTheAdminPort() throws Exception {
    int adminPort;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      adminPort = probe.getLocalPort();
    }
    try (HttpStub stub = HttpStub.start()) {
      assertThatThrownBy(
              () ->
                  new SpringApplicationBuilder(OrdersApplication.class)
                      .run(
                          SpringBootAppTest.args(
                              stub, "orders-nosecret", "--inventory.api-key=${paved.secrets.kv/inventory#api-key}", "--platform.admin.port=" + adminPort)))
          .satisfies(
              e -> {
                assertThat(SpringBootAppTest.rootMessages(e)).contains("kv/inventory#api-key: no key 'api-key' at kv/inventory").contains("Fix: set the environment variable INVENTORY_API_KEY");
                org.springframework.boot.diagnostics.FailureAnalysis analysis = new PavedFailureAnalyzer().analyze(e);
                if (analysis == null) {
                  throw new AssertionError("Paved's failure analyzer did not recognise " + e);
                }
                assertThat(analysis.getDescription()).as("Spring Boot's failure report is Paved's message").startsWith("Paved could not read a secret the service needs: ${paved.secrets.kv/inventory#api-key}");
              });
    }
    // The platform that the placeholder started is closed with the failed context (PavedStartFailure).
    try (java.net.ServerSocket again = new java.net.ServerSocket(adminPort, 50, java.net.InetAddress.getLoopbackAddress())) {
      assertThat(again.getLocalPort()).isEqualTo(adminPort);
    }
  }
}
