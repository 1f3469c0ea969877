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
        d: plain with:colon-less text # comment
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
  void refusesDuplicateKeysInFlowMappingsAndNestedMappings() {
    assertThatThrownBy(() -> YamlReader.read("b: {kind: http, kind: grpc}\n"))
        .hasMessageContaining("duplicate key 'kind'");
    assertThatThrownBy(() -> YamlReader.read("a:\n  x: 1\n  x: 2\n"))
        .isInstanceOfSatisfying(YamlReader.YamlException.class, e -> assertThat(e.line()).isEqualTo(3));
  }

  @Test
  void refusesSeveralDocumentsAndCollectionKeys() {
    assertThatThrownBy(() -> YamlReader.read("a: 1\n---\nb: 2\n")).hasMessageContaining("one YAML document");
    assertThatThrownBy(() -> YamlReader.read("? [a, b]\n: 1\n")).hasMessageContaining("keys must be plain text");
    assertThatThrownBy(() -> YamlReader.read("- a\n- b\n")).hasMessageContaining("must be a mapping");
  }

  @Test
  void refusesAnAliasBombWithItsPosition() {
    StringBuilder yaml = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    char prev = 'a';
    for (char c = 'b'; c <= 'k'; c++) {
      yaml.append(c).append(": &").append(c).append(" [");
      for (int i = 0; i < 10; i++) {
        yaml.append(i == 0 ? "" : ", ").append('*').append(prev);
      }
      yaml.append("]\n");
      prev = c;
    }
    assertThatThrownBy(() -> YamlReader.read(yaml.toString()))
        .isInstanceOf(YamlReader.YamlException.class)
        .hasMessageContaining("values once aliases are expanded");
  }

  @Test
  void reportsBadIndentationWithLineAndColumn() {
    assertThatThrownBy(() -> YamlReader.read("a:\n  b: 1\n    c: 2\n"))
        .isInstanceOfSatisfying(
            YamlReader.YamlException.class,
            e -> {
              assertThat(e.line()).isEqualTo(3);
              assertThat(e.column()).isGreaterThan(1);
            });
  }

  @Test
  void reportsUnclosedQuotesWithoutEchoingTheFile() {
    assertThatThrownBy(() -> YamlReader.read("token: \"s3cr3t-value\n"))
        .isInstanceOfSatisfying(
            YamlReader.YamlException.class,
            e -> {
              assertThat(e.getMessage()).contains("quoted scalar").doesNotContain("s3cr3t");
              assertThat(e.line()).isGreaterThanOrEqualTo(1);
            });
  }

  // YAML that the hand-written reader refused or misread, and snakeyaml-engine reads.

  @Test
  void readsMultiLinePlainScalars() throws Exception {
    assertThat(values("description: a value that\n  goes on\n  over lines\nnext: 1\n"))
        .containsEntry("description", "a value that goes on over lines")
        .containsEntry("next", "1");
  }

  @Test
  void readsBlockScalarsWithKeepAndIndentationIndicators() throws Exception {
    assertThat(values("keep: |+\n  one\n\nstrip: |-\n  two\nindented: |2\n    four spaces\n"))
        .containsEntry("keep", "one\n\n")
        .containsEntry("strip", "two")
        .containsEntry("indented", "  four spaces\n");
  }

  @Test
  void readsAnchorsAliasesAndMergeKeys() throws Exception {
    String yaml =
        """
        defaults: &defaults
          timeout: 2s
          retry:
            max-attempts: 3
        platform:
          resilience:
            dependencies:
              payments:
                <<: *defaults
                timeout: 5s
              ledger:
                <<: [*defaults]
          tags: &tags [a, b]
          more-tags: *tags
        """;
    var read = YamlReader.read(yaml);
    assertThat(values(yaml))
        .containsEntry("platform.resilience.dependencies.payments.timeout", "5s")
        .containsEntry("platform.resilience.dependencies.payments.retry.max-attempts", "3")
        .containsEntry("platform.resilience.dependencies.ledger.timeout", "2s")
        .containsEntry("platform.resilience.dependencies.ledger.retry.max-attempts", "3")
        .containsEntry("platform.more-tags[1]", "b");
    // The key of the mapping itself wins and keeps its own position.
    assertThat(read.get("platform.resilience.dependencies.payments.timeout"))
        .isEqualTo(new YamlReader.Scalar("5s", 10, 18));
  }

  @Test
  void earlierMergesWinOverLaterOnes() throws Exception {
    String yaml = "a: &a {x: 1}\nb: &b {x: 2, y: 2}\nc:\n  <<: [*a, *b]\n";
    assertThat(values(yaml)).containsEntry("c.x", "1").containsEntry("c.y", "2");
  }

  @Test
  void readsNestedFlowCollectionsAndFlowOverLines() throws Exception {
    String yaml = "a: [1, [2, 3], {k: v}]\nb: {\n  kind: http,\n  url: \"http://h:1/p\"\n}\n";
    assertThat(values(yaml))
        .containsEntry("a[0]", "1")
        .containsEntry("a[1][0]", "2")
        .containsEntry("a[1][1]", "3")
        .containsEntry("a[2].k", "v")
        .containsEntry("b.kind", "http")
        .containsEntry("b.url", "http://h:1/p");
  }

  @Test
  void readsEveryDoubleQuotedEscape() throws Exception {
    assertThat(values("a: \"\\x41\\U0001F600\\e\\N\\_\\a\\b\\v\\f\"\n"))
        .containsEntry("a", "A\uD83D\uDE00\u001B\u0085\u00A0\u0007\b\u000B\f");
    assertThat(values("b: \"folded\n  line\"\n")).containsEntry("b", "folded line");
  }

  @Test
  void readsExplicitStringTagsAndQuotedNullsAsText() throws Exception {
    assertThat(values("a: !!str 123\nb: 'null'\nc: \"~\"\n"))
        .containsEntry("a", "123")
        .containsEntry("b", "null")
        .containsEntry("c", "~");
  }

  @Test
  void emptyFlowCollectionsSetTheKeyToEmpty() throws Exception {
    assertThat(values("a: []\nb: {}\n")).containsEntry("a", "").containsEntry("b", "");
  }

  /** A chain of merges that doubles at every level stays linear: each level is walked once. */
  @Test
  @org.junit.jupiter.api.Timeout(10)
  void aMergeKeyChainWithinTheAliasLimitIsReadWithoutBlowingUp() throws Exception {
    StringBuilder yaml = new StringBuilder("a0: &a0 {x: 1}\n");
    for (int i = 1; i < 40; i++) {
      yaml.append("a").append(i).append(": &a").append(i).append(" {<<: [*a").append(i - 1).append(", *a").append(i - 1).append("]}\n");
    }
    assertThat(values(yaml.toString())).hasSize(40).containsEntry("a39.x", "1");
  }

  @Test
  void refusesTwoKeysThatFlattenToOnePath() {
    assertThatThrownBy(() -> YamlReader.read("\"a.b\": 1\na:\n  b: 2\n"))
        .isInstanceOf(YamlReader.YamlException.class)
        .hasMessageContaining("duplicate key 'a.b'");
  }
}
