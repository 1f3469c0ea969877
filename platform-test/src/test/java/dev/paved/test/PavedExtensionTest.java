package dev.paved.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paved.core.Platform;
import dev.paved.observability.ObservabilityModule;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(30)
@PavedProperty(name = "platform.service.version", value = "1.2.3")
class PavedExtensionTest {
  /** As a service's main would build it: its own name, modules and values — and the environment it would read. */
  static Platform.Builder serviceBuilder() {
    return Platform.builder()
        .serviceName("orders")
        .discoverModules(false)
        .module(new ObservabilityModule())
        .environment(Map.of("SHOULD_NOT_BE_SEEN", "x"))
        .property("platform.service.owner", "team-orders");
  }

  @RegisterExtension final PavedExtension paved = PavedExtension.of(PavedExtensionTest::serviceBuilder);

  @Test
  @PavedProperty(name = "platform.service.owner", value = "team-test")
  void theServicesBuilderWithTestDefaultsAndTheAnnotatedValues(Platform platform, TestTelemetry telemetry) {
    assertThat(platform.descriptor().name()).isEqualTo("orders");
    assertThat(platform.descriptor().version()).isEqualTo("1.2.3");
    assertThat(platform.descriptor().owner()).contains("team-test");
    assertThat(platform.config().environmentVariable("SHOULD_NOT_BE_SEEN")).as("test defaults win").isEmpty();
    assertThat(platform.admin().port()).isPositive();
    assertThat(telemetry.spans()).isEmpty();
    assertThat(paved.platform()).isSameAs(platform);
  }

  @Test
  void valuesSetBeforeTheFirstCallAndNotAfter() {
    paved.property("platform.service.owner", "team-api");
    Platform platform = paved.platform();
    assertThat(platform.descriptor().owner()).contains("team-api");
    assertThatThrownBy(() -> paved.property("platform.service.owner", "late")).isInstanceOf(IllegalStateException.class);
  }
}
