/**
 * Event consumers on the golden path: {@link dev.paved.messaging.Events} runs a Kafka
 * consumer's poll loop with at-least-once delivery, retries, a dead-letter topic, lag metrics,
 * readiness and graceful shutdown, and every record in a CONSUMER span.
 */
@NullMarked
package dev.paved.messaging;

import org.jspecify.annotations.NullMarked;
