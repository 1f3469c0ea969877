package dev.paved.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paved.core.Platform;
import dev.paved.observability.ObservabilityModule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A real process: its admin port from its start-up event, readiness, SIGTERM's phases, an exit code. */
class ServiceProcessTest {
  /** The smallest service: a platform and one log line of its own. */
  public static final class TinyService {
    public static void main(String[] args) {
      Platform.run(
          Platform.builder().serviceName("tiny").discoverModules(false).module(new ObservabilityModule()),
          platform -> LoggerFactory.getLogger("tiny").atInfo().addKeyValue("tiny.answer", 42).log("tiny is serving"));
    }
  }

  @Test
  void itFindsTheAdminPortWaitsForReadinessAndSeesEveryShutdownPhaseOnSigterm() {
    try (ServiceProcess app = ServiceProcess.mainClass(TinyService.class).env("PLATFORM_SHUTDOWN_DRAIN", "100ms").start()) {
      int admin = app.awaitReady();
      assertThat(admin).isPositive();
      assertThat(app.admin("/info").body()).contains("\"name\":\"tiny\"");
      Map<String, Object> own = app.awaitEvent("message", "tiny is serving");
      assertThat(own).containsEntry("tiny.answer", 42).containsEntry("service.name", "tiny");

      app.sigterm();
      assertThat(app.awaitExit()).as("a graceful exit on SIGTERM: 128 + 15").isEqualTo(143);
      assertThat(app.shutdownPhases()).containsExactly("readiness-down", "drain", "in-flight", "modules", "admin");
      assertThat(app.isAlive()).isFalse();
    }
  }

  @Test
  void badConfigurationEndsItWithExitCodeTwoAndAWaitFailsAtOnceShowingTheOutput() {
    try (ServiceProcess app = ServiceProcess.mainClass(TinyService.class).env("PLATFORM_ADMIN_PORT", "eighty").timeout(Duration.ofSeconds(50)).start()) {
      assertThat(app.awaitExit()).isEqualTo(2);
      assertThat(String.valueOf(app.awaitEvent("event.kind", "fatal").get("message"))).contains("Invalid Paved configuration");
      long begin = System.nanoTime();
      assertThatThrownBy(app::adminPort)
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("before the process exited with 2")
          .hasMessageContaining("'eighty' is not an integer");
      assertThat(System.nanoTime() - begin).as("not the 50 s timeout: the output had ended").isLessThan(Duration.ofSeconds(25).toNanos());
    }
  }

  @Test
  void aJarThatWasNotBuiltIsNamedWithTheFix() {
    assertThatThrownBy(() -> ServiceProcess.jar(Path.of("target", "no-such.jar")).start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no-such.jar does not exist");
  }
}
