package dev.paved.observability;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * A {@link HttpClient} that injects the current context into each request, makes a CLIENT span
 * ({@code GET}, with {@code server.address}, {@code server.port}, {@code url.full} and the status)
 * and records {@code http.client.request.duration}. 4xx and 5xx responses mark the span as error.
 */
public final class TracedHttpClient {
  private final HttpClient client;
  private final HttpInstrumentation http;

  TracedHttpClient(HttpClient client, HttpInstrumentation http) {
    this.client = client;
    this.http = http;
  }

  /** The wrapped client. */
  public HttpClient unwrap() {
    return client;
  }

  /** Sends {@code request} like {@link HttpClient#send}, traced and measured. */
  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    ClientAttempt attempt = new ClientAttempt(http, Context.current(), request.method(), request.uri());
    try (Scope scope = attempt.context().makeCurrent()) {
      HttpRequest.Builder traced = HttpRequest.newBuilder(request, (name, value) -> true);
      http.propagators.getTextMapPropagator().inject(Context.current(), traced, (b, k, v) -> {
        if (b != null) {
          b.setHeader(k, v);
        }
      });
      HttpResponse<T> response = client.send(traced.build(), handler);
      attempt.status(response.statusCode());
      return response;
    } catch (IOException | InterruptedException | RuntimeException e) {
      attempt.failed(e);
      throw e;
    } finally {
      attempt.end();
    }
  }
}
