package dev.paved.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.paved.core.Redaction;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Backstage's catalog API, as documented: {@code POST /api/catalog/locations} (with {@code
 * dryRun}), {@code POST /api/catalog/refresh} for a location that already exists (409), and
 * {@code POST /api/catalog/validate-entity}. Errors name the status and Backstage's message,
 * never the token.
 */
public final class CatalogClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final @Nullable String token;
  private final Duration timeout;
  private final HttpClient http;

  /** {@code redaction} masks the token in every log line and in Backstage's messages. */
  public CatalogClient(URI base, @Nullable String token, Duration timeout, Redaction redaction) {
    this.base = URI.create(base.toString().replaceAll("/+$", "") + "/");
    this.token = token;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    if (token != null) {
      redaction.tryRegister(token);
    }
  }

  /** What a registration did. */
  public record Registration(String outcome, List<String> entities) {}

  /**
   * Registers the location {@code target} (the URL of {@code catalog-info.yaml}). An existing
   * location is refreshed instead ({@code outcome} {@code refreshed}).
   *
   * @throws CatalogRegistrationException naming the status and Backstage's message
   */
  public Registration register(String target, boolean dryRun, String entityRef) throws InterruptedException {
    ObjectNode body = JSON.createObjectNode().put("type", "url").put("target", target);
    HttpResponse<String> r = post("api/catalog/locations" + (dryRun ? "?dryRun=true" : ""), body);
    if (r.statusCode() == 201 || (dryRun && r.statusCode() == 200)) {
      List<String> entities = new ArrayList<>();
      for (JsonNode e : read(r).path("entities")) {
        entities.add(e.path("kind").asText() + ":" + e.path("metadata").path("namespace").asText("default") + "/" + e.path("metadata").path("name").asText());
      }
      return new Registration(dryRun ? "dry-run" : "registered", entities);
    }
    if (r.statusCode() == 409) {
      HttpResponse<String> refresh = post("api/catalog/refresh", JSON.createObjectNode().put("entityRef", entityRef));
      if (refresh.statusCode() / 100 == 2) {
        return new Registration("refreshed", List.of(entityRef));
      }
      throw failure("refresh of " + entityRef, refresh);
    }
    throw failure("registration of " + target, r);
  }

  /** Asks Backstage to validate {@code entity} as read from {@code location}. */
  public void validate(JsonNode entity, String location) throws InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    body.set("entity", entity);
    body.put("location", "url:" + location);
    HttpResponse<String> r = post("api/catalog/validate-entity", body);
    if (r.statusCode() / 100 != 2) {
      throw failure("validation", r);
    }
  }

  private HttpResponse<String> post(String path, JsonNode body) throws InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw new CatalogRegistrationException("Backstage did not answer within " + timeout.toMillis() + " ms (" + path + ")", 0);
    } catch (IOException e) {
      throw new CatalogRegistrationException("Backstage cannot be reached at " + base + " (" + e.getClass().getSimpleName() + ")", 0);
    }
  }

  private static JsonNode read(HttpResponse<String> r) {
    try {
      return JSON.readTree(r.body());
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }

  private static CatalogRegistrationException failure(String what, HttpResponse<String> r) {
    String message = read(r).path("error").path("message").asText("");
    String hint =
        switch (r.statusCode()) {
          case 401, 403 -> " (check the token: platform.catalog.register.token-file or BACKSTAGE_TOKEN)";
          case 400 -> " (the entity or location is invalid)";
          default -> "";
        };
    return new CatalogRegistrationException(
        what + " failed: Backstage answered " + r.statusCode() + (message.isEmpty() ? "" : ": " + Redaction.mask(message)) + hint, r.statusCode());
  }

  /** Registration failed; the message names the status and Backstage's message. */
  public static final class CatalogRegistrationException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    CatalogRegistrationException(String message, int status) {
      super(message);
      this.status = status;
    }

    /** The HTTP status, or 0 when Backstage did not answer. */
    public int status() {
      return status;
    }
  }
}
