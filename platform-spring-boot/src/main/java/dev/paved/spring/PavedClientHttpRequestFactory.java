package dev.paved.spring;

import dev.paved.resilience.ResilientHttpClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.AbstractClientHttpRequest;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;

/**
 * A {@code RestClient}'s (or {@code RestTemplate}'s) requests sent by a Paved client: a
 * {@link ResilientHttpClient} (the dependency's policy — retries under the budget, breaker,
 * bulkhead, deadline propagation — with a CLIENT span and client metrics per attempt) or the
 * traced JDK client alone. The body is buffered (as Spring's own buffering factories do) so that a
 * retry can send it again; the response is streamed.
 */
public final class PavedClientHttpRequestFactory implements ClientHttpRequestFactory {
  /** Headers the JDK client sets itself and refuses from the caller. */
  private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

  private final ResilientHttpClient.Sender sender;
  private final java.time.@org.jspecify.annotations.Nullable Duration timeout;

  /**
   * Requests sent through {@code sender}, {@code resilientHttpClient::send} (whose policy sets
   * each attempt's timeout and the deadline).
   */
  public PavedClientHttpRequestFactory(ResilientHttpClient.Sender sender) {
    this.sender = sender;
    this.timeout = null;
  }

  /** Requests sent through {@code sender} (a traced client's {@code send}), each within {@code timeout}. */
  public PavedClientHttpRequestFactory(ResilientHttpClient.Sender sender, java.time.Duration timeout) {
    this.sender = sender;
    this.timeout = timeout;
  }

  @Override
  public ClientHttpRequest createRequest(URI uri, HttpMethod method) {
    return new Request(uri, method);
  }

  private final class Request extends AbstractClientHttpRequest {
    private final URI uri;
    private final HttpMethod method;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream(256);

    Request(URI uri, HttpMethod method) {
      this.uri = uri;
      this.method = method;
    }

    @Override
    public HttpMethod getMethod() {
      return method;
    }

    @Override
    public URI getURI() {
      return uri;
    }

    @Override
    protected OutputStream getBodyInternal(HttpHeaders headers) {
      return body;
    }

    @Override
    protected ClientHttpResponse executeInternal(HttpHeaders headers) throws IOException {
      byte[] bytes = body.toByteArray();
      HttpRequest.BodyPublisher publisher =
          bytes.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(bytes);
      HttpRequest.Builder builder = HttpRequest.newBuilder(uri).method(method.name(), publisher);
      java.time.Duration t = timeout;
      if (t != null) {
        builder.timeout(t);
      }
      headers.forEach(
          (name, values) -> {
            if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
              for (String v : values) {
                builder.header(name, v);
              }
            }
          });
      try {
        return new Response(sender.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        InterruptedIOException io = new InterruptedIOException("interrupted while calling " + uri.getHost());
        io.initCause(e);
        throw io;
      }
    }
  }

  private static final class Response implements ClientHttpResponse {
    private final HttpResponse<InputStream> response;
    private final HttpHeaders headers = new HttpHeaders();

    Response(HttpResponse<InputStream> response) {
      this.response = response;
      for (Map.Entry<String, List<String>> e : response.headers().map().entrySet()) {
        if (!e.getKey().startsWith(":")) {
          headers.addAll(e.getKey(), e.getValue());
        }
      }
    }

    @Override
    public HttpStatusCode getStatusCode() {
      return HttpStatusCode.valueOf(response.statusCode());
    }

    @Override
    public String getStatusText() {
      return "";
    }

    @Override
    public HttpHeaders getHeaders() {
      return headers;
    }

    @Override
    public InputStream getBody() {
      return response.body();
    }

    @Override
    public void close() {
      try {
        response.body().close();
      } catch (IOException e) {
        // the connection is released either way
      }
    }
  }
}
