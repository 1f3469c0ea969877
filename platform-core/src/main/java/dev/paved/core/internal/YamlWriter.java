package dev.paved.core.internal;

import java.util.List;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/**
 * Writes the YAML files Paved generates (the catalog entities, SLO rules, OpenSLO documents) with
 * the library that reads {@code platform.yaml} — one YAML dialect for the whole SDK. Block style,
 * each document opened by {@code ---}, no line folding (a PromQL expression stays on its line),
 * plain scalars unless a value needs quotes. Takes plain Java values: maps (written in their
 * order), lists, strings, numbers, booleans. Internal: not for public use.
 */
public final class YamlWriter {
  private static final DumpSettings SETTINGS =
      DumpSettings.builder()
          .setDefaultFlowStyle(FlowStyle.BLOCK)
          .setExplicitStart(true)
          .setSplitLines(false)
          .setIndent(2)
          .setIndicatorIndent(2)
          .setIndentWithIndicator(true)
          // The reader's schema (YAML 1.2 core): a string such as 0042, 0x1F, TRUE, ~ or .inf is
          // quoted, so it is read back as the string it was, by Paved, Backstage or Prometheus.
          .setSchema(new org.snakeyaml.engine.v2.schema.CoreSchema())
          .build();

  private YamlWriter() {}

  /** One document. */
  public static String write(Object document) {
    return new Dump(SETTINGS).dumpToString(document);
  }

  /** Several documents, one after the other. */
  public static String writeAll(List<?> documents) {
    StringBuilder out = new StringBuilder();
    for (Object d : documents) {
      out.append(write(d));
    }
    return out.toString();
  }
}
