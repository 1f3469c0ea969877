package dev.paved.config.flags;

import dev.paved.core.AdminResponse;
import dev.paved.core.AdminServer;
import io.getunleash.FeatureDefinition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What the admin console shows of the flags ({@code GET /flags}: the source and its freshness,
 * each flag with its evaluations by variant and any operator override), and the operator action
 * {@code flag}: force a flag on or off in this process for a bounded time.
 */
final class FlagsConsole {

  private FlagsConsole() {}

  static void register(AdminServer admin, UnleashProvider provider, FlagState state, FlagTelemetryHook hook) {
    admin.addEndpoint("/flags", request -> AdminResponse.json(200, body(provider, state, hook)));
    admin.addAction(
        "flag",
        "Force a flag on or off in this process for a while (default 10m, at most 1h); evaluations say reason OVERRIDE",
        List.of("flag", "value", "duration"),
        request -> {
          String key = request.required("flag");
          if (provider.unleash().more().getFeatureToggleDefinition(key).isEmpty()) {
            throw new IllegalArgumentException("flag: '" + key + "' (expected: one of " + new TreeSet<>(provider.unleash().more().getFeatureToggleNames()) + ")");
          }
          String value = request.required("value").toLowerCase(Locale.ROOT);
          boolean on =
              switch (value) {
                case "on", "true" -> true;
                case "off", "false" -> false;
                default -> throw new IllegalArgumentException("value: '" + value + "' (expected: on or off)");
              };
          Duration duration = request.duration();
          return admin.temporary(
              "flag:" + key,
              request,
              duration,
              "flag " + key,
              on ? "forced on" : "forced off",
              () -> {
                Boolean was = provider.force(key, on);
                return new AdminServer.Undo(was == null ? "as the source says" : was ? "forced on" : "forced off", () -> provider.force(key, null));
              });
        });
  }

  private static Map<String, Object> body(UnleashProvider provider, FlagState state, FlagTelemetryHook hook) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("provider", UnleashProvider.NAME);
    var health = state.health();
    body.put("source", state.source());
    body.put("status", health.status().name());
    body.put("reason", health.reason());
    body.put("lastFetch", health.details().get("lastFetch"));
    List<Object> flags = new ArrayList<>();
    Map<String, Boolean> forced = provider.forced();
    for (String name : new TreeSet<>(provider.unleash().more().getFeatureToggleNames())) {
      Optional<FeatureDefinition> d = provider.unleash().more().getFeatureToggleDefinition(name);
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("name", name);
      f.put("enabled", d.map(FeatureDefinition::environmentEnabled).orElse(false));
      f.put("type", d.flatMap(FeatureDefinition::getType).orElse(null));
      Boolean override = forced.get(name);
      f.put("override", override == null ? null : override ? "on" : "off");
      f.put("evaluations", hook.evaluations(name));
      flags.add(f);
    }
    body.put("flags", flags);
    return body;
  }
}
