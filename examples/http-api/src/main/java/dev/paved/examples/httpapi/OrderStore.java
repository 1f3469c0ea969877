package dev.paved.examples.httpapi;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** An in-memory order store standing in for the example's database. */
final class OrderStore {
  private final Map<Long, Map<String, Object>> orders = new LinkedHashMap<>();

  OrderStore() {
    put(1, "CONFIRMED", 4_990, "EUR");
    put(2, "SHIPPED", 12_000, "EUR");
    put(42, "DELIVERED", 100, "USD");
  }

  private void put(long id, String status, long totalCents, String currency) {
    Map<String, Object> order = new LinkedHashMap<>();
    order.put("id", id);
    order.put("status", status);
    order.put("totalCents", totalCents);
    order.put("currency", currency);
    orders.put(id, order);
  }

  boolean isAvailable() {
    return true;
  }

  @Nullable Map<String, Object> find(long id) {
    return orders.get(id);
  }

  /** The first {@code size} orders, as {@code {"pageSize":n,"orders":[...]}} once written as JSON. */
  Map<String, Object> page(int size) {
    Map<String, Object> page = new LinkedHashMap<>();
    page.put("pageSize", size);
    page.put("orders", orders.values().stream().limit(size).toList());
    return page;
  }
}
