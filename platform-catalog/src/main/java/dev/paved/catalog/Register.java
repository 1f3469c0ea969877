package dev.paved.catalog;

import java.net.URI;
import java.time.Duration;

/**
 * Registers a service's {@code catalog-info.yaml} with Backstage at build or deploy time:
 * {@code java -cp ... dev.paved.catalog.Register <backstage-url> <catalog-info-url> <entity-ref>
 * [--dry-run]}, token from {@code BACKSTAGE_TOKEN}. An existing location is refreshed. Exit 0 on
 * success, 1 on failure (the message names the status and Backstage's message, never the token).
 */
public final class Register {
  private Register() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: Register <backstage-url> <catalog-info-url> <entity-ref> [--dry-run]");
      System.exit(2);
      return;
    }
    boolean dryRun = args.length > 3 && args[3].equals("--dry-run");
    CatalogClient client = new CatalogClient(URI.create(args[0]), System.getenv("BACKSTAGE_TOKEN"), Duration.ofSeconds(10), dev.paved.core.Redaction.create());
    try {
      CatalogClient.Registration r = client.register(args[1], dryRun, args[2]);
      System.out.println(r.outcome() + " " + r.entities());
    } catch (CatalogClient.CatalogRegistrationException e) {
      System.err.println(e.getMessage());
      System.exit(1);
    }
  }
}
