package dev.paved.core;

import dev.paved.core.internal.Json;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** What an admin endpoint answers. */
public final class AdminResponse {
  private final int status;
  private final String contentType;
  private final byte[] body;

  private AdminResponse(int status, String contentType, byte[] body) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status: " + status + " (expected: 100 to 599)");
    }
    this.status = status;
    this.contentType = Objects.requireNonNull(contentType, "contentType");
    this.body = body;
  }

  /** A JSON body written from maps, lists, strings, numbers and booleans. */
  public static AdminResponse json(int status, @Nullable Object body) {
    return new AdminResponse(status, "application/json", Json.write(body).getBytes(StandardCharsets.UTF_8));
  }

  public static AdminResponse text(int status, String contentType, String body) {
    return new AdminResponse(status, contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  public static AdminResponse bytes(int status, String contentType, byte[] body) {
    return new AdminResponse(status, contentType, body.clone());
  }

  public int status() {
    return status;
  }

  public String contentType() {
    return contentType;
  }

  public byte[] body() {
    return body.clone();
  }

  byte[] bodyUnsafe() {
    return body;
  }
}
