package dev.paved.tests.builds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paved.test.HttpStub;
import dev.paved.test.ServiceProcess;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * examples/spring-boot-api as its users run it — Spring Boot's executable jar (nested jars,
 * Boot's class loader), built by the example's own build from the installed artifacts: Paved's
 * modules are found, logs are Paved's JSON, the request is traced to the inventory, the route is
 * the controller's, both health endpoints answer, and SIGTERM runs Paved's phases. And what Paved's
 * build goals wrote for it from application.yaml and the controllers.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SpringBootJarIT {
  private static final Path JAR = Path.of(System.getProperty("examples.dir", "../../examples"), "spring-boot-api", "target", "spring-boot-api.jar");
  private static final Pattern PORT = Pattern.compile("Tomcat started on port (\\d+)");

  @Test
  void pavedsBuildGoalsReadApplicationYamlAndTheControllersRoutes() throws Exception {
    Path platform = JAR.getParent().resolve("platform");
    assertThat(platform.resolve("catalog-info.yaml")).as("the entity named by spring.application.name, owned as application.yaml says")
        .content().contains("name: orders-spring").contains("owner: group:team-orders");
    assertThat(platform.resolve("slo.rules.yml")).as("the latency SLO on the controller's route, checked by the build")
        .content().contains("http_route=\"/api/orders/{id}\"").contains("le=\"0.3\"");
  }

  @Test
  void theExecutableJarRunsOnPavedAndStopsInItsPhases() throws Exception {
    try (HttpStub inventory = HttpStub.start().answer(200, "3");
        ServiceProcess service =
            ServiceProcess.jar(JAR)
                .env("INVENTORY_URL", inventory.uri("").toString())
                .env("ADMIN_PORT", "0")
                .env("SERVER_PORT", "0")
                .env("PLATFORM_SHUTDOWN_DRAIN", "200ms")
                .start()) {
      service.awaitReady();
      Map<String, Object> started = service.awaitEvent(e -> String.valueOf(e.get("message")).startsWith("Tomcat started on port"), "Tomcat's start as a JSON line");
      Matcher m = PORT.matcher(String.valueOf(started.get("message")));
      assertThat(m.find()).isTrue();
      String base = "http://127.0.0.1:" + m.group(1);

      HttpResponse<String> order = service.get(URI.create(base + "/api/orders/42"));
      assertThat(order.statusCode()).isEqualTo(200);
      assertThat(order.body()).contains("\"stock\":\"3\"").contains("\"newPricing\":true");
      assertThat(inventory.requests().get(0).header("traceparent")).as("trace context to the inventory").isNotNull();
      Map<String, Object> logged = service.awaitEvent("message", "reading order 42");
      assertThat(String.valueOf(logged.get("trace_id"))).as("the controller's log line carries the trace").isEqualTo(String.valueOf(inventory.requests().get(0).header("traceparent")).substring(3, 35));

      assertThat(service.admin("/metrics").body()).contains("http_route=\"/api/orders/{id}\"").doesNotContain("http_server_requests");
      assertThat(service.get(URI.create(base + "/actuator/health/readiness")).statusCode()).isEqualTo(200);
      assertThat(service.admin("/health/ready").body()).contains("spring-readiness");

      service.sigterm();
      service.awaitExit();
      assertThat(service.shutdownPhases()).containsExactly("readiness-down", "drain", "in-flight", "modules", "admin");
    }
  }
}
