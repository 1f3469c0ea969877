package dev.paved.slo;

import dev.paved.core.ConfigKey;
import dev.paved.core.spi.ModuleContext;
import dev.paved.core.spi.PlatformModule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The SLO module: reads the SLOs declared under {@code platform.slo.objectives}, fails start-up on
 * a bad declaration (naming the SLO and the fix), and lists them on {@code /info}. In-process
 * budget tracking is still to come (issue #8).
 */
public final class SloModule implements PlatformModule {
  @Override
  public String name() {
    return "slo";
  }

  @Override
  public Set<String> dependsOn() {
    return Set.of("observability");
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return SloSettings.keys();
  }

  @Override
  public void start(ModuleContext context) {
    List<Slo> slos = Slo.fromConfig(context.config());
    context.info(
        "slo",
        () -> {
          Map<String, Object> m = new LinkedHashMap<>();
          for (Slo s : slos) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("kind", s.kind().name().toLowerCase(java.util.Locale.ROOT));
            one.put("objective", s.objective() * 100);
            one.put("window", s.window().label());
            if (s.route() != null) {
              one.put("route", s.route());
            }
            if (s.threshold() != null) {
              one.put("threshold", String.valueOf(s.threshold()));
            }
            m.put(s.name(), one);
          }
          return m;
        });
  }
}
