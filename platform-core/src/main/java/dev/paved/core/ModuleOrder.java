package dev.paved.core;

import dev.paved.core.spi.PlatformModule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Orders modules so that each starts after those it depends on; stable by name otherwise. */
final class ModuleOrder {
  private ModuleOrder() {}

  static List<PlatformModule> sort(List<PlatformModule> modules) {
    Map<String, PlatformModule> byName = new TreeMap<>();
    for (PlatformModule m : modules) {
      String name = m.name();
      PlatformModule previous = byName.putIfAbsent(name, m);
      if (previous != null) {
        throw new PlatformStartException(
            "Two Paved modules are named '" + name + "': " + previous.getClass().getName() + " and "
                + m.getClass().getName() + "; remove one of them from the classpath");
      }
    }
    for (PlatformModule m : byName.values()) {
      for (String dep : m.dependsOn()) {
        if (!byName.containsKey(dep)) {
          throw new PlatformStartException(
              "Paved module '" + m.name() + "' needs module '" + dep + "', which is not on the classpath;"
                  + " add the platform-" + dep + " dependency (its version comes from platform-bom)");
        }
      }
    }
    List<PlatformModule> out = new ArrayList<>();
    Set<String> done = new LinkedHashSet<>();
    Set<String> visiting = new LinkedHashSet<>();
    for (String name : byName.keySet()) {
      visit(name, byName, done, visiting, out);
    }
    return out;
  }

  private static void visit(
      String name, Map<String, PlatformModule> byName, Set<String> done, Set<String> visiting, List<PlatformModule> out) {
    if (done.contains(name)) {
      return;
    }
    if (!visiting.add(name)) {
      throw new PlatformStartException("Paved modules depend on each other in a cycle: " + String.join(" -> ", visiting) + " -> " + name);
    }
    PlatformModule m = java.util.Objects.requireNonNull(byName.get(name));
    Map<String, Boolean> before = new LinkedHashMap<>();
    for (String d : new java.util.TreeSet<>(m.dependsOn())) {
      before.put(d, true);
    }
    for (String d : new java.util.TreeSet<>(m.startsAfter())) {
      if (byName.containsKey(d)) {
        before.putIfAbsent(d, false);
      }
    }
    for (String d : before.keySet()) {
      visit(d, byName, done, visiting, out);
    }
    visiting.remove(name);
    done.add(name);
    out.add(m);
  }
}
