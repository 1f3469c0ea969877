package dev.paved.catalog;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.paved.core.ConfigKey;
import dev.paved.core.PlatformConfig;
import dev.paved.core.ServiceDescriptor;
import dev.paved.core.internal.DaemonThreadFactory;
import dev.paved.core.spi.ModuleContext;
import dev.paved.core.spi.PlatformModule;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog module at run time: the conformance scorecard on {@code /info} and as {@code
 * paved.conformance{check}}, and — when asked — registration with Backstage in the background,
 * never blocking or failing start-up.
 */
public final class CatalogModule implements PlatformModule {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogModule.class);

  final AtomicLong registrationFailures = new AtomicLong();
  private volatile boolean closed;
  private @Nullable Thread registrar;

  @Override
  public String name() {
    return "catalog";
  }

  @Override
  public Set<String> startsAfter() {
    return Set.of("observability");
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    List<ConfigKey<?>> keys = new java.util.ArrayList<>(CatalogSettings.keys());
    keys.addAll(dev.paved.catalog.deploy.DeploySettings.keys());
    return keys;
  }

  @Override
  public void start(ModuleContext context) {
    ServiceDescriptor d = context.descriptor();
    PlatformConfig config = context.config();
    MeterRegistry registry = context.component(MeterRegistry.class).orElse(null);
    Map<String, Boolean> checks =
        Conformance.checks(d, context.sdkVersion(), registry != null, !config.childNames("platform.slo").isEmpty());
    context.info(
        "conformance",
        () -> {
          Map<String, Object> m = new LinkedHashMap<>(checks);
          m.put("score", Conformance.score(checks));
          return m;
        });
    if (registry != null) {
      checks.forEach((check, passed) -> Gauge.builder("paved.conformance", () -> passed ? 1 : 0)
          .description("Golden-path conformance checks of this service: 1 passed, 0 failed")
          .tag("check", check)
          .register(registry));
    }
    if (registry != null) {
      io.micrometer.core.instrument.FunctionCounter.builder("paved.catalog.registration.failures", registrationFailures, AtomicLong::get)
          .description("Failed registrations with the catalog at start-up (retried with backoff)")
          .register(registry);
    }
    if (config.get(CatalogSettings.REGISTER_ON_START)) {
      String url = config.find(CatalogSettings.REGISTER_URL).orElse(null);
      String target = config.find(CatalogSettings.REGISTER_TARGET).orElse(null);
      if (url == null || target == null) {
        LOG.warn("Catalog registration at start-up needs platform.catalog.register.url and platform.catalog.register.target; skipped");
        return;
      }
      String token = token(config, context.redaction());
      CatalogClient client = new CatalogClient(URI.create(url), token, config.get(CatalogSettings.REGISTER_TIMEOUT), context.redaction());
      String ref = "component:" + config.get(CatalogSettings.NAMESPACE) + "/" + d.name();
      Thread t = new DaemonThreadFactory("paved-catalog").newThread(() -> registerWithBackoff(client, target, ref));
      this.registrar = t;
      t.start();
    }
  }

  static @Nullable String token(PlatformConfig config, dev.paved.core.Redaction redaction) {
    return dev.paved.core.internal.Credentials.fromFileOrEnvironment(config, redaction, CatalogSettings.REGISTER_TOKEN_FILE, "BACKSTAGE_TOKEN");
  }

  private void registerWithBackoff(CatalogClient client, String target, String ref) {
    dev.paved.core.internal.RetryInBackground.untilDone(
        () -> {
          CatalogClient.Registration r = client.register(target, false, ref);
          LOG.info("Registered with the catalog: {} {}", r.outcome(), r.entities());
        },
        () -> closed,
        (e, first) -> {
          registrationFailures.incrementAndGet();
          if (first) {
            LOG.warn("Catalog registration failed ({}); retrying with backoff, not logged again", e.getMessage());
          }
        });
  }

  @Override
  public void stop() {
    closed = true;
    Thread t = registrar;
    if (t != null) {
      t.interrupt();
    }
  }
}
