package dev.paved.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The layered configuration every module reads, as one immutable view. Layers, lowest first:
 * built-in defaults, {@code platform.yaml} (classpath, or the file named by {@code
 * PLATFORM_CONFIG}), {@code platform-<environment>.yaml}, environment variables, system
 * properties, builder overrides.
 *
 * <p>Typed getters throw {@link ConfigException} naming the key, its source and what was
 * expected when a value cannot be read; they never print a value whose key looks secret.
 */
public final class PlatformConfig {
  /** What is printed in place of a secret value. */
  public static final String MASK = "******";

  private static final Pattern SECRET_WORDS =
      Pattern.compile(
          "(^|[._\\-\\[])(password|passwd|pwd|passphrase|token|secret|secrets|key|apikey|credential|credentials|private|auth|authorization|cookie|signature)([._\\-\\]]|$)");

  private final Map<String, ConfigValue> values;
  private final Map<String, String> environment;
  private final long version;
  private volatile @Nullable String hash;
  /** The keys and sections asked for, so that values nothing read can be named. */
  private final Set<String> read = java.util.concurrent.ConcurrentHashMap.newKeySet();

  PlatformConfig(Map<String, ConfigValue> values, Map<String, String> environment, long version) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    this.environment = environment;
    this.version = version;
  }

  /** A configuration of just these values (source {@code builder}), for tests and tools. */
  public static PlatformConfig of(Map<String, String> values) {
    Map<String, ConfigValue> v = new LinkedHashMap<>();
    values.forEach((k, val) -> v.put(k, new ConfigValue(k, val, "builder")));
    return new PlatformConfig(v, Map.of(), 1);
  }

  /**
   * Last segments under {@code platform.} whose values name a secret or where it is, but are not
   * one: a file, a directory, a path, a mount or a URL ({@code token-file}, {@code
   * secret-id-file}, {@code api-token-file}).
   */
  private static final Pattern REFERENCE_SUFFIX = Pattern.compile(".*-(file|dir|path|mount|mounts|url)");

  private static final Pattern TRAILING_INDEX = Pattern.compile("\\[\\d+]$");

  /**
   * Whether the value of {@code key} may be a secret, and so is never printed.
   *
   * <p>For the service's own keys, any segment or word such as password, token, secret, key,
   * credential or auth makes the key secret ({@code payments.api-key}, {@code db.password}, {@code
   * myapp.secrets.stripe}). Under {@code platform.} only the last segment counts, and not when it
   * names where a secret is rather than the secret: {@code platform.secrets.required} holds
   * references such as {@code kv/risk#api-key}, {@code platform.secrets.vault.auth.token-file} a
   * file name, and both are shown, so that the reference a message is about can be read. Paved
   * declares no key whose value is a credential; a misspelt one that looks like a credential
   * ({@code platform.secrets.vault.token}) is still masked.
   */
  public static boolean isSecretKey(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    if (!k.startsWith("platform.")) {
      return SECRET_WORDS.matcher(k).find();
    }
    String last = k.indexOf('[') < 0 ? k : TRAILING_INDEX.matcher(k).replaceAll("");
    last = last.substring(last.lastIndexOf('.') + 1);
    return SECRET_WORDS.matcher(last).find() && !REFERENCE_SUFFIX.matcher(last).matches();
  }

  /** The version of this configuration: 1 at start, incremented by every applied change. */
  public long version() {
    return version;
  }

  /** The same values under another version; used by the component that applies a reload. */
  public PlatformConfig withVersion(long newVersion) {
    if (newVersion < 1) {
      throw new IllegalArgumentException("newVersion: " + newVersion + " (expected: 1 or more)");
    }
    return new PlatformConfig(values, environment, newVersion);
  }

  /**
   * The SHA-256 of the normalised effective configuration, as 64 lower-case hex digits: every
   * {@code key=value} line sorted by key, with the values of secret-looking keys left out, so the
   * hash can be shown and compared without revealing a secret. Equal content gives an equal hash
   * whatever the version, the order of the files or the sources.
   */
  public String hash() {
    String h = hash;
    if (h == null) {
      java.security.MessageDigest digest;
      try {
        digest = java.security.MessageDigest.getInstance("SHA-256");
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is required of every JDK", e);
      }
      for (Map.Entry<String, ConfigValue> e : new java.util.TreeMap<>(values).entrySet()) {
        String key = e.getKey();
        String line = key + "=" + (isSecretKey(key) ? MASK : e.getValue().value()) + "\n";
        digest.update(line.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      h = java.util.HexFormat.of().formatHex(digest.digest());
      hash = h;
    }
    return h;
  }

  /**
   * An environment variable of the environment the platform was started with (the process's,
   * unless a test gave another), for standard variables such as {@code VAULT_ADDR}.
   */
  public Optional<String> environmentVariable(String name) {
    return Optional.ofNullable(environment.get(name));
  }

  /**
   * Marks {@code key} and every value under it as read: for a component that reads a whole
   * section through {@link #entries()} (a bound section).
   */
  public void markRead(String key) {
    if (!read.contains(key)) {
      read.add(key);
    }
  }

  /**
   * The service's values (outside {@code platform.}) set in a file that nothing has read so far,
   * neither the key nor a section above it: most often a misspelt or forgotten section. The keys
   * under {@code platform.} need no such check: an undeclared one is refused at start-up.
   */
  public List<ConfigValue> unread() {
    List<ConfigValue> out = new ArrayList<>();
    for (ConfigValue v : values.values()) {
      String key = v.key();
      if (key.startsWith("platform.") || v.source().startsWith("environment variable") || v.source().startsWith("system property")
          || v.source().equals("builder") || v.source().equals("default")) {
        continue;
      }
      if (!isRead(key)) {
        out.add(v);
      }
    }
    return out;
  }

  private boolean isRead(String key) {
    String k = key;
    while (true) {
      if (read.contains(k)) {
        return true;
      }
      int cut = Math.max(k.lastIndexOf('.'), k.lastIndexOf('['));
      if (cut <= 0) {
        return false;
      }
      k = k.substring(0, cut);
    }
  }

  /** Every effective value, in precedence order of first definition. */
  public Map<String, ConfigValue> entries() {
    return values;
  }

  /**
   * The effective value of {@code key}. A key outside {@code platform.} that no file sets is also
   * looked up as an environment variable ({@code checkout.max-items} as {@code
   * CHECKOUT_MAX_ITEMS}).
   */
  public Optional<ConfigValue> value(String key) {
    markRead(key);
    ConfigValue v = values.get(key);
    if (v != null) {
      return Optional.of(v);
    }
    if (!key.startsWith("platform.")) {
      String envName = environmentName(key);
      String env = environment.get(envName);
      if (env != null) {
        return Optional.of(new ConfigValue(key, env, "environment variable " + envName));
      }
    }
    return Optional.empty();
  }

  public Optional<String> getString(String key) {
    return value(key).map(ConfigValue::value);
  }

  public String getString(String key, String defaultValue) {
    return getString(key).orElse(defaultValue);
  }

  public int getInt(String key, int defaultValue) {
    return typed(key, "an integer", s -> Integer.parseInt(s.strip())).orElse(defaultValue);
  }

  public long getLong(String key, long defaultValue) {
    return typed(key, "an integer", s -> Long.parseLong(s.strip())).orElse(defaultValue);
  }

  public double getDouble(String key, double defaultValue) {
    return typed(key, "a number", s -> Double.parseDouble(s.strip())).orElse(defaultValue);
  }

  public boolean getBoolean(String key, boolean defaultValue) {
    return typed(key, "true or false", ConfigKey::parseBoolean).orElse(defaultValue);
  }

  public Duration getDuration(String key, Duration defaultValue) {
    return typed(key, "a duration such as 250ms, 5s, 1m or PT5S", ConfigKey::parseDuration)
        .orElse(defaultValue);
  }

  /** A size in bytes ({@code 64KB}, {@code 10MiB}; K, M and G are 1024-based). */
  public long getSizeBytes(String key, long defaultValue) {
    return typed(key, "a size such as 512B, 64KB or 10MB", ConfigKey::parseSize)
        .orElse(defaultValue);
  }

  public <E extends Enum<E>> E getEnum(String key, Class<E> type, E defaultValue) {
    return typed(key, ConfigKey.enumeration("x", type).expected(), s -> ConfigKey.parseEnum(s, type))
        .orElse(defaultValue);
  }

  /** A YAML sequence under {@code key}, or comma-separated text; empty when absent. */
  public List<String> getList(String key) {
    markRead(key);
    List<String> items = new ArrayList<>();
    for (int i = 0; ; i++) {
      ConfigValue v = values.get(key + "[" + i + "]");
      if (v == null) {
        break;
      }
      items.add(v.value());
    }
    if (!items.isEmpty()) {
      return List.copyOf(items);
    }
    return getString(key).map(ConfigKey::parseList).orElse(List.of());
  }

  /** The value of a declared key, or its default; a {@link ConfigException} when neither. */
  public <T> T get(ConfigKey<T> key) {
    return find(key)
        .orElseThrow(
            () ->
                new ConfigException(
                    List.of(
                        new ConfigProblem(
                            key.name(),
                            "not set",
                            "a value is required",
                            "set " + key.name() + " to " + key.expected()))));
  }

  /** The value of a declared key, or its default, if either exists. */
  public <T> Optional<T> find(ConfigKey<T> key) {
    if (key.isList() && values.containsKey(key.name() + "[0]")) {
      // A YAML sequence: each item checked as it is (an item may contain a comma), and a bad
      // one named with its own line and column.
      List<String> items = new ArrayList<>();
      for (int i = 0; ; i++) {
        ConfigValue item = values.get(key.name() + "[" + i + "]");
        if (item == null) {
          break;
        }
        items.add(parse(item, key.expectedItem(), key::parseItem));
      }
      @SuppressWarnings("unchecked")
      T list = (T) List.copyOf(items);
      return Optional.of(list);
    }
    Optional<ConfigValue> v = value(key.name());
    if (v.isPresent()) {
      return Optional.of(parse(v.get(), key.expected(), key::parse));
    }
    return key.defaultText().map(key::parse);
  }

  /**
   * The names directly under {@code prefix}: for {@code platform.service.dependencies} the
   * dependency names.
   */
  public Set<String> childNames(String prefix) {
    markRead(prefix);
    String p = prefix + ".";
    Set<String> names = new TreeSet<>();
    for (String key : values.keySet()) {
      if (key.startsWith(p)) {
        names.add(dev.paved.core.internal.YamlReader.firstSegment(key.substring(p.length())));
      }
    }
    return Collections.unmodifiableSet(names);
  }

  /** The environment variable name for a key: {@code platform.admin.port} is {@code PLATFORM_ADMIN_PORT}. */
  public static String environmentName(String key) {
    StringBuilder sb = new StringBuilder(key.length());
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (Character.isLetterOrDigit(c)) {
        sb.append(Character.toUpperCase(c));
      } else if (sb.length() > 0 && sb.charAt(sb.length() - 1) != '_') {
        sb.append('_');
      }
    }
    while (sb.length() > 0 && sb.charAt(sb.length() - 1) == '_') {
      sb.setLength(sb.length() - 1);
    }
    return sb.toString();
  }

  private <T> Optional<T> typed(String key, String expected, Function<String, T> parser) {
    return value(key).map(v -> parse(v, expected, parser));
  }

  static <T> T parse(ConfigValue v, String expected, Function<String, T> parser) {
    try {
      return parser.apply(v.value());
    } catch (RuntimeException e) {
      throw new ConfigException(List.of(invalid(v, expected)));
    }
  }

  static ConfigProblem invalid(ConfigValue v, String expected) {
    String shown = isSecretKey(v.key()) ? "the value" : "'" + v.value() + "'";
    return new ConfigProblem(
        v.key(), v.source(), shown + " is not " + expected, "set " + v.key() + " to " + expected);
  }

  /** Shows keys and sources; values of secret-looking keys are masked. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("PlatformConfig{version=").append(version);
    values.values().forEach(v -> sb.append(", ").append(v));
    return sb.append('}').toString();
  }
}
