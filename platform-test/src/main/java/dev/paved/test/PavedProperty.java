package dev.paved.test;

import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A configuration value for the platform a {@link PavedExtension} starts, on a test class (every
 * test) or a test method (that test; it wins over the class). Above every file, like {@code
 * Platform.Builder.property}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Repeatable(PavedProperty.List.class)
public @interface PavedProperty {
  String name();

  String value();

  /** Several {@link PavedProperty} on one element. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target({ElementType.TYPE, ElementType.METHOD})
  @interface List {
    PavedProperty[] value();
  }
}
