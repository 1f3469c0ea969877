package dev.paved.config;

/** Told when a bound section's value changed; see {@link Bound#onChange}. */
@FunctionalInterface
public interface ChangeListener<T> {
  /**
   * Called on the reload thread after the new configuration is in effect. An exception is logged
   * and counted; it neither stops other listeners nor undoes the change.
   */
  void onChange(T previous, T current) throws Exception;
}
