package dev.paved.examples.httpapi;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * The {@code orders} section of {@code platform.yaml}, bound and validated by platform-config.
 *
 * @param pageSize orders per page of {@code GET /api/orders}: 1 to 500
 * @param inventoryUrl where the inventory service answers; empty: orders are served without stock
 * @param eventsTopic the Kafka topic an {@code order-viewed} event goes to when an order is read
 *     (brokers: {@code platform.messaging.kafka.bootstrap-servers}); empty: no events
 */
public record OrdersSettings(
    @Min(1) @Max(500) int pageSize,
    @NotNull @Pattern(regexp = "|https?://\\S+", message = "must be empty or an http(s) URL") String inventoryUrl,
    @NotNull @Pattern(regexp = "|[a-zA-Z0-9._-]{1,249}", message = "must be empty or a Kafka topic name") String eventsTopic) {}
