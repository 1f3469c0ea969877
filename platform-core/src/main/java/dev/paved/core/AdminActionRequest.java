package dev.paved.core;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A request to an {@link AdminAction}.
 *
 * @param action the action's name
 * @param parameters the JSON object the request carried, flattened to text values
 * @param caller who asked, as the audit log names them: a token's name, a mesh identity, or
 *     {@code anonymous} in an open environment, with the client's address; never a credential
 */
public record AdminActionRequest(String action, Map<String, String> parameters, String caller) {
  public AdminActionRequest {
    parameters = Map.copyOf(parameters);
  }

  public Optional<String> parameter(String name) {
    return Optional.ofNullable(parameters.get(name)).map(String::strip).filter(v -> !v.isEmpty());
  }

  /**
   * A parameter that must be there.
   *
   * @throws IllegalArgumentException when it is missing or empty
   */
  public String required(String name) {
    return parameter(name).orElseThrow(() -> new IllegalArgumentException(name + ": missing (expected: a value)"));
  }

  /** How long an action lasts when it does not say: {@value #DEFAULT_MINUTES} minutes. */
  public static final long DEFAULT_MINUTES = 10;

  /** The longest an action of Paved's modules lasts: one hour. */
  public static final Duration MAX_DURATION = Duration.ofHours(1);

  /**
   * How long the action lasts: the parameter {@code duration}, else {@value #DEFAULT_MINUTES}
   * minutes, at most {@link #MAX_DURATION} — the rule of every action of Paved's modules.
   *
   * @throws IllegalArgumentException when it is not a duration from 1 s to 1 h
   */
  public Duration duration() {
    return duration(Duration.ofMinutes(DEFAULT_MINUTES), MAX_DURATION);
  }

  /**
   * How long the action lasts: the parameter {@code duration} ({@code 30s}, {@code 10m}, {@code 1h}),
   * else {@code defaultValue}; never longer than {@code max}: every action of the admin port ends
   * by itself.
   *
   * @throws IllegalArgumentException when it is not a duration from 1 s to {@code max}
   */
  public Duration duration(Duration defaultValue, Duration max) {
    Optional<String> text = parameter("duration");
    if (text.isEmpty()) {
      return defaultValue;
    }
    Duration d;
    try {
      d = ConfigKey.parseDuration(text.get());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("duration: '" + text.get() + "' (expected: a duration such as 30s, 10m or 1h)", e);
    }
    if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(max) > 0) {
      String limit = max.toSeconds() % 3600 == 0 ? max.toHours() + "h" : max.toSeconds() % 60 == 0 ? max.toMinutes() + "m" : max.toSeconds() + "s";
      throw new IllegalArgumentException("duration: '" + text.get() + "' (expected: 1s to " + limit + "; every action ends by itself)");
    }
    return d;
  }
}
