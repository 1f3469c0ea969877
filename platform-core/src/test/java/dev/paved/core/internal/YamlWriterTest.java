package dev.paved.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class YamlWriterTest {
  @Test
  void whatIsWrittenIsReadBackAsItWasStringsThatLookLikeOtherTypesIncluded() throws Exception {
    Map<String, Object> doc = new LinkedHashMap<>();
    for (String tricky : List.of("0042", "0x1F", "0o17", "+1", "TRUE", "True", "false", "~", "null", "Null", ".inf", "-.Inf", ".nan", "1e3", "yes", "")) {
      doc.put("k" + doc.size(), tricky);
    }
    doc.put("number", 42);
    doc.put("decimal", 0.3);
    doc.put("flag", true);
    doc.put("expr", "sum(rate(x{le=\"0.3\",a=~\"5..\"}[5m])) / sum(rate(x[5m])) # not a comment: " + "y".repeat(200));
    doc.put("list", List.of("a", Map.of("b", "c")));
    String yaml = YamlWriter.write(doc);
    assertThat(yaml).startsWith("---\n");
    assertThat(YamlReader.readTree(yaml)).isEqualTo(doc);
    assertThat(yaml.lines().filter(l -> l.startsWith("expr:"))).as("not folded").hasSize(1);
  }

  @Test
  void severalDocumentsFollowEachOther() {
    String yaml = YamlWriter.writeAll(List.of(Map.of("a", 1), Map.of("b", 2)));
    assertThat(yaml).isEqualTo("---\na: 1\n---\nb: 2\n");
  }
}
