package dev.paved.config;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A configuration section bound to a type and validated. {@link #get()} is a read of one
 * volatile field holding an immutable value: cheap enough for every request. The value is
 * replaced as a whole when a reload changes the section, so one {@code get()} never mixes old and
 * new settings; to read several sections of one version, use {@link ConfigSnapshot#get(Bound)}.
 */
public final class Bound<T> {
  private final String section;
  private final Class<T> type;
  private final int index;
  private final List<ChangeListener<? super T>> listeners = new CopyOnWriteArrayList<>();
  private volatile T value;

  Bound(String section, Class<T> type, int index, T value) {
    this.section = section;
    this.type = type;
    this.index = index;
    this.value = value;
  }

  /** The section's current value. */
  public T get() {
    return value;
  }

  /** The section's name, such as {@code checkout}. */
  public String section() {
    return section;
  }

  /** The type the section is bound to. */
  public Class<T> type() {
    return type;
  }

  /**
   * Calls {@code listener} after each applied reload that changed this section (by {@code
   * equals}), with the previous and the new value.
   */
  public void onChange(ChangeListener<? super T> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  int index() {
    return index;
  }

  void set(Object newValue) {
    value = type.cast(newValue);
  }

  List<ChangeListener<? super T>> listeners() {
    return listeners;
  }

  @Override
  public String toString() {
    return "Bound{section=" + section + ", type=" + type.getName() + "}";
  }
}
