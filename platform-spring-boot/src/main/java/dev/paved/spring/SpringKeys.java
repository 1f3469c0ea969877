package dev.paved.spring;

import java.util.Set;

/**
 * Which keys of a Spring Boot application's configuration are Spring Boot's own — not the
 * service's and not Paved's — and so are not handed to Paved: the namespaces {@code spring.*},
 * {@code server.*}, {@code management.*}, {@code logging.*}, {@code info.*} and the keys
 * {@code debug} and {@code trace}. One rule for the running application ({@code
 * SpringConfiguration}) and for Paved's build goals, which call it from the service's own class
 * path (no Spring class is needed).
 */
public final class SpringKeys {
  private static final String[] NAMESPACES = {"spring.", "server.", "management.", "logging.", "info."};
  private static final Set<String> KEYS = Set.of("debug", "trace");

  private SpringKeys() {}

  /** Whether {@code key} is Spring Boot's own. */
  public static boolean isSpringKey(String key) {
    if (KEYS.contains(key)) {
      return true;
    }
    for (String ns : NAMESPACES) {
      if (key.startsWith(ns)) {
        return true;
      }
    }
    return false;
  }
}
