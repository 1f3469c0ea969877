package dev.paved.benchmarks;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import org.jspecify.annotations.Nullable;

/** An in-memory exchange, so that benchmarks measure instrumentation rather than sockets. */
final class FakeExchange extends HttpExchange {
  private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 8080);
  private static final InetSocketAddress REMOTE = new InetSocketAddress("127.0.0.1", 50000);
  private final Headers requestHeaders = new Headers();
  private final Headers responseHeaders = new Headers();
  private final URI uri;
  private int code = -1;

  FakeExchange(String path, String traceparent) {
    this.uri = URI.create(path);
    requestHeaders.set("traceparent", traceparent);
    requestHeaders.set("User-Agent", "bench/1.0");
  }

  void reset() {
    code = -1;
  }

  @Override
  public Headers getRequestHeaders() {
    return requestHeaders;
  }

  @Override
  public Headers getResponseHeaders() {
    return responseHeaders;
  }

  @Override
  public URI getRequestURI() {
    return uri;
  }

  @Override
  public String getRequestMethod() {
    return "GET";
  }

  @Override
  public @Nullable HttpContext getHttpContext() {
    return null;
  }

  @Override
  public void close() {}

  @Override
  public InputStream getRequestBody() {
    return new ByteArrayInputStream(new byte[0]);
  }

  @Override
  public OutputStream getResponseBody() {
    return OutputStream.nullOutputStream();
  }

  @Override
  public void sendResponseHeaders(int rCode, long responseLength) {
    code = rCode;
  }

  @Override
  public InetSocketAddress getRemoteAddress() {
    return REMOTE;
  }

  @Override
  public int getResponseCode() {
    return code;
  }

  @Override
  public InetSocketAddress getLocalAddress() {
    return LOCAL;
  }

  @Override
  public String getProtocol() {
    return "HTTP/1.1";
  }

  @Override
  public @Nullable Object getAttribute(String name) {
    return null;
  }

  @Override
  public void setAttribute(String name, @Nullable Object value) {}

  @Override
  public void setStreams(@Nullable InputStream i, @Nullable OutputStream o) {}

  @Override
  public @Nullable HttpPrincipal getPrincipal() {
    return null;
  }
}
