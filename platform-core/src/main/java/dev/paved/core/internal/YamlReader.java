package dev.paved.core.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads the subset of YAML that configuration files use, keeping the line and column of every
 * value so that messages can point at it. Not API: public only so that other Paved modules can
 * read the same files the same way.
 *
 * <p>Supported: block mappings and sequences (including a sequence at the same indentation as its
 * key, and mappings inside sequence items), plain, single- and double-quoted scalars, literal
 * ({@code |}) and folded ({@code >}) block scalars, flow sequences and flow mappings of scalars,
 * comments, {@code null}/{@code ~} and one leading {@code ---}. Anything else (anchors, aliases,
 * tags, several documents, complex keys, tabs in indentation, duplicate keys) is refused with its
 * line and column rather than read wrongly.
 *
 * <p>The result is flat: nested keys are joined with {@code .} and sequence items get {@code [i]},
 * so {@code platform: {admin: {port: 8081}}} becomes {@code platform.admin.port}.
 */
public final class YamlReader {

  /** A scalar read from the file, with where it was. */
  public record Scalar(String value, int line, int column) {}

  /** A problem in the file: what is wrong and where. */
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

  private record Line(int number, int indent, String text, String raw) {}

  private final List<Line> lines;
  private int pos;

  private YamlReader(List<Line> lines) {
    this.lines = lines;
  }

  /** Reads {@code text} into a flat, ordered map of key path to scalar. */
  public static Map<String, Scalar> read(String text) throws YamlException {
    YamlReader reader = new YamlReader(tokenize(text));
    Map<String, Scalar> out = new LinkedHashMap<>();
    Line first = reader.current();
    if (first == null) {
      return out;
    }
    if (first.indent != 0) {
      throw new YamlException("the document must start at column 1", first.number, first.indent + 1);
    }
    reader.parseNode("", 0, out);
    if (reader.pos < reader.lines.size()) {
      Line extra = reader.lines.get(reader.pos);
      throw new YamlException(
          "unexpected content; check the indentation of this line", extra.number, extra.indent + 1);
    }
    return out;
  }

  private static List<Line> tokenize(String text) throws YamlException {
    String[] raw = text.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
    List<Line> result = new ArrayList<>();
    boolean seenContent = false;
    for (int i = 0; i < raw.length; i++) {
      String line = raw[i];
      int number = i + 1;
      if (i == 0 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
        line = line.substring(1);
      }
      int indent = 0;
      while (indent < line.length() && (line.charAt(indent) == ' ' || line.charAt(indent) == '\t')) {
        if (line.charAt(indent) == '\t') {
          String rest = line.substring(indent).trim();
          if (!rest.isEmpty() && !rest.startsWith("#")) {
            throw new YamlException("tabs are not allowed for indentation; use spaces", number, indent + 1);
          }
        }
        indent++;
      }
      String content = stripComment(line.substring(indent)).stripTrailing();
      if (content.isEmpty()) {
        // Kept so that block scalars can see blank lines; skipped everywhere else.
        result.add(new Line(number, -1, "", line));
        continue;
      }
      if (indent == 0 && (content.equals("---") || content.startsWith("--- "))) {
        if (seenContent) {
          throw new YamlException("only one YAML document is supported per file", number, 1);
        }
        if (!content.equals("---")) {
          throw new YamlException("content after '---' is not supported", number, 5);
        }
        continue;
      }
      if (indent == 0 && content.equals("...")) {
        throw new YamlException("document end markers ('...') are not supported", number, 1);
      }
      if (indent == 0 && content.startsWith("%")) {
        throw new YamlException("YAML directives are not supported", number, 1);
      }
      seenContent = true;
      result.add(new Line(number, indent, content, line));
    }
    return result;
  }

  /** Removes a comment: a '#' at the start or after white space, outside quotes. */
  static String stripComment(String s) {
    boolean single = false;
    boolean dbl = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (dbl) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          dbl = false;
        }
      } else if (single) {
        if (c == '\'') {
          single = false;
        }
      } else if (c == '"' && (i == 0 || isQuoteStart(s, i))) {
        dbl = true;
      } else if (c == '\'' && (i == 0 || isQuoteStart(s, i))) {
        single = true;
      } else if (c == '#' && (i == 0 || Character.isWhitespace(s.charAt(i - 1)))) {
        return s.substring(0, i);
      }
    }
    return s;
  }

  private static boolean isQuoteStart(String s, int i) {
    char prev = s.charAt(i - 1);
    return prev == ' ' || prev == '[' || prev == '{' || prev == ',' || prev == ':' || prev == '-';
  }

  private @Nullable Line current() {
    while (pos < lines.size() && lines.get(pos).indent < 0) {
      pos++;
    }
    return pos < lines.size() ? lines.get(pos) : null;
  }

  /** The next line of a block at {@code indent}, or null when the block has ended. */
  private @Nullable Line nextAt(int indent) throws YamlException {
    Line line = current();
    if (line == null || line.indent < indent) {
      return null;
    }
    if (line.indent > indent) {
      throw new YamlException("unexpected indentation", line.number, line.indent + 1);
    }
    return line;
  }

  private static boolean isSequenceItem(Line line) {
    return line.text.equals("-") || line.text.startsWith("- ");
  }

  private void parseNode(String path, int minIndent, Map<String, Scalar> out) throws YamlException {
    Line line = current();
    if (line == null || line.indent < minIndent) {
      return;
    }
    if (isSequenceItem(line)) {
      parseSequence(path, line.indent, out);
    } else {
      parseMapping(path, line.indent, out);
    }
  }

  private void parseMapping(String path, int indent, Map<String, Scalar> out) throws YamlException {
    Map<String, Integer> seen = new LinkedHashMap<>();
    while (true) {
      Line line = nextAt(indent);
      if (line == null) {
        return;
      }
      if (isSequenceItem(line)) {
        throw new YamlException(
            "a sequence item where a 'key: value' entry was expected", line.number, line.indent + 1);
      }
      if (line.text.equals("?") || line.text.startsWith("? ")) {
        throw new YamlException("complex keys ('?') are not supported", line.number, line.indent + 1);
      }
      int colon = findMappingColon(line.text);
      if (colon < 0) {
        throw new YamlException(
            "expected 'key: value' (multi-line plain values are not supported; quote the value)",
            line.number,
            line.indent + 1);
      }
      String rawKey = line.text.substring(0, colon).strip();
      String key = parseKey(rawKey, line.number, line.indent + 1);
      Integer previous = seen.putIfAbsent(key, line.number);
      if (previous != null) {
        throw new YamlException(
            "duplicate key '" + key + "' (first defined on line " + previous + ")",
            line.number,
            line.indent + 1);
      }
      String childPath = path.isEmpty() ? key : path + "." + key;
      String rest = line.text.substring(colon + 1).strip();
      int valueColumn = line.indent + 1 + colon + 1 + leadingSpaces(line.text.substring(colon + 1));
      pos++;
      if (rest.isEmpty()) {
        Line next = current();
        if (next != null
            && (next.indent > indent || (next.indent == indent && isSequenceItem(next)))) {
          if (next.indent == indent) {
            parseSequence(childPath, indent, out);
          } else {
            parseNode(childPath, indent + 1, out);
          }
        }
        // Otherwise the value is null: the key is present but sets nothing.
      } else if (isBlockScalarHeader(rest)) {
        out.put(childPath, readBlockScalar(rest, indent, line.number, valueColumn));
      } else {
        parseInline(childPath, rest, line.number, valueColumn, out);
      }
    }
  }

  private void parseSequence(String path, int indent, Map<String, Scalar> out) throws YamlException {
    int index = 0;
    while (true) {
      Line line = nextAt(indent);
      if (line == null || !isSequenceItem(line)) {
        return;
      }
      String itemPath = path + "[" + index++ + "]";
      String rest = line.text.length() > 1 ? line.text.substring(2) : "";
      int offset = 2 + leadingSpaces(rest);
      rest = rest.strip();
      if (rest.isEmpty()) {
        pos++;
        parseNode(itemPath, indent + 1, out);
      } else if (!startsFlowOrQuote(rest) && findMappingColon(rest) >= 0) {
        // "- key: value": a mapping whose entries are indented to where "key" starts.
        lines.set(pos, new Line(line.number, indent + offset, rest, line.raw));
        parseMapping(itemPath, indent + offset, out);
      } else if (isBlockScalarHeader(rest)) {
        pos++;
        out.put(itemPath, readBlockScalar(rest, indent, line.number, indent + offset + 1));
      } else {
        pos++;
        parseInline(itemPath, rest, line.number, indent + offset + 1, out);
      }
    }
  }

  private static boolean startsFlowOrQuote(String s) {
    char c = s.charAt(0);
    return c == '"' || c == '\'' || c == '[' || c == '{';
  }

  private static int leadingSpaces(String s) {
    int n = 0;
    while (n < s.length() && s.charAt(n) == ' ') {
      n++;
    }
    return n;
  }

  /** Index of the ':' that separates key and value (followed by space or end), or -1. */
  private static int findMappingColon(String s) {
    if (s.isEmpty()) {
      return -1;
    }
    char first = s.charAt(0);
    if (first == '"' || first == '\'') {
      int end = findClosingQuote(s, 0);
      if (end < 0) {
        return -1;
      }
      int i = end + 1;
      while (i < s.length() && s.charAt(i) == ' ') {
        i++;
      }
      return i < s.length() && s.charAt(i) == ':' && (i + 1 == s.length() || s.charAt(i + 1) == ' ')
          ? i
          : -1;
    }
    if (first == '[' || first == '{') {
      return -1;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == ':' && (i + 1 == s.length() || s.charAt(i + 1) == ' ')) {
        return i;
      }
    }
    return -1;
  }

  private static int findClosingQuote(String s, int start) {
    char q = s.charAt(start);
    for (int i = start + 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (q == '"' && c == '\\') {
        i++;
      } else if (c == q) {
        if (q == '\'' && i + 1 < s.length() && s.charAt(i + 1) == '\'') {
          i++;
        } else {
          return i;
        }
      }
    }
    return -1;
  }

  private static String parseKey(String rawKey, int line, int column) throws YamlException {
    if (rawKey.isEmpty()) {
      throw new YamlException("empty key", line, column);
    }
    char c = rawKey.charAt(0);
    if (c == '?') {
      throw new YamlException("complex keys ('?') are not supported", line, column);
    }
    if (c == '&' || c == '*' || c == '!') {
      throw new YamlException("anchors, aliases and tags are not supported", line, column);
    }
    if (c == '"' || c == '\'') {
      return unquote(rawKey, line, column);
    }
    if (rawKey.equals("<<")) {
      throw new YamlException("merge keys ('<<') are not supported", line, column);
    }
    return rawKey;
  }

  private static boolean isBlockScalarHeader(String s) {
    return s.equals("|") || s.equals(">") || s.equals("|-") || s.equals(">-") || s.equals("|+")
        || s.equals(">+");
  }

  private Scalar readBlockScalar(String header, int parentIndent, int line, int column) {
    boolean folded = header.charAt(0) == '>';
    char chomp = header.length() > 1 ? header.charAt(1) : ' ';
    List<String> body = new ArrayList<>();
    int blockIndent = -1;
    while (pos < lines.size()) {
      Line l = lines.get(pos);
      if (l.indent >= 0 && l.indent <= parentIndent) {
        break;
      }
      String raw = l.raw;
      if (l.indent < 0 && raw.strip().isEmpty()) {
        body.add("");
      } else {
        int ind = leadingSpaces(raw);
        if (blockIndent < 0) {
          blockIndent = ind;
        }
        if (ind < blockIndent) {
          break;
        }
        body.add(raw.substring(blockIndent));
      }
      pos++;
    }
    int trailingBlank = 0;
    while (!body.isEmpty() && body.get(body.size() - 1).isEmpty()) {
      body.remove(body.size() - 1);
      trailingBlank++;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < body.size(); i++) {
      String part = body.get(i);
      if (i > 0) {
        boolean join = folded && !part.isEmpty() && !body.get(i - 1).isEmpty();
        sb.append(join ? " " : "\n");
      }
      sb.append(part);
    }
    if (chomp != '-' && !body.isEmpty()) {
      sb.append('\n');
      if (chomp == '+') {
        sb.append("\n".repeat(trailingBlank));
      }
    }
    return new Scalar(sb.toString(), line, column);
  }

  private static void parseInline(
      String path, String text, int line, int column, Map<String, Scalar> out) throws YamlException {
    char c = text.charAt(0);
    if (c == '[') {
      List<Scalar> items = parseFlow(text, ']', line, column);
      for (int i = 0; i < items.size(); i++) {
        out.put(path + "[" + i + "]", items.get(i));
      }
    } else if (c == '{') {
      List<Scalar> items = parseFlow(text, '}', line, column);
      for (Scalar item : items) {
        int colon = findMappingColon(item.value);
        if (colon < 0) {
          throw new YamlException("expected 'key: value' in a flow mapping", line, item.column);
        }
        String key = parseKey(item.value.substring(0, colon).strip(), line, item.column);
        String raw = item.value.substring(colon + 1).strip();
        if (out.containsKey(path + "." + key)) {
          throw new YamlException("duplicate key '" + key + "'", line, item.column);
        }
        @Nullable String value = scalar(raw, line, item.column);
        if (value != null) {
          out.put(path + "." + key, new Scalar(value, line, item.column));
        }
      }
    } else {
      @Nullable String value = scalar(text, line, column);
      if (value != null) {
        out.put(path, new Scalar(value, line, column));
      }
    }
  }

  /** Splits a one-line flow collection into raw items (unquoted for sequences). */
  private static List<Scalar> parseFlow(String text, char close, int line, int column)
      throws YamlException {
    if (text.charAt(text.length() - 1) != close) {
      throw new YamlException(
          "unclosed '" + text.charAt(0) + "' (flow collections must fit on one line)", line, column);
    }
    String inner = text.substring(1, text.length() - 1);
    List<Scalar> items = new ArrayList<>();
    int start = 0;
    int i = 0;
    while (i <= inner.length()) {
      if (i == inner.length() || inner.charAt(i) == ',') {
        String part = inner.substring(start, i);
        String stripped = part.strip();
        int col = column + 1 + start + leadingSpaces(part);
        if (!stripped.isEmpty()) {
          if (close == ']') {
            if (stripped.charAt(0) == '[' || stripped.charAt(0) == '{') {
              throw new YamlException("nested flow collections are not supported", line, col);
            }
            @Nullable String value = scalar(stripped, line, col);
            items.add(new Scalar(value == null ? "" : value, line, col));
          } else {
            items.add(new Scalar(stripped, line, col));
          }
        } else if (i < inner.length()) {
          throw new YamlException("empty item in a flow collection", line, col);
        }
        start = i + 1;
        i++;
      } else if (inner.charAt(i) == '"' || inner.charAt(i) == '\'') {
        int end = findClosingQuote(inner, i);
        if (end < 0) {
          throw new YamlException("unclosed quote", line, column + 1 + i);
        }
        i = end + 1;
      } else if (inner.charAt(i) == '[' || inner.charAt(i) == '{') {
        throw new YamlException("nested flow collections are not supported", line, column + 1 + i);
      } else {
        i++;
      }
    }
    return items;
  }

  /** The value of a one-line scalar, or null for YAML null. */
  private static @Nullable String scalar(String text, int line, int column) throws YamlException {
    if (text.isEmpty() || text.equals("~") || text.equals("null") || text.equals("Null")
        || text.equals("NULL")) {
      return null;
    }
    char c = text.charAt(0);
    if (c == '"' || c == '\'') {
      return unquote(text, line, column);
    }
    if (c == '&' || c == '*' || c == '!') {
      throw new YamlException("anchors, aliases and tags are not supported", line, column);
    }
    if (c == '@' || c == '`') {
      throw new YamlException("a plain value cannot start with '" + c + "'; quote it", line, column);
    }
    if (c == '|' || c == '>') {
      throw new YamlException("unsupported block scalar header '" + text + "'", line, column);
    }
    return text;
  }

  private static String unquote(String text, int line, int column) throws YamlException {
    int end = findClosingQuote(text, 0);
    if (end < 0) {
      throw new YamlException("unclosed quote", line, column);
    }
    if (end != text.length() - 1) {
      throw new YamlException("unexpected text after the closing quote", line, column + end + 1);
    }
    String body = text.substring(1, end);
    if (text.charAt(0) == '\'') {
      return body.replace("''", "'");
    }
    StringBuilder sb = new StringBuilder(body.length());
    for (int i = 0; i < body.length(); i++) {
      char ch = body.charAt(i);
      if (ch != '\\') {
        sb.append(ch);
        continue;
      }
      if (i + 1 >= body.length()) {
        throw new YamlException("dangling escape", line, column + i + 1);
      }
      char e = body.charAt(++i);
      switch (e) {
        case 'n' -> sb.append('\n');
        case 't' -> sb.append('\t');
        case 'r' -> sb.append('\r');
        case '0' -> sb.append('\0');
        case '"' -> sb.append('"');
        case '\\' -> sb.append('\\');
        case '/' -> sb.append('/');
        case ' ' -> sb.append(' ');
        case 'u' -> {
          if (i + 4 >= body.length()) {
            throw new YamlException("bad \\u escape", line, column + i);
          }
          try {
            sb.append((char) Integer.parseInt(body.substring(i + 1, i + 5), 16));
          } catch (NumberFormatException ex) {
            throw new YamlException("bad \\u escape", line, column + i);
          }
          i += 4;
        }
        default -> throw new YamlException("unknown escape '\\" + e + "'", line, column + i);
      }
    }
    return sb.toString();
  }
}
