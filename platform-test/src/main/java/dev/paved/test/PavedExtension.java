package dev.paved.test;

import dev.paved.core.Platform;
import java.lang.reflect.AnnotatedElement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts the service's platform for each test the way its {@code main} builds it — the service
 * passes its own {@code Platform.Builder} — with the {@linkplain TestPlatforms#testDefaults test
 * defaults} over it, and closes it after the test. The platform starts when the test first asks
 * for it ({@link #platform()}, or a {@code Platform} or {@code TestTelemetry} test parameter), so
 * a test can set values first ({@link #property}); {@link PavedProperty} sets them by annotation.
 *
 * <pre>{@code
 * @RegisterExtension final PavedExtension paved = PavedExtension.of(OrdersService::platformBuilder);
 *
 * @Test
 * @PavedProperty(name = "orders.page-size", value = "5")
 * void pagesHoldFive(Platform platform, TestTelemetry telemetry) { ... }
 * }</pre>
 */
public final class PavedExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
  private final Supplier<Platform.Builder> service;
  private final Map<String, String> properties = new LinkedHashMap<>();
  private @Nullable Platform platform;

  private PavedExtension(Supplier<Platform.Builder> service) {
    this.service = service;
  }

  /** For the service whose platform {@code service} builds (a new builder each call). */
  public static PavedExtension of(Supplier<Platform.Builder> service) {
    return new PavedExtension(Objects.requireNonNull(service, "service"));
  }

  /** Sets {@code name} to {@code value} for this test's platform; before it has started. */
  public PavedExtension property(String name, String value) {
    if (platform != null) {
      throw new IllegalStateException("the platform of this test has started; set " + name + " before the first platform() call");
    }
    properties.put(name, value);
    return this;
  }

  /** This test's platform, started on the first call. */
  public synchronized Platform platform() {
    Platform p = platform;
    if (p == null) {
      Platform.Builder b = TestPlatforms.testDefaults(service.get());
      properties.forEach(b::property);
      p = b.start();
      platform = p;
    }
    return p;
  }

  /** The telemetry of this test's platform (it needs platform-observability among its modules). */
  public TestTelemetry telemetry() {
    return TestTelemetry.of(platform());
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    properties.clear();
    context.getTestClass().ifPresent(this::annotated);
    context.getTestMethod().ifPresent(this::annotated);
  }

  private void annotated(AnnotatedElement element) {
    for (PavedProperty p : element.getAnnotationsByType(PavedProperty.class)) {
      properties.put(p.name(), p.value());
    }
  }

  @Override
  public synchronized void afterEach(ExtensionContext context) {
    Platform p = platform;
    platform = null;
    properties.clear();
    if (p != null) {
      p.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == Platform.class || type == TestTelemetry.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Platform.class ? platform() : telemetry();
  }
}
