package dev.paved.core;

import java.util.Objects;

/**
 * One thing wrong with the configuration: which key, where it was set, what is wrong and how to
 * fix it. Messages never contain a value whose key looks secret.
 *
 * @param key the configuration key (or the file, when the file itself is unreadable)
 * @param source where it was set, as in {@link ConfigValue#source()}
 * @param problem what is wrong
 * @param fix what to do about it
 */
public record ConfigProblem(String key, String source, String problem, String fix) {
  public ConfigProblem {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(problem, "problem");
    Objects.requireNonNull(fix, "fix");
  }

  @Override
  public String toString() {
    return key + " (" + source + "): " + problem + ". Fix: " + fix;
  }
}
