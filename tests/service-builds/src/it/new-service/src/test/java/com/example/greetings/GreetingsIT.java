package com.example.greetings;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paved.test.ServiceProcess;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

public class GreetingsIT {
  @Test
  public void theJarServesAndStopsGracefully() {
    try (ServiceProcess app = ServiceProcess.jar(Path.of("target", "greetings.jar")).env("HTTP_PORT", "0").env("PLATFORM_SHUTDOWN_DRAIN", "0s").start()) {
      app.awaitReady();
      Object port = app.awaitEvent("message", "greetings listening").get("server.port");
      assertThat(app.get(URI.create("http://127.0.0.1:" + port + "/greetings/bob")).body()).isEqualTo("Hello, bob");
      assertThat(app.admin("/info").body()).contains("\"name\":\"greetings\"");
      app.sigterm();
      assertThat(app.awaitExit()).isEqualTo(143);
      assertThat(app.shutdownPhases()).contains("drain", "modules");
    }
  }
}
