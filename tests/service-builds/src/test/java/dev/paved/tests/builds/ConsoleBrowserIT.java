package dev.paved.tests.builds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paved.test.HttpStub;
import dev.paved.test.ServiceProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;

/**
 * The admin console of the running http-api example in a real browser: Debian's Chromium, headless,
 * driven by Selenium through Debian's ChromeDriver (installed by {@code .ci/run}; no browser is
 * downloaded). The example runs as a process in environment {@code staging} with a tokens file, its
 * inventory dependency a stub on loopback that the test makes slow and then failing. Each view's
 * screenshot is saved in {@code target/console-screenshots/}; the browser's log may hold no error
 * but the one refusal the test provokes.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ConsoleBrowserIT {
  private static final Path EXAMPLES = Path.of(System.getProperty("examples.dir", "../../examples"));
  private static final Path SHOTS = Path.of("target/console-screenshots");
  private static final String VIEWER = "viewer-7c1e0b5f93d24a68e1f0";
  private static final String OPERATOR = "operator-4b9d2e7a61c03f58d2a4";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path dir;

  private static ChromeDriver browser(Path profile) {
    String binary = System.getProperty("chromium.binary", "/usr/bin/chromium");
    String driver = System.getProperty("chromedriver", "/usr/bin/chromedriver");
    assertThat(Path.of(binary)).as("Debian's chromium (apt-get install chromium chromium-driver; .ci/run installs them)").exists();
    assertThat(Path.of(driver)).as("Debian's chromedriver (apt-get install chromium-driver; .ci/run installs it)").exists();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(binary);
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--window-size=1280,1000", "--user-data-dir=" + profile);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(Path.of(driver).toFile()).usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }

  private int get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** An admin endpoint's JSON, read with the viewer's token (as a script of the on-call engineer would). */
  private JsonNode admin(int adminPort, String path) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path)).header("Authorization", "Bearer " + VIEWER).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static void shot(ChromeDriver driver, String name) throws Exception {
    Files.createDirectories(SHOTS);
    Files.write(SHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
  }

  private static void await(String what, java.util.concurrent.Callable<Boolean> condition) {
    Awaitility.await(what).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(condition);
  }

  private static String text(ChromeDriver driver, String css) {
    return driver.findElement(By.cssSelector(css)).getText();
  }

  private static void signIn(ChromeDriver driver, String token, String role) {
    driver.findElement(By.id("token")).sendKeys(token);
    driver.findElement(By.cssSelector("#login button[type=submit]")).click();
    await("signed in as " + role, () -> text(driver, "#who").equals("Signed in as " + role));
  }

  private static void view(ChromeDriver driver, int adminPort, String view) {
    driver.get("http://127.0.0.1:" + adminPort + "/#" + view);
  }

  @Test
  void anOnCallEngineerSeesTheServiceAndAnOperatorActsWhereAViewerIsRefused() throws Exception {
    Path tokens = dir.resolve("admin-tokens");
    Files.writeString(tokens, "viewer " + VIEWER + " alice-viewer\noperator " + OPERATOR + " bob-operator\n");
    try (HttpStub inventory = HttpStub.start().answer(200, "{\"inStock\":true}", Map.of("Content-Type", "application/json"));
        ServiceProcess api =
            ServiceProcess.jar(EXAMPLES.resolve("http-api/target/http-api.jar"))
                .env("HTTP_PORT", "0")
                .env("PLATFORM_ADMIN_PORT", "0")
                .env("PLATFORM_SERVICE_ENVIRONMENT", "staging")
                .env("PLATFORM_ADMIN_AUTH_TOKENS_FILE", tokens.toString())
                .env("INVENTORY_URL", inventory.uri("").toString())
                .env("INVENTORY_API_KEY", "dev-inventory-key-1")
                .env("PLATFORM_SHUTDOWN_DRAIN", "0s")
                .start()) {
      int admin = api.awaitReady();
      int port = ((Number) api.awaitEvent(e -> e.containsKey("server.port"), "the API's port").get("server.port")).intValue();
      ChromeDriver driver = browser(dir.resolve("profile"));
      try {
        // The shell is open; its data is not: a visitor without a token is asked for one.
        view(driver, admin, "overview");
        await("asked to sign in", () -> text(driver, "#who").equals("Sign in to see this service"));
        assertThat(driver.findElement(By.id("login")).isDisplayed()).isTrue();
        assertThat(text(driver, "#main")).contains("needs a viewer or operator token");
        signIn(driver, VIEWER, "viewer");

        // Overview: identity and health.
        await("identity and health", () -> text(driver, "#main").contains("team-examples") && driver.findElements(By.cssSelector("#health tbody tr")).size() >= 4);
        assertThat(text(driver, "#main")).contains("http-api", "staging", "paved-examples", "Up for");
        assertThat(text(driver, "#health")).contains("orders-db", "circuit-breakers", "UP");
        assertThat(driver.findElements(By.cssSelector("#health svg rect"))).isNotEmpty();
        shot(driver, "overview");

        // Traffic: the RED row of a route and its sparkline move with load.
        for (int i = 0; i < 30; i++) {
          assertThat(get(port, "/api/orders/" + (1 + i % 2))).isEqualTo(200);
          assertThat(get(port, "/api/orders")).isEqualTo(200);
        }
        view(driver, admin, "traffic");
        String row = "#routes tr[data-route='/api/orders/{id}']";
        await("the route's requests counted", () -> Long.parseLong(driver.findElement(By.cssSelector(row + " td:nth-child(2)")).getText().replace(",", "")) >= 30);
        String before = driver.findElement(By.cssSelector(row + " polyline")).getAttribute("points");
        for (int i = 0; i < 60; i++) {
          get(port, "/api/orders/1");
        }
        await("the sparkline moved", () -> !driver.findElement(By.cssSelector(row + " polyline")).getAttribute("points").equals(before));
        assertThat(text(driver, row)).contains("/api/orders/{id}");
        shot(driver, "traffic");

        // SLOs: a slow dependency makes requests slower than the latency SLO's 300 ms: the budget drops.
        view(driver, admin, "slos");
        String budget = "section[aria-label='SLO order-latency'] [data-budget]";
        await("the latency SLO shown", () -> driver.findElement(By.cssSelector(budget)).isDisplayed());
        double initial = Double.parseDouble(driver.findElement(By.cssSelector(budget)).getAttribute("data-budget"));
        inventory.delay(Duration.ofMillis(400));
        for (int i = 0; i < 5; i++) {
          get(port, "/api/orders/2");
        }
        inventory.delay(Duration.ZERO);
        await("the budget moved", () -> Double.parseDouble(driver.findElement(By.cssSelector(budget)).getAttribute("data-budget")) < initial);
        assertThat(text(driver, "section[aria-label='SLO order-latency']")).contains("page: 1h and 5m", "Error budget left");
        // The section whose budget moved, scrolled to (the page is longer than the window).
        driver.executeScript("arguments[0].scrollIntoView()", driver.findElement(By.cssSelector("section[aria-label='SLO order-latency']")));
        shot(driver, "slos");
        driver.executeScript("window.scrollTo(0, 0)");

        // Dependencies: the inventory fails; retries, then its breaker opens.
        inventory.answer(503, "{\"error\":\"down\"}", Map.of());
        for (int i = 0; i < 40; i++) {
          get(port, "/api/orders/42");
        }
        view(driver, admin, "dependencies");
        await("the inventory's breaker open", () -> text(driver, "[data-dependency='inventory'] h3").contains("OPEN"));
        assertThat(text(driver, "[data-dependency='inventory']")).contains("CLOSED -> OPEN", "http_503");
        shot(driver, "dependencies");

        // Traces: a trace with a retry, opened as a waterfall, shows the retry event.
        JsonNode recent = admin(admin, "/traces?limit=100");
        assertThat(api.admin("/traces").statusCode()).as("without a token").isEqualTo(401);
        String[] withRetry = null;
        for (JsonNode t : recent.path("traces")) {
          for (JsonNode s : t.path("spans")) {
            for (JsonNode e : s.path("events")) {
              if (e.path("name").asText().equals("retry") && withRetry == null) {
                withRetry = new String[] {t.path("traceId").asText(), s.path("spanId").asText()};
              }
            }
          }
        }
        assertThat(withRetry).as("a recent trace with a retry event").isNotNull();
        view(driver, admin, "traces");
        await("the route filter", () -> {
          new Select(driver.findElement(By.id("filter-route"))).selectByValue("/api/orders/{id}");
          return true;
        });
        String traceId = withRetry[0];
        String spanId = withRetry[1];
        await("the trace listed", () -> driver.findElement(By.cssSelector("button[data-trace='" + traceId + "']")).isDisplayed());
        shot(driver, "traces");
        click(driver, "button[data-trace='" + traceId + "']");
        await("its waterfall", () -> driver.findElement(By.id("waterfall")).isDisplayed());
        click(driver, "tr[data-span='" + spanId + "'] button");
        await("the retry event", () -> text(driver, "#span-events").contains("retry"));
        assertThat(text(driver, "#span-events")).contains("paved.retry.cause=http_503");
        shot(driver, "trace-waterfall");

        // Flags and configuration.
        view(driver, admin, "flags");
        await("the flags", () -> text(driver, "#flags").contains("new-checkout"));
        shot(driver, "flags");
        view(driver, admin, "config");
        await("the configuration", () -> text(driver, "#config-values").contains("orders.page-size"));
        assertThat(text(driver, "#config-values")).doesNotContain("dev-inventory-key-1");
        shot(driver, "config");

        // A viewer may not change a logger's level; an operator may, for a while, audited.
        view(driver, admin, "overview");
        await("the logger form", () -> driver.findElement(By.id("logger-form")).isDisplayed());
        setLogger(driver);
        await("refused", () -> text(driver, "#action-result").startsWith("Refused (403)"));
        click(driver, "#signout");
        await("signed out", () -> text(driver, "#who").equals("Sign in to see this service"));
        signIn(driver, OPERATOR, "operator");
        await("the logger form", () -> driver.findElement(By.id("logger-form")).isDisplayed());
        setLogger(driver);
        await("done", () -> text(driver, "#action-result").startsWith("Done: logger dev.paved.examples"));
        await("listed as active", () -> text(driver, "#active-actions").contains("logger:dev.paved.examples"));
        Map<String, Object> audit = api.awaitEvent(e -> "admin_action".equals(e.get("event.kind")) && "applied".equals(e.get("admin.outcome")), "the audit line");
        assertThat(audit).containsEntry("admin.action", "logger-level").containsEntry("admin.after", "DEBUG");
        assertThat(String.valueOf(audit.get("admin.caller"))).startsWith("token bob-operator from 127.0.0.1");
        shot(driver, "operator-action");

        // No error in the browser's log but the refusal the viewer met.
        List<LogEntry> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream().filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
        assertThat(errors).allSatisfy(e -> assertThat(e.getMessage()).contains("/actions/logger-level").contains("403"));
      } catch (AssertionError | RuntimeException e) {
        // What the browser showed and logged, for the report.
        shot(driver, "failure");
        System.out.println("The page at the failure: " + driver.getCurrentUrl() + "\n" + driver.findElement(By.tagName("body")).getText());
        driver.manage().logs().get(LogType.BROWSER).getAll().forEach(l -> System.out.println("browser: " + l));
        throw e;
      } finally {
        driver.quit();
      }
      // The canary: no token in any line the service wrote.
      assertThat(api.lines()).noneMatch(l -> l.contains(VIEWER) || l.contains(OPERATOR));
    }
  }

  /** Clicks, again if the view was redrawn under the click (it refreshes every few seconds). */
  private static void click(ChromeDriver driver, String css) {
    await("clicked " + css, () -> {
      driver.findElement(By.cssSelector(css)).click();
      return true;
    });
  }

  private static void setLogger(ChromeDriver driver) {
    await("the logger form filled and sent", () -> {
      WebElement logger = driver.findElement(By.id("logger-name"));
      logger.clear();
      logger.sendKeys("dev.paved.examples");
      new Select(driver.findElement(By.id("logger-level"))).selectByValue("DEBUG");
      driver.findElement(By.cssSelector("#logger-form button[type=submit]")).click();
      return true;
    });
  }
}
