package dev.paved.core.internal;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * The one YAML reader of Paved: YAML 1.2 through snakeyaml-engine (safe by default: no types are
 * constructed, only nodes are composed), flattened into key paths, keeping the line and column of
 * every value so that messages can point at it. Internal: not for public use; public only so that
 * other Paved modules read YAML the same way.
 *
 * <p>Everything YAML 1.2 allows is read: block and flow collections (nested too), every scalar
 * style and escape, multi-line plain scalars, block scalars, comments, anchors and aliases, and
 * the YAML 1.1 merge key {@code <<} (a mapping or a sequence of mappings; keys of the mapping
 * itself win). Refused with line and column: duplicate keys (naming the first one's line), keys
 * that are not scalars, several documents in one file, and more aliases than {@value
 * #MAX_ALIASES} or more values than {@value #MAX_VALUES} once they are expanded (an alias bomb).
 *
 * <p>The result is flat: nested keys are joined with {@code .} and sequence items get {@code [i]},
 * so {@code platform: {admin: {port: 8081}}} becomes {@code platform.admin.port}. A null value
 * ({@code ~}, {@code null}, nothing) sets nothing; an empty flow sequence {@code []} or mapping
 * {@code {}} sets its key to the empty text (an explicitly empty list).
 */
public final class YamlReader {
  /** The most aliases one file may use. */
  public static final int MAX_ALIASES = 100;

  /** The most values one file may hold once aliases are expanded (against alias bombs). */
  public static final int MAX_VALUES = 10_000;

  /** The most nodes walked once aliases and merge keys are expanded (against merge-key bombs). */
  public static final int MAX_NODES = 100_000;

  /** A scalar read from the file, with where it was (1-based line and column). */
  public record Scalar(String value, int line, int column) {}

  /** A problem in the file: what is wrong and where (1-based line and column). */
  public static final class YamlException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int line;
    private final int column;

    YamlException(String message, int line, int column) {
      super(message);
      this.line = line;
      this.column = column;
    }

    public int line() {
      return line;
    }

    public int column() {
      return column;
    }
  }

  private static final String MERGE = "<<";

  private YamlReader() {}

  /** The one set of loader settings: YAML 1.2 core schema, duplicate keys refused, aliases bounded. */
  private static LoadSettings settings() {
    return LoadSettings.builder()
        .setMaxAliasesForCollections(MAX_ALIASES)
        .setAllowRecursiveKeys(false)
        .setAllowDuplicateKeys(false)
        .setLabel("yaml")
        .setSchema(new CoreSchema())
        .build();
  }

  /**
   * Reads a YAML document that is data rather than configuration (a flags file) into plain Java
   * values: maps (ordered), lists, strings, numbers, booleans and nulls, by the same rules as
   * {@link #read} — one document, duplicate keys refused, aliases bounded, no tags that make
   * objects — and with the same messages; null for an empty document.
   */
  public static @org.jspecify.annotations.Nullable Object readTree(String text) throws YamlException {
    try {
      java.util.Iterator<Object> documents = new org.snakeyaml.engine.v2.api.Load(settings()).loadAllFromString(text).iterator();
      Object root = documents.hasNext() ? documents.next() : null;
      if (documents.hasNext()) {
        throw new YamlException("only one YAML document is supported per file", 1, 1);
      }
      return root;
    } catch (MarkedYamlEngineException e) {
      Optional<Mark> mark = e.getProblemMark().or(e::getContextMark);
      throw new YamlException(describe(e), mark.map(m -> m.getLine() + 1).orElse(1), mark.map(m -> m.getColumn() + 1).orElse(1));
    } catch (YamlEngineException e) {
      throw new YamlException(plainer(String.valueOf(e.getMessage())), 1, 1);
    }
  }

  /** Reads {@code text} into a flat, ordered map of key path to scalar. */
  public static Map<String, Scalar> read(String text) throws YamlException {
    LoadSettings settings = settings();
    Iterator<Node> documents;
    Node root = null;
    try {
      documents = new Compose(settings).composeAllFromString(text).iterator();
      if (documents.hasNext()) {
        root = documents.next();
      }
      if (documents.hasNext()) {
        Node second = documents.next();
        int[] at = position(second);
        throw new YamlException("only one YAML document is supported per file", at[0], 1);
      }
    } catch (MarkedYamlEngineException e) {
      Optional<Mark> mark = e.getProblemMark().or(e::getContextMark);
      int line = mark.map(m -> m.getLine() + 1).orElse(1);
      int column = mark.map(m -> m.getColumn() + 1).orElse(1);
      throw new YamlException(describe(e), line, column);
    } catch (YamlEngineException e) {
      throw new YamlException(plainer(String.valueOf(e.getMessage())), 1, 1);
    }
    Map<String, Scalar> out = new LinkedHashMap<>();
    if (root == null) {
      return out;
    }
    if (root instanceof ScalarNode scalar && scalar.getTag().equals(Tag.NULL)) {
      return out;
    }
    if (!(root instanceof MappingNode)) {
      int[] at = position(root);
      throw new YamlException("the document must be a mapping of keys to values", at[0], at[1]);
    }
    new Flattener(out).node("", root);
    return out;
  }

  /** The problem and its context, without the echoed snippet of the file (it may hold a secret). */
  private static String describe(MarkedYamlEngineException e) {
    StringBuilder sb = new StringBuilder();
    if (e.getContext() != null) {
      sb.append(e.getContext()).append(": ");
    }
    sb.append(e.getProblem() == null ? "malformed YAML" : e.getProblem());
    return plainer(sb.toString());
  }

  private static String plainer(String text) {
    if (text.contains("\\t(TAB)")) {
      text = "tabs are not allowed for indentation; use spaces (" + text + ")";
    } else if (text.contains("Non scalar key")) {
      text = "keys must be plain text, not collections";
    }
    return text;
  }

  private static int[] position(Node node) {
    Optional<Mark> mark = node.getStartMark();
    return new int[] {
      mark.map(m -> m.getLine() + 1).orElse(1), mark.map(m -> m.getColumn() + 1).orElse(1)
    };
  }

  private static final class Flattener {
    private final Map<String, Scalar> out;
    /** Mappings being flattened, to refuse an alias that refers to one of its own ancestors. */
    private final Map<Node, Boolean> open = new IdentityHashMap<>();
    /** Nodes left to walk, shared with the flatteners of merged mappings. */
    private final int[] budget;

    Flattener(Map<String, Scalar> out) {
      this(out, new int[] {MAX_NODES});
    }

    private Flattener(Map<String, Scalar> out, int[] budget) {
      this.out = out;
      this.budget = budget;
    }

    /** Counts one node walked against the budget shared with merged mappings. */
    private void spend(Node node) throws YamlException {
      if (--budget[0] < 0) {
        int[] at = position(node);
        throw new YamlException("more than " + MAX_NODES + " nodes once aliases and merge keys are expanded", at[0], at[1]);
      }
    }

    void node(String path, Node node) throws YamlException {
      spend(node);
      if (node instanceof ScalarNode scalar) {
        if (isNull(scalar)) {
          return;
        }
        int[] at = position(node);
        put(path, new Scalar(scalar.getValue(), at[0], at[1]), node);
      } else if (node instanceof SequenceNode sequence) {
        enter(node);
        List<Node> items = sequence.getValue();
        if (items.isEmpty()) {
          putEmpty(path, node);
        }
        for (int i = 0; i < items.size(); i++) {
          node(path + "[" + i + "]", items.get(i));
        }
        open.remove(node);
      } else if (node instanceof MappingNode mapping) {
        enter(node);
        if (mapping.getValue().isEmpty()) {
          putEmpty(path, node);
        }
        mapping(path, mapping);
        open.remove(node);
      } else {
        int[] at = position(node);
        throw new YamlException("unsupported YAML node", at[0], at[1]);
      }
    }

    private void enter(Node node) throws YamlException {
      if (open.put(node, Boolean.TRUE) != null) {
        int[] at = position(node);
        throw new YamlException("an alias refers to a collection that contains it", at[0], at[1]);
      }
    }

    private void putEmpty(String path, Node node) throws YamlException {
      if (!path.isEmpty()) {
        int[] at = position(node);
        put(path, new Scalar("", at[0], at[1]), node);
      }
    }

    /** The mapping's own keys first (they win), then what its merge keys bring that is not set. */
    private void mapping(String path, MappingNode mapping) throws YamlException {
      Map<String, Node> firstKeyNode = new LinkedHashMap<>();
      List<Node> merges = new ArrayList<>();
      for (NodeTuple tuple : mapping.getValue()) {
        Node keyNode = tuple.getKeyNode();
        spend(keyNode);
        if (!(keyNode instanceof ScalarNode keyScalar)) {
          int[] at = position(keyNode);
          throw new YamlException("keys must be plain text, not collections", at[0], at[1]);
        }
        String key = keyScalar.getValue();
        if (key.equals(MERGE) && keyScalar.getScalarStyle() == ScalarStyle.PLAIN) {
          merges.add(tuple.getValueNode());
          continue;
        }
        Node first = firstKeyNode.putIfAbsent(key, keyNode);
        if (first != null) {
          int[] at = position(keyNode);
          throw new YamlException(
              "duplicate key '" + key + "' (first set on line " + position(first)[0] + ")",
              at[0],
              at[1]);
        }
        if (key.isEmpty()) {
          int[] at = position(keyNode);
          throw new YamlException("empty key", at[0], at[1]);
        }
        node(join(path, key), tuple.getValueNode());
      }
      for (Node merge : merges) {
        if (merge instanceof MappingNode source) {
          merged(path, source, firstKeyNode);
        } else if (merge instanceof SequenceNode sources) {
          for (Node source : sources.getValue()) {
            if (!(source instanceof MappingNode m)) {
              int[] at = position(source);
              throw new YamlException("a merge key ('<<') takes mappings only", at[0], at[1]);
            }
            merged(path, m, firstKeyNode);
          }
        } else {
          int[] at = position(merge);
          throw new YamlException(
              "a merge key ('<<') takes a mapping or a sequence of mappings", at[0], at[1]);
        }
      }
    }

    /** Flattens {@code source} into {@code path}, skipping keys the target already has. */
    private void merged(String path, MappingNode source, Map<String, Node> present)
        throws YamlException {
      spend(source);
      enter(source);
      Map<String, Scalar> part = new LinkedHashMap<>();
      Flattener inner = new Flattener(part, budget);
      inner.open.putAll(open);
      inner.mapping(path, source);
      for (Map.Entry<String, Scalar> e : part.entrySet()) {
        String rest = e.getKey().substring(path.isEmpty() ? 0 : path.length() + 1);
        String top = firstSegment(rest);
        if (present.containsKey(top)) {
          continue;
        }
        if (out.size() >= MAX_VALUES && !out.containsKey(e.getKey())) {
          throw new YamlException(
              "more than " + MAX_VALUES + " values once aliases are expanded", e.getValue().line(), e.getValue().column());
        }
        out.putIfAbsent(e.getKey(), e.getValue());
      }
      // Later merges do not override earlier ones: what this one set is now present.
      for (String k : part.keySet()) {
        String rest = k.substring(path.isEmpty() ? 0 : path.length() + 1);
        present.putIfAbsent(firstSegment(rest), source);
      }
      open.remove(source);
    }

    private void put(String path, Scalar scalar, Node node) throws YamlException {
      if (path.isEmpty()) {
        throw new YamlException("the document must be a mapping of keys to values", scalar.line(), scalar.column());
      }
      Scalar earlier = out.get(path);
      if (earlier != null) {
        // "a.b: 1" beside "a: {b: 2}": two keys that flatten to one path.
        throw new YamlException(
            "duplicate key '" + path + "' (also set on line " + earlier.line() + ")", scalar.line(), scalar.column());
      }
      if (out.size() >= MAX_VALUES) {
        throw new YamlException(
            "more than " + MAX_VALUES + " values once aliases are expanded", scalar.line(), scalar.column());
      }
      out.put(path, scalar);
    }

  }

  /** The first segment of a flattened key path: {@code a} of {@code a.b}, {@code a[0].b} and {@code a}. */
  public static String firstSegment(String rest) {
    int end = rest.length();
    int dot = rest.indexOf('.');
    int bracket = rest.indexOf('[');
    if (dot >= 0) {
      end = dot;
    }
    if (bracket >= 0 && bracket < end) {
      end = bracket;
    }
    return rest.substring(0, end);
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private static boolean isNull(ScalarNode scalar) {
    return scalar.getTag().equals(Tag.NULL);
  }
}
