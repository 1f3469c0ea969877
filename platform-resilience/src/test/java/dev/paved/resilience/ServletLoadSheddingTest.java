package dev.paved.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Servlet load-shedding filter on a real Jetty 12. */
@Timeout(30)
class ServletLoadSheddingTest {

  @Test
  void aboveTheLimitJettyAnswers503WithRetryAfter() throws Exception {
    ServletLoadShedding shedding = new ServletLoadShedding(1, 1, null);
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Server jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    context.addServlet(new ServletHolder(new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
        inside.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        resp.setStatus(200);
      }
    }), "/*");
    context.addFilter(new FilterHolder(shedding), "/*", EnumSet.of(DispatcherType.REQUEST));
    jetty.setHandler(context);
    jetty.start();
    try {
      URI uri = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/work");
      List<CompletableFuture<HttpResponse<Void>>> slow = new ArrayList<>();
      slow.add(HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding()));
      assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
      HttpResponse<Void> shed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding());
      assertThat(shed.statusCode()).isEqualTo(503);
      assertThat(shed.headers().firstValue("Retry-After")).contains("1");
      release.countDown();
      assertThat(slow.get(0).get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      assertThat(shedding.inProgress()).isZero();
    } finally {
      jetty.stop();
    }
  }
}
