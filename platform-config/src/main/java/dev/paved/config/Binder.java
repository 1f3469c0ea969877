package dev.paved.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.paved.core.ConfigKey;
import dev.paved.core.ConfigProblem;
import dev.paved.core.ConfigValue;
import dev.paved.core.PlatformConfig;
import dev.paved.core.internal.Suggestions;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Path;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hibernate.validator.HibernateValidator;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.jspecify.annotations.Nullable;

/**
 * Binds a section of a {@link PlatformConfig} to a type with Jackson and validates it with Bean
 * Validation, collecting every problem — unknown keys, wrong types, constraint violations — with
 * the key path and the source of the value. Thread-safe.
 */
final class Binder implements AutoCloseable {
  private static final Pattern SEGMENT = Pattern.compile("([^.\\[\\]]+)|\\[(\\d+)]");
  private static final PropertyNamingStrategies.KebabCaseStrategy KEBAB = new PropertyNamingStrategies.KebabCaseStrategy();

  /** The value of a section, or the problems that kept it from binding. */
  record Result(@Nullable Object value, List<ConfigProblem> problems) {}

  private static final String URI_EXPECTED = "a URI such as https://example.com/path";

  private final ObjectMapper mapper;
  private final ValidatorFactory validatorFactory;
  private final Validator validator;

  Binder() {
    SimpleModule types = new SimpleModule("paved-config");
    types.addDeserializer(Duration.class, new TextDeserializer<>(Duration.class, ConfigKey.duration("value")));
    types.addDeserializer(
        java.net.URI.class,
        new TextDeserializer<>(
            java.net.URI.class,
            ConfigKey.custom(
                "value",
                URI_EXPECTED,
                s -> {
                  try {
                    return new java.net.URI(s.strip());
                  } catch (java.net.URISyntaxException e) {
                    throw new IllegalArgumentException("not a URI");
                  }
                })));
    types.addDeserializer(DataSize.class, new TextDeserializer<>(DataSize.class, ConfigKey.custom("value", "a size such as 512B, 64KB or 10MB", DataSize::parse)));
    this.mapper =
        JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .addModule(types)
            .build();
    // Messages without the Expression Language: no jakarta.el on the classpath, no EL injection.
    this.validatorFactory =
        Validation.byProvider(HibernateValidator.class)
            .configure()
            .messageInterpolator(new ParameterMessageInterpolator())
            .buildValidatorFactory();
    this.validator = validatorFactory.getValidator();
  }

  /** Binds {@code section} of {@code config} to {@code type} and validates it. */
  Result bind(PlatformConfig config, String section, Class<?> type) {
    config.markRead(section);
    List<ConfigProblem> problems = new ArrayList<>();
    JsonNode tree = tree(config, section, problems);
    Set<String> badKeys = new LinkedHashSet<>();
    Collector collector = new Collector(config, section, problems, badKeys);
    Object value;
    try {
      value = mapper.reader().withHandler(collector).forType(type).readValue(mapper.treeAsTokens(tree));
    } catch (IOException | RuntimeException e) {
      String key = e instanceof JsonMappingException jme ? keyOf(section, jme.getPath()) : section;
      problems.add(
          new ConfigProblem(
              key,
              sourceOf(config, key),
              "cannot be bound to " + type.getSimpleName() + ": " + cleanMessage(e),
              "check the keys under " + section + " against " + type.getName()));
      return new Result(null, problems);
    }
    if (value == null) {
      problems.add(new ConfigProblem(section, "not set", "is empty", "set the keys of " + section));
      return new Result(null, problems);
    }
    for (ConstraintViolation<Object> v : validator.validate(value)) {
      String key = keyOf(section, v.getPropertyPath());
      if (badKeys.contains(key)) {
        continue; // already reported as a wrong type; its placeholder value says nothing more
      }
      String constraint = v.getConstraintDescriptor().getAnnotation().annotationType().getSimpleName();
      if (isAbsent(config, key)) {
        // Not written anywhere: say so, rather than judge the placeholder (0 for an int).
        problems.add(
            new ConfigProblem(
                key, "not set", "is missing (expected: a value that " + v.getMessage() + ")", "set " + key));
        continue;
      }
      Object invalid = v.getInvalidValue();
      String shown =
          PlatformConfig.isSecretKey(key)
              ? "the value"
              : invalid == null ? "an unset value" : "'" + invalid + "'";
      problems.add(
          new ConfigProblem(
              key,
              sourceOf(config, key),
              shown + " " + v.getMessage() + " (@" + constraint + ")",
              "set " + key + " to a value that " + v.getMessage()));
    }
    problems.sort(java.util.Comparator.comparing(ConfigProblem::key));
    return new Result(problems.isEmpty() ? value : null, problems);
  }

  /** Whether nothing is set at {@code key} or below it. */
  private static boolean isAbsent(PlatformConfig config, String key) {
    if (config.value(key).isPresent()) {
      return false;
    }
    for (String k : config.entries().keySet()) {
      if (k.startsWith(key + ".") || k.startsWith(key + "[")) {
        return false;
      }
    }
    return true;
  }

  /** The section's keys as a tree of text values, keys in the form they are written (kebab-case). */
  private static JsonNode tree(PlatformConfig config, String section, List<ConfigProblem> problems) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    String prefix = section + ".";
    for (Map.Entry<String, ConfigValue> e : config.entries().entrySet()) {
      String key = e.getKey();
      if (!key.startsWith(prefix)) {
        continue;
      }
      List<Object> path = new ArrayList<>();
      Matcher m = SEGMENT.matcher(key.substring(prefix.length()));
      while (m.find()) {
        path.add(m.group(1) != null ? m.group(1) : (Object) Integer.valueOf(m.group(2)));
      }
      if (path.isEmpty() || !(path.get(0) instanceof String)) {
        continue;
      }
      if (!put(root, path, e.getValue().value())) {
        problems.add(
            new ConfigProblem(
                key,
                e.getValue().source(),
                "is set both as a value and as a section",
                "keep one of " + key + " and the keys under it"));
      }
    }
    return root;
  }

  /** Puts {@code text} at {@code path}; false if the path runs into a value of another shape. */
  private static boolean put(JsonNode root, List<Object> path, String text) {
    JsonNode node = root;
    for (int i = 0; i < path.size(); i++) {
      Object seg = path.get(i);
      boolean last = i == path.size() - 1;
      Object next = last ? null : path.get(i + 1);
      JsonNode child;
      if (seg instanceof String name) {
        if (!(node instanceof ObjectNode obj)) {
          return false;
        }
        child = obj.get(name);
        if (last) {
          if (child != null && child.isContainerNode()) {
            return false;
          }
          obj.put(name, text);
          return true;
        }
        if (child == null) {
          child = next instanceof Integer ? obj.putArray(name) : obj.putObject(name);
        }
      } else {
        int index = (Integer) seg;
        if (!(node instanceof ArrayNode arr)) {
          return false;
        }
        while (arr.size() <= index) {
          arr.addNull();
        }
        child = arr.get(index);
        if (last) {
          if (child.isContainerNode()) {
            return false;
          }
          arr.set(index, JsonNodeFactory.instance.textNode(text));
          return true;
        }
        if (child.isNull()) {
          child = next instanceof Integer ? JsonNodeFactory.instance.arrayNode() : JsonNodeFactory.instance.objectNode();
          arr.set(index, child);
        }
      }
      node = child;
    }
    return true;
  }

  /** The configuration key of a Bean Validation path, in the kebab-case the files use. */
  static String keyOf(String section, Path path) {
    StringBuilder sb = new StringBuilder(section);
    for (Path.Node node : path) {
      String name = node.getName();
      if (node.getIndex() != null) {
        sb.append('[').append(node.getIndex()).append(']');
      } else if (node.getKey() != null) {
        sb.append('.').append(node.getKey());
      }
      if (name != null && !name.startsWith("<")) {
        sb.append('.').append(KEBAB.translate(name));
      }
    }
    return sb.toString();
  }

  private static String keyOf(String section, List<JsonMappingException.Reference> path) {
    StringBuilder sb = new StringBuilder(section);
    for (JsonMappingException.Reference r : path) {
      if (r.getFieldName() != null) {
        sb.append('.').append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static String keyOf(String section, JsonStreamContext context) {
    Deque<String> parts = new ArrayDeque<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray()) {
        parts.push("[" + Math.max(0, c.getCurrentIndex()) + "]");
      } else if (c.getCurrentName() != null) {
        parts.push("." + c.getCurrentName());
      }
    }
    return section + String.join("", parts);
  }

  static String sourceOf(PlatformConfig config, String key) {
    return config.value(key).map(ConfigValue::source).orElse("not set");
  }

  private static String cleanMessage(Exception e) {
    String msg = e instanceof JsonMappingException jme ? jme.getOriginalMessage() : String.valueOf(e.getMessage());
    // Jackson's messages name Java types; keep the first sentence, without the source location.
    int nl = msg.indexOf('\n');
    return nl < 0 ? msg : msg.substring(0, nl);
  }

  static String expected(Class<?> type) {
    Class<?> t = type.isPrimitive() ? wrapper(type) : type;
    if (t == Integer.class || t == Long.class || t == Short.class || t == Byte.class) {
      return "a whole number";
    }
    if (t == Double.class || t == Float.class || t == java.math.BigDecimal.class) {
      return "a number";
    }
    if (t == Boolean.class) {
      return "true or false";
    }
    if (t == Duration.class) {
      return "a duration such as 250ms, 5s, 1m, 2h or PT5S";
    }
    if (t == DataSize.class) {
      return "a size such as 512B, 64KB or 10MB";
    }
    if (t == java.net.URI.class) {
      return URI_EXPECTED;
    }
    if (t.isEnum()) {
      Object[] constants = t.getEnumConstants();
      List<String> names = new ArrayList<>();
      for (Object c : constants) {
        names.add(((Enum<?>) c).name().toLowerCase(Locale.ROOT));
      }
      return "one of " + String.join(", ", names);
    }
    return "a " + t.getSimpleName();
  }

  private static Class<?> wrapper(Class<?> primitive) {
    return java.lang.invoke.MethodType.methodType(primitive).wrap().returnType();
  }

  private static @Nullable Object placeholder(Class<?> type) {
    if (!type.isPrimitive()) {
      return null;
    }
    if (type == boolean.class) {
      return Boolean.FALSE;
    }
    if (type == char.class) {
      return (char) 0;
    }
    if (type == long.class) {
      return 0L;
    }
    if (type == double.class) {
      return 0d;
    }
    if (type == float.class) {
      return 0f;
    }
    if (type == short.class) {
      return (short) 0;
    }
    if (type == byte.class) {
      return (byte) 0;
    }
    return 0;
  }

  /** Records problems and lets binding go on, so that every problem is reported at once. */
  private static final class Collector extends DeserializationProblemHandler {
    private final PlatformConfig config;
    private final String section;
    private final List<ConfigProblem> problems;
    private final Set<String> badKeys;

    Collector(PlatformConfig config, String section, List<ConfigProblem> problems, Set<String> badKeys) {
      this.config = config;
      this.section = section;
      this.problems = problems;
      this.badKeys = badKeys;
    }

    @Override
    public boolean handleUnknownProperty(
        DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer, Object beanOrClass, String propertyName)
        throws IOException {
      String at = keyOf(section, p.getParsingContext());
      String key = at.endsWith("." + propertyName) ? at : at + "." + propertyName;
      Collection<Object> known = deserializer.getKnownPropertyNames();
      List<String> names = new ArrayList<>();
      if (known != null) {
        for (Object k : known) {
          names.add(String.valueOf(k));
        }
      }
      java.util.Collections.sort(names);
      String fix =
          Suggestions.closest(propertyName, names)
              .map(s -> "did you mean '" + key.substring(0, key.length() - propertyName.length()) + s + "'?")
              .orElse(names.isEmpty() ? "remove it" : "remove it; the keys here are " + String.join(", ", names));
      problems.add(new ConfigProblem(key, sourceOf(config, firstLeaf(key)), "unknown key", fix));
      p.skipChildren();
      return true;
    }

    /** The first value set under {@code key}, for the source of an unknown section. */
    private String firstLeaf(String key) {
      if (config.value(key).isPresent()) {
        return key;
      }
      for (String k : config.entries().keySet()) {
        if (k.startsWith(key + ".") || k.startsWith(key + "[")) {
          return k;
        }
      }
      return key;
    }

    @Override
    public @Nullable Object handleWeirdStringValue(
        DeserializationContext ctxt, Class<?> targetType, String valueToConvert, String failureMsg) {
      String key = keyOf(section, ctxt.getParser().getParsingContext());
      badKeys.add(key);
      String shown = PlatformConfig.isSecretKey(key) ? "the value" : "'" + valueToConvert + "'";
      problems.add(
          new ConfigProblem(
              key, sourceOf(config, key), shown + " is not " + expected(targetType), "set " + key + " to " + expected(targetType)));
      return placeholder(targetType);
    }
  }

  /** Reads a scalar through the same parser core uses for {@code platform.*} keys. */
  private static final class TextDeserializer<T> extends StdScalarDeserializer<T> {
    private static final long serialVersionUID = 1L;
    private final transient ConfigKey<T> parser;

    TextDeserializer(Class<T> type, ConfigKey<T> parser) {
      super(type);
      this.parser = parser;
    }

    @Override
    @SuppressWarnings("unchecked")
    public @Nullable T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String text = p.getValueAsString();
      if (text == null) {
        return (T) ctxt.handleUnexpectedToken(handledType(), p);
      }
      try {
        return parser.parse(text);
      } catch (RuntimeException e) {
        return (T) ctxt.handleWeirdStringValue(handledType(), text, "not valid");
      }
    }
  }

  @Override
  public void close() {
    validatorFactory.close();
  }
}
