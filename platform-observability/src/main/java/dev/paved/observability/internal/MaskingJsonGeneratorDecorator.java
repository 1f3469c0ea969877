package dev.paved.observability.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import net.logstash.logback.decorate.JsonGeneratorDecorator;

/**
 * Masks registered secret values in every string a log line writes — message, arguments (string
 * values; strings nested inside an object argument are not inspected), MDC, exception message,
 * stack trace. While no secret is registered each string costs one volatile read more; it
 * allocates only when a value contains one. (logstash-logback-encoder's own masking decorator tracks JSON paths
 * for every value, which tripled the cost of encoding a line.) Not API.
 */
public final class MaskingJsonGeneratorDecorator implements JsonGeneratorDecorator {
  @Override
  public JsonGenerator decorate(JsonGenerator generator) {
    // Always wrapped: the encoder reuses generators, and a secret registered after one was made
    // (a secret read after start-up, a rotation) must be masked by it too.
    return new MaskingGenerator(generator);
  }

  private static final class MaskingGenerator extends JsonGeneratorDelegate {
    MaskingGenerator(JsonGenerator delegate) {
      // true: objects are written by the delegate directly (routing them through this generator
      // costs about 1.3 KB per line); string values, the common case, are masked below.
      super(delegate, true);
    }

    @Override
    public void writeObject(Object value) throws IOException {
      if (value instanceof CharSequence text) {
        writeString(text.toString());
      } else {
        super.writeObject(value);
      }
    }

    @Override
    public void writeString(String text) throws IOException {
      delegate.writeString(text == null ? null : dev.paved.core.Redaction.mask(text));
    }

    @Override
    public void writeString(char[] text, int offset, int len) throws IOException {
      if (dev.paved.core.Redaction.active()) {
        writeString(new String(text, offset, len));
      } else {
        delegate.writeString(text, offset, len);
      }
    }

    @Override
    public void writeString(SerializableString text) throws IOException {
      if (dev.paved.core.Redaction.active()) {
        writeString(text.getValue());
      } else {
        delegate.writeString(text);
      }
    }

    @Override
    public void writeRawUTF8String(byte[] text, int offset, int length) throws IOException {
      if (dev.paved.core.Redaction.active()) {
        writeString(new String(text, offset, length, StandardCharsets.UTF_8));
      } else {
        delegate.writeRawUTF8String(text, offset, length);
      }
    }

    @Override
    public void writeUTF8String(byte[] text, int offset, int length) throws IOException {
      if (dev.paved.core.Redaction.active()) {
        writeString(new String(text, offset, length, StandardCharsets.UTF_8));
      } else {
        delegate.writeUTF8String(text, offset, length);
      }
    }

    @Override
    public void writeStringField(String fieldName, String value) throws IOException {
      delegate.writeFieldName(fieldName);
      writeString(value);
    }
  }
}
