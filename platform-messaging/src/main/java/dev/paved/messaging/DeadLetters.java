package dev.paved.messaging;

/**
 * The headers a record gets on the dead-letter topic, beside all of its original headers. Values
 * are UTF-8 text; the error message is masked like a log line and cut at {@value #MAX_MESSAGE}
 * characters.
 */
public final class DeadLetters {
  private DeadLetters() {}

  /** The topic the record was consumed from. */
  public static final String ORIGINAL_TOPIC = "paved.dlt.original.topic";
  /** Its partition. */
  public static final String ORIGINAL_PARTITION = "paved.dlt.original.partition";
  /** Its offset. */
  public static final String ORIGINAL_OFFSET = "paved.dlt.original.offset";
  /** The consumer group that gave up on it. */
  public static final String GROUP = "paved.dlt.group";
  /** The class of the last error. */
  public static final String EXCEPTION_CLASS = "paved.dlt.exception.class";
  /** The last error's message, masked. */
  public static final String EXCEPTION_MESSAGE = "paved.dlt.exception.message";
  /** How many times the handler ran (0 when the record could not be deserialized). */
  public static final String ATTEMPTS = "paved.dlt.attempts";
  /** Longest error message kept: {@value}. */
  public static final int MAX_MESSAGE = 1000;
}
