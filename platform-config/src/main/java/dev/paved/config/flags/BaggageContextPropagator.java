package dev.paved.config.flags;

import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.TransactionContextPropagator;
import dev.openfeature.sdk.Value;
import io.opentelemetry.api.baggage.Baggage;
import java.util.HashMap;
import java.util.Map;

/**
 * The request's context when the caller passes none: OpenTelemetry baggage, which the server
 * instrumentation extracts from the incoming request. {@code user.id} (or {@code userId}) is the
 * targeting key, {@code session.id} the session, {@code client.address} the remote address; every
 * other entry is an attribute.
 */
final class BaggageContextPropagator implements TransactionContextPropagator {
  private static final EvaluationContext EMPTY = new ImmutableContext();

  @Override
  public EvaluationContext getTransactionContext() {
    Baggage baggage = Baggage.current();
    if (baggage.isEmpty()) {
      return EMPTY;
    }
    Map<String, Value> attributes = new HashMap<>();
    String[] targetingKey = {null};
    baggage.forEach(
        (name, entry) -> {
          switch (name) {
            case "user.id", "userId" -> targetingKey[0] = entry.getValue();
            case "session.id" -> attributes.put("sessionId", new Value(entry.getValue()));
            case "client.address" -> attributes.put("remoteAddress", new Value(entry.getValue()));
            default -> attributes.put(name, new Value(entry.getValue()));
          }
        });
    return targetingKey[0] == null ? new ImmutableContext(attributes) : new ImmutableContext(targetingKey[0], attributes);
  }

  @Override
  public void setTransactionContext(EvaluationContext evaluationContext) {
    // The context comes from baggage; services set baggage, not this.
  }
}
