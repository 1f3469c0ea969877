package dev.paved.observability.internal;

import com.fasterxml.jackson.core.JsonStreamContext;
import dev.paved.observability.Masking;
import net.logstash.logback.mask.ValueMasker;
import org.jspecify.annotations.Nullable;

/** Masks registered secret values in every string written to a JSON log line. Not API. */
public final class SecretValueMasker implements ValueMasker {
  @Override
  public @Nullable Object mask(JsonStreamContext context, Object value) {
    if (value instanceof CharSequence text) {
      String s = text.toString();
      String masked = Masking.mask(s);
      return masked.equals(s) ? null : masked;
    }
    return null;
  }
}
