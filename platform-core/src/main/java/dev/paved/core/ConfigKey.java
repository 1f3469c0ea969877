package dev.paved.core;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A declared configuration key under {@code platform.}: its name, type, default and meaning.
 * Core and every module declare their keys (see {@link dev.paved.core.spi.PlatformModule#configKeys()});
 * a key under {@code platform.} that nobody declared is an error with a "did you mean".
 *
 * <p>A name may contain one {@code *} segment for a user-chosen name, as in {@code
 * platform.service.dependencies.*.kind}, or end in {@code .**} for any number of segments, as in
 * {@code platform.observability.otel.**} (such keys are not mapped from environment variables).
 *
 * @param <T> the Java type the text is parsed into
 */
public final class ConfigKey<T> {
  private static final Pattern DURATION =
      Pattern.compile("(\\d+)\\s*(ns|us|ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);
  private static final Pattern SIZE =
      Pattern.compile("(\\d+)\\s*(b|kb|kib|mb|mib|gb|gib)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern KEY_NAME = Pattern.compile("[a-z0-9*]+([.-][a-z0-9*]+)*");

  private static final Pattern LIST_INDEX = Pattern.compile("\\[\\d+]");

  private final String name;
  private final String expected;
  private final Function<String, T> parser;
  private final @Nullable String defaultText;
  private final String description;
  /** For a list key: checks (and may normalise) one item; null for every other key. */
  private final @Nullable UnaryOperator<String> item;

  private ConfigKey(
      String name,
      String expected,
      Function<String, T> parser,
      @Nullable String defaultText,
      String description,
      @Nullable UnaryOperator<String> item) {
    this.name = name;
    this.expected = expected;
    this.parser = parser;
    this.defaultText = defaultText;
    this.description = description;
    this.item = item;
  }

  private static <T> ConfigKey<T> of(String name, String expected, Function<String, T> parser) {
    return of(name, expected, parser, null);
  }

  private static <T> ConfigKey<T> of(
      String name, String expected, Function<String, T> parser, @Nullable UnaryOperator<String> item) {
    Objects.requireNonNull(name, "name");
    if (!KEY_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "name: '" + name + "' (expected: lower-case segments joined by '.' or '-')");
    }
    return new ConfigKey<>(name, expected, parser, null, "", item);
  }

  /** Any text. */
  public static ConfigKey<String> string(String name) {
    return of(name, "a string", s -> s);
  }

  /** An integer in {@code [min, max]}. */
  public static ConfigKey<Integer> integer(String name, int min, int max) {
    String expected = "an integer from " + min + " to " + max;
    return of(
        name,
        expected,
        s -> {
          int v;
          try {
            v = Integer.parseInt(s.strip());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an integer");
          }
          if (v < min || v > max) {
            throw new IllegalArgumentException("out of range");
          }
          return v;
        });
  }

  /**
   * A decimal number in {@code [min, max]} ({@code 0.25}, {@code 2}); NaN and infinities are
   * refused.
   */
  public static ConfigKey<Double> decimal(String name, double min, double max) {
    if (!(min <= max)) {
      throw new IllegalArgumentException("min: " + min + " (expected: <= max " + max + ")");
    }
    String expected = "a number from " + plain(min) + " to " + plain(max);
    return of(
        name,
        expected,
        s -> {
          double d;
          try {
            d = Double.parseDouble(s.strip());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number");
          }
          if (!(d >= min && d <= max)) {
            throw new IllegalArgumentException("out of range");
          }
          return d;
        });
  }

  /** A ratio: a decimal number from 0 to 1, such as {@code 0.2}. */
  public static ConfigKey<Double> ratio(String name) {
    return decimal(name, 0, 1);
  }

  private static String plain(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
  }

  /** {@code true} or {@code false}. */
  public static ConfigKey<Boolean> bool(String name) {
    return of(name, "true or false", ConfigKey::parseBoolean);
  }

  /** A duration such as {@code 250ms}, {@code 5s}, {@code 1m} or {@code PT5S}. */
  public static ConfigKey<Duration> duration(String name) {
    return of(name, "a duration such as 250ms, 5s, 1m, 2h or PT5S", ConfigKey::parseDuration);
  }

  /** A duration greater than zero: a period or an interval, where 0 would mean "all the time". */
  public static ConfigKey<Duration> positiveDuration(String name) {
    return of(
        name,
        "a duration greater than 0 such as 250ms, 5s or 1m",
        s -> {
          Duration d = parseDuration(s);
          if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("not greater than 0");
          }
          return d;
        });
  }

  /** A size in bytes such as {@code 512}, {@code 64KB} or {@code 10MiB} (K/M/G are 1024-based). */
  public static ConfigKey<Long> size(String name) {
    return of(name, "a size such as 512B, 64KB or 10MB", ConfigKey::parseSize);
  }

  /** One of the constants of {@code type}, case-insensitive, '-' and '_' alike. */
  public static <E extends Enum<E>> ConfigKey<E> enumeration(String name, Class<E> type) {
    String names =
        Arrays.stream(type.getEnumConstants())
            .map(e -> e.name().toLowerCase(Locale.ROOT).replace('_', '-'))
            .collect(Collectors.joining(", "));
    return of(name, "one of " + names, s -> parseEnum(s, type));
  }

  /** A list: a YAML sequence, or comma-separated text from an environment variable. */
  public static ConfigKey<List<String>> list(String name) {
    return list(name, "a list", s -> s);
  }

  /**
   * A list whose every item is checked by {@code item} (which throws {@link
   * IllegalArgumentException} for a bad one): a YAML sequence, each item read as it is, or
   * comma-separated text.
   */
  public static ConfigKey<List<String>> list(
      String name, String expected, UnaryOperator<String> item) {
    Objects.requireNonNull(expected, "expected");
    Objects.requireNonNull(item, "item");
    return of(name, expected, s -> parseList(s).stream().map(item).toList(), item);
  }

  /** A list each of whose items is one of {@code allowed}: "a list of b3, jaeger". */
  public static ConfigKey<List<String>> listOf(String name, List<String> allowed) {
    List<String> values = List.copyOf(allowed);
    return list(
        name,
        "a list of " + String.join(", ", values),
        item -> {
          if (!values.contains(item)) {
            throw new IllegalArgumentException("not one of the allowed values");
          }
          return item;
        });
  }

  /** An absolute URI such as {@code https://example.com/runbook}. */
  public static ConfigKey<URI> uri(String name) {
    return of(
        name,
        "an absolute URI such as https://example.com/path",
        s -> {
          try {
            URI uri = new URI(s.strip());
            if (!uri.isAbsolute()) {
              throw new IllegalArgumentException("not absolute");
            }
            return uri;
          } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URI");
          }
        });
  }

  /** A value checked by {@code parser}, which throws {@link IllegalArgumentException} if bad. */
  public static <T> ConfigKey<T> custom(String name, String expected, Function<String, T> parser) {
    Objects.requireNonNull(expected, "expected");
    Objects.requireNonNull(parser, "parser");
    return of(name, expected, parser);
  }

  /** A copy with a default, given as text and checked now. */
  public ConfigKey<T> withDefault(String defaultText) {
    Objects.requireNonNull(defaultText, "defaultText");
    try {
      var unused = parser.apply(defaultText);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "defaultText: '" + defaultText + "' (expected: " + expected + ")", e);
    }
    return new ConfigKey<>(name, expected, parser, defaultText, description, item);
  }

  /** A copy with a one-line description, shown in the configuration reference. */
  public ConfigKey<T> withDescription(String description) {
    return new ConfigKey<>(
        name, expected, parser, defaultText, Objects.requireNonNull(description), item);
  }

  public String name() {
    return name;
  }

  /** What a valid value looks like, for messages: {@code "an integer from 0 to 65535"}. */
  public String expected() {
    return expected;
  }

  public Optional<String> defaultText() {
    return Optional.ofNullable(defaultText);
  }

  public String description() {
    return description;
  }

  /**
   * Whether this key is a {@link #list}: read from a YAML sequence ({@code key[0]}, {@code
   * key[1]}, ...) or from comma-separated text.
   */
  public boolean isList() {
    return item != null;
  }

  /** What one item of a list key must be, for messages: "one of b3, jaeger" for "a list of b3, jaeger". */
  String expectedItem() {
    return expected.startsWith("a list of ") ? "one of " + expected.substring("a list of ".length()) : "a valid item of " + expected;
  }

  /** Checks one item of a list key read from a YAML sequence; the item as it is for others. */
  String parseItem(String text) {
    return item == null ? text : item.apply(text);
  }

  /** Whether the name has a {@code *} segment. */
  public boolean isPattern() {
    return name.contains("*");
  }

  /** Parses {@code text}; throws {@link IllegalArgumentException} when it is not valid. */
  public T parse(String text) {
    return parser.apply(text);
  }

  /** Whether the name ends in {@code .**} and so matches any deeper key. */
  public boolean isPrefix() {
    return name.endsWith(".**");
  }

  /** Whether {@code key} (with any {@code [i]} list suffix removed) is this key. */
  public boolean matches(String key) {
    // Called for every value against every key at start-up: no regex unless the key has an index.
    String k = key.indexOf('[') < 0 ? key : LIST_INDEX.matcher(key).replaceAll("");
    if (name.indexOf('*') < 0) {
      return k.equals(name);
    }
    if (isPrefix()) {
      String prefix = name.substring(0, name.length() - 2);
      return k.startsWith(prefix) && k.length() > prefix.length();
    }
    String[] want = name.split("\\.");
    String[] have = k.split("\\.");
    if (want.length != have.length) {
      return false;
    }
    for (int i = 0; i < want.length; i++) {
      if (!want[i].equals("*") && !want[i].equals(have[i])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return name;
  }

  static boolean parseBoolean(String s) {
    String v = s.strip().toLowerCase(Locale.ROOT);
    if (v.equals("true")) {
      return true;
    }
    if (v.equals("false")) {
      return false;
    }
    throw new IllegalArgumentException("not a boolean");
  }

  static Duration parseDuration(String s) {
    String v = s.strip();
    if (v.equals("0")) {
      return Duration.ZERO;
    }
    if (v.startsWith("P") || v.startsWith("p")) {
      try {
        Duration d = Duration.parse(v);
        if (d.isNegative()) {
          throw new IllegalArgumentException("negative");
        }
        return d;
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("not a duration");
      }
    }
    Matcher m = DURATION.matcher(v);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a duration");
    }
    long n;
    try {
      n = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("too large");
    }
    return switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "ns" -> Duration.ofNanos(n);
      case "us" -> Duration.ofNanos(Math.multiplyExact(n, 1000L));
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  static long parseSize(String s) {
    Matcher m = SIZE.matcher(s.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a size");
    }
    long n;
    try {
      n = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("too large");
    }
    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
    long factor =
        switch (unit) {
          case "kb", "kib" -> 1024L;
          case "mb", "mib" -> 1024L * 1024;
          case "gb", "gib" -> 1024L * 1024 * 1024;
          default -> 1L;
        };
    try {
      return Math.multiplyExact(n, factor);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("too large");
    }
  }

  static <E extends Enum<E>> E parseEnum(String s, Class<E> type) {
    String v = s.strip().replace('-', '_');
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(v)) {
        return e;
      }
    }
    throw new IllegalArgumentException("not a known value");
  }

  static List<String> parseList(String s) {
    List<String> out = new ArrayList<>();
    for (String part : s.split(",", -1)) {
      String p = part.strip();
      if (!p.isEmpty()) {
        out.add(p);
      }
    }
    return List.copyOf(out);
  }
}
