package dev.paved.tests.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paved.core.ConfigKey;
import dev.paved.core.CoreSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Keeps the README and docs/ true: their Java compiles, the reference lists every key, their links resolve. */
class DocumentationTest {
  private static final Path ROOT = Path.of("..", "..").toAbsolutePath().normalize();
  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern PUBLIC_CLASS = Pattern.compile("public (?:final )?class (\\w+)");

  private static final Pattern PACKAGE = Pattern.compile("(?m)^package ([\\w.]+);");

  /** A block; {@code siblings}: the other blocks of its page in the same package, compiled with it. */
  record Snippet(String file, int index, String code, List<String> siblings) {
    @Override
    public String toString() {
      return file + " #" + index;
    }
  }

  private static @org.jspecify.annotations.Nullable String packageOf(String code) {
    Matcher m = PACKAGE.matcher(code);
    return m.find() ? m.group(1) : null;
  }

  static Stream<Snippet> javaSnippets() throws IOException {
    List<Path> files = new ArrayList<>();
    files.add(ROOT.resolve("README.md"));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    List<Snippet> snippets = new ArrayList<>();
    for (Path f : files) {
      Matcher m = JAVA_BLOCK.matcher(Files.readString(f, StandardCharsets.UTF_8));
      List<String> blocks = new ArrayList<>();
      while (m.find()) {
        blocks.add(m.group(1));
      }
      // A page that builds one program (getting-started.md: a main class and its test) declares a
      // package in its blocks; the blocks of one package compile together, as in the project.
      for (int i = 0; i < blocks.size(); i++) {
        String pkg = packageOf(blocks.get(i));
        List<String> siblings = new ArrayList<>();
        for (int j = 0; j < blocks.size(); j++) {
          if (j != i && pkg != null && pkg.equals(packageOf(blocks.get(j)))) {
            siblings.add(blocks.get(j));
          }
        }
        snippets.add(new Snippet(ROOT.relativize(f).toString(), i + 1, blocks.get(i), siblings));
      }
    }
    assertThat(snippets).as("java snippets found").hasSizeGreaterThanOrEqualTo(4);
    return snippets.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("javaSnippets")
  void javaSnippetCompiles(Snippet snippet, @TempDir Path dir) throws IOException {
    Matcher name = PUBLIC_CLASS.matcher(snippet.code());
    assertThat(name.find()).as("%s declares a public class (snippets are whole files)", snippet).isTrue();
    Path source = dir.resolve(name.group(1) + ".java");
    Files.writeString(source, snippet.code());
    List<Path> sources = new ArrayList<>(List.of(source));
    for (String sibling : snippet.siblings()) {
      Matcher other = PUBLIC_CLASS.matcher(sibling);
      assertThat(other.find()).as("%s: a sibling block declares a public class", snippet).isTrue();
      Path s = dir.resolve(other.group(1) + ".java");
      Files.writeString(s, sibling);
      sources.add(s);
    }
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager fm = compiler.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
      boolean ok =
          compiler
              .getTask(
                  null,
                  fm,
                  diagnostics,
                  List.of("-classpath", System.getProperty("java.class.path"), "-d", dir.toString(), "-proc:none"),
                  null,
                  fm.getJavaFileObjectsFromPaths(sources))
              .call();
      assertThat(ok).as("%s compiles: %s", snippet, diagnostics.getDiagnostics()).isTrue();
    }
  }

  @Test
  void configurationReferenceListsEveryKeyOfEveryModuleWithItsDefaultAndType() throws IOException {
    String reference = Files.readString(ROOT.resolve("docs/configuration.md"), StandardCharsets.UTF_8);
    // Every key the code can read: core's and those of every module on the classpath, found the
    // way the platform finds them, so a new module's keys are checked without editing this test.
    List<ConfigKey<?>> keys = new ArrayList<>(CoreSettings.keys());
    List<String> modules = new ArrayList<>();
    for (dev.paved.core.spi.PlatformModule m : java.util.ServiceLoader.load(dev.paved.core.spi.PlatformModule.class)) {
      modules.add(m.name());
      keys.addAll(m.configKeys());
    }
    assertThat(modules).contains("observability", "resilience", "config");
    for (ConfigKey<?> key : keys) {
      String row =
          reference.lines()
              .filter(l -> l.startsWith("| `" + key.name() + "` |"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("docs/configuration.md has no row for " + key.name()));
      String[] cells = row.split("\\|");
      String expectedDefault = key.defaultText().map(d -> "`" + d + "`").orElse("—");
      assertThat(cells[2].strip()).as("default of %s", key.name()).startsWith(expectedDefault);
      assertThat(cells[3].strip()).as("type of %s", key.name()).isEqualTo(shortType(key.expected()));
      assertThat(cells[4].strip()).as("meaning of %s", key.name()).isNotEmpty();
    }
  }

  /** The type column: {@code duration}, {@code boolean}, {@code integer 1..10}, or the expectation as written. */
  private static String shortType(String expected) {
    if (expected.startsWith("a duration")) {
      return "duration";
    }
    if (expected.equals("true or false")) {
      return "boolean";
    }
    if (expected.equals("a string")) {
      return "string";
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("an? (integer|number) from (\\S+) to (\\S+)").matcher(expected);
    if (m.matches()) {
      return m.group(1) + " " + m.group(2) + ".." + m.group(3);
    }
    if (expected.startsWith("an absolute URI")) {
      return "URI";
    }
    if (expected.startsWith("a list")) {
      return expected.substring(2);
    }
    return expected;
  }


  @Test
  void ciRunsTheReadmeTestCommand() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
    String ci = Files.readString(ROOT.resolve(".ci/run"), StandardCharsets.UTF_8);
    assertThat(readme).contains("```bash\n./mvnw verify\n```");
    assertThat(ci).contains("./mvnw --batch-mode --no-transfer-progress verify");
    assertThat(readme).contains("java -jar examples/http-api/target/http-api.jar");
  }

  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s#]*)(?:#([^)\\s]+))?\\)");
  private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6} (.+)$");
  private static final Pattern FENCE = Pattern.compile("```.*?```", Pattern.DOTALL);

  /** GitHub's anchor for a heading: its text (a link's text, not its target), lower case, punctuation dropped, spaces to hyphens. */
  static String anchorOf(String heading) {
    String text = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").replace("`", "").trim().toLowerCase(java.util.Locale.ROOT);
    return text.replaceAll("[^\\p{L}\\p{N}_\\- ]", "").replace(' ', '-');
  }

  private static java.util.Set<String> anchors(Path page) throws IOException {
    java.util.Set<String> anchors = new java.util.HashSet<>();
    java.util.Map<String, Integer> seen = new java.util.HashMap<>();
    Matcher m = HEADING.matcher(FENCE.matcher(Files.readString(page, StandardCharsets.UTF_8)).replaceAll(""));
    while (m.find()) {
      String a = anchorOf(m.group(1));
      int n = seen.merge(a, 1, Integer::sum);
      anchors.add(n == 1 ? a : a + "-" + (n - 1)); // GitHub numbers repeated headings
    }
    return anchors;
  }

  /** Every relative link of the README, docs/ and the examples' READMEs reaches a file, and its #anchor a heading there. */
  @Test
  void everyRelativeLinkReachesItsFileAndHeading() throws IOException {
    List<Path> pages = new ArrayList<>();
    pages.add(ROOT.resolve("README.md"));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    try (Stream<Path> examples = Files.list(ROOT.resolve("examples"))) {
      examples.map(e -> e.resolve("README.md")).filter(Files::isRegularFile).sorted().forEach(pages::add);
    }
    List<String> broken = new ArrayList<>();
    int anchored = 0;
    for (Path page : pages) {
      Matcher m = LINK.matcher(FENCE.matcher(Files.readString(page, StandardCharsets.UTF_8)).replaceAll(""));
      while (m.find()) {
        String target = m.group(1);
        String anchor = m.group(2);
        if (target.contains(":")) {
          continue; // https:, mailto: — not ours to check here
        }
        Path file = target.isEmpty() ? page : page.getParent().resolve(target).normalize();
        if (!Files.exists(file)) {
          broken.add(ROOT.relativize(page) + ": " + m.group() + " (no such file)");
        } else if (anchor != null && file.toString().endsWith(".md")) {
          anchored++;
          if (!anchors(file).contains(anchor)) {
            broken.add(ROOT.relativize(page) + ": " + m.group() + " (no such heading in " + ROOT.relativize(file) + ")");
          }
        }
      }
    }
    assertThat(anchored).as("links with an anchor checked").isGreaterThan(20);
    assertThat(broken).isEmpty();
  }
}
