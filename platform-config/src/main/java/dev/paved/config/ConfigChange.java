package dev.paved.config;

import dev.paved.core.ConfigProblem;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One audit event: the initial load, a reload, an override in code, or a rejected change. Values
 * of secret-looking keys are already masked here.
 *
 * @param version the version in effect after the event (unchanged when rejected)
 * @param hash the hash in effect after the event
 * @param trigger what caused it: {@code start}, {@code file}, {@code source <name>}, {@code
 *     override}, {@code manual}
 * @param changes the keys that changed, empty when rejected
 * @param problems why it was rejected, empty when applied
 */
public record ConfigChange(
    Instant time,
    Outcome outcome,
    String trigger,
    long version,
    String hash,
    List<KeyChange> changes,
    List<ConfigProblem> problems) {

  public ConfigChange {
    changes = List.copyOf(changes);
    problems = List.copyOf(problems);
  }

  /** Whether a change was applied. */
  public enum Outcome {
    /** A new version is in effect. */
    APPLIED,
    /** The change was invalid; the previous version keeps serving. */
    REJECTED,
    /** Nothing changed (a file was touched, a source answered the same); not kept in the history. */
    UNCHANGED;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * One changed key; {@code before} or {@code after} is null when the key was added or removed.
   * {@code restartRequired} marks {@code platform.*} keys, which modules read at start-up.
   */
  public record KeyChange(
      String key, @Nullable String before, @Nullable String after, String source, boolean restartRequired) {}

  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("time", time.toString());
    m.put("outcome", outcome.label());
    m.put("trigger", trigger);
    m.put("version", version);
    m.put("hash", hash);
    m.put(
        "changes",
        changes.stream()
            .map(
                c -> {
                  Map<String, Object> cm = new LinkedHashMap<>();
                  cm.put("key", c.key());
                  cm.put("before", c.before());
                  cm.put("after", c.after());
                  cm.put("source", c.source());
                  if (c.restartRequired()) {
                    cm.put("restartRequired", true);
                  }
                  return cm;
                })
            .toList());
    m.put(
        "problems",
        problems.stream()
            .map(p -> Map.of("key", p.key(), "source", p.source(), "problem", p.problem(), "fix", p.fix()))
            .toList());
    return m;
  }
}
