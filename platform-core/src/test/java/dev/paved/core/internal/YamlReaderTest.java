package dev.paved.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class YamlReaderTest {

  private static Map<String, String> values(String yaml) throws YamlReader.YamlException {
    Map<String, String> out = new LinkedHashMap<>();
    YamlReader.read(yaml).forEach((k, v) -> out.put(k, v.value()));
    return out;
  }

  @Test
  void readsNestedMappingsAsDottedKeys() throws Exception {
    String yaml =
        """
        platform:
          service:
            name: orders   # the name
            tier: 2
          admin:
            port: 8081
        """;
    assertThat(values(yaml))
        .containsExactly(
            Map.entry("platform.service.name", "orders"),
            Map.entry("platform.service.tier", "2"),
            Map.entry("platform.admin.port", "8081"));
  }

  @Test
  void keepsLineAndColumnOfEveryValue() throws Exception {
    var read = YamlReader.read("a:\n  b: x\n  c:   'y'\n");
    assertThat(read.get("a.b")).isEqualTo(new YamlReader.Scalar("x", 2, 6));
    assertThat(read.get("a.c")).isEqualTo(new YamlReader.Scalar("y", 3, 8));
  }

  @Test
  void readsSequencesIndentedOrAtTheKeysIndentation() throws Exception {
    assertThat(values("list:\n  - a\n  - b\nother:\n- c\n- 'd'\n"))
        .containsExactly(
            Map.entry("list[0]", "a"), Map.entry("list[1]", "b"), Map.entry("other[0]", "c"), Map.entry("other[1]", "d"));
  }

  @Test
  void readsMappingsInsideSequenceItems() throws Exception {
    String yaml =
        """
        deps:
          - name: payments
            kind: http
          - name: ledger
            kind: database
        """;
    assertThat(values(yaml))
        .containsExactly(
            Map.entry("deps[0].name", "payments"),
            Map.entry("deps[0].kind", "http"),
            Map.entry("deps[1].name", "ledger"),
            Map.entry("deps[1].kind", "database"));
  }

  @Test
  void readsFlowCollectionsAndQuotedScalars() throws Exception {
    String yaml =
        """
        a: [x, "y, z", 'it''s']
        b: {kind: http, url: "http://h:1/p"}
        c: "tab\\tand \\u00e9 and # not a comment"
        d: plain with: colon-less text # comment
        """;
    assertThat(values(yaml))
        .containsEntry("a[0]", "x")
        .containsEntry("a[1]", "y, z")
        .containsEntry("a[2]", "it's")
        .containsEntry("b.kind", "http")
        .containsEntry("b.url", "http://h:1/p")
        .containsEntry("c", "tab\tand \u00e9 and # not a comment");
  }

  @Test
  void plainValueMayContainColonWithoutSpace() throws Exception {
    assertThat(values("url: http://localhost:4242/api\n")).containsEntry("url", "http://localhost:4242/api");
  }

  @Test
  void readsLiteralAndFoldedBlockScalars() throws Exception {
    String yaml = "lit: |\n  one\n  two\nfold: >-\n  a\n  b\nnext: x\n";
    assertThat(values(yaml))
        .containsEntry("lit", "one\ntwo\n")
        .containsEntry("fold", "a b")
        .containsEntry("next", "x");
  }

  @Test
  void nullValuesSetNothing() throws Exception {
    assertThat(values("a: ~\nb: null\nc:\nd: 1\n")).containsExactly(Map.entry("d", "1"));
  }

  @Test
  void acceptsOneLeadingDocumentMarkerAndEmptyDocuments() throws Exception {
    assertThat(values("---\na: 1\n")).containsEntry("a", "1");
    assertThat(values("")).isEmpty();
    assertThat(values("# only a comment\n\n")).isEmpty();
  }

  @Test
  void refusesTabsWithTheirPosition() {
    assertThatThrownBy(() -> YamlReader.read("a:\n\tb: 1\n"))
        .isInstanceOfSatisfying(
            YamlReader.YamlException.class,
            e -> {
              assertThat(e.line()).isEqualTo(2);
              assertThat(e.getMessage()).contains("tabs");
            });
  }

  @Test
  void refusesDuplicateKeysNamingTheFirstLine() {
    assertThatThrownBy(() -> YamlReader.read("a: 1\nb: 2\na: 3\n"))
        .isInstanceOfSatisfying(
            YamlReader.YamlException.class,
            e -> {
              assertThat(e.line()).isEqualTo(3);
              assertThat(e.getMessage()).contains("duplicate key 'a'").contains("line 1");
            });
  }

  @Test
  void refusesWhatItDoesNotSupportInsteadOfMisreadingIt() {
    assertThatThrownBy(() -> YamlReader.read("a: &anchor 1\n")).hasMessageContaining("anchors");
    assertThatThrownBy(() -> YamlReader.read("a: *ref\n")).hasMessageContaining("aliases");
    assertThatThrownBy(() -> YamlReader.read("a: 1\n---\nb: 2\n")).hasMessageContaining("one YAML document");
    assertThatThrownBy(() -> YamlReader.read("a: [1, [2]]\n")).hasMessageContaining("nested");
    assertThatThrownBy(() -> YamlReader.read("? a\n: 1\n")).hasMessageContaining("complex keys");
  }

  @Test
  void reportsBadIndentationWithLineAndColumn() {
    assertThatThrownBy(() -> YamlReader.read("a:\n  b: 1\n    c: 2\n"))
        .isInstanceOfSatisfying(
            YamlReader.YamlException.class,
            e -> {
              assertThat(e.line()).isEqualTo(3);
              assertThat(e.column()).isEqualTo(5);
            });
  }

  @Test
  void reportsUnclosedQuotesAndMissingColons() {
    assertThatThrownBy(() -> YamlReader.read("a: \"open\n")).hasMessageContaining("unclosed quote");
    assertThatThrownBy(() -> YamlReader.read("a:\n  just text\n")).hasMessageContaining("expected 'key: value'");
  }
}
