package dev.baton.internal;

import java.time.Duration;
import java.util.Objects;

/** Argument checks shared by the public API, so every message names the argument and the rule. */
public final class Args {
  private Args() {}

  /** {@code d} in nanoseconds, saturated at {@code Long.MAX_VALUE}; rejects null and negatives. */
  public static long nanos(Duration d, String name) {
    Objects.requireNonNull(d, () -> name + " must not be null");
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, but was " + d);
    }
    try {
      return d.toNanos();
    } catch (ArithmeticException overflow) {
      return Long.MAX_VALUE;
    }
  }

  public static <T> T notNull(T value, String name) {
    return Objects.requireNonNull(value, () -> name + " must not be null");
  }

  public static int notNegative(int value, String name) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must not be negative, but was " + value);
    }
    return value;
  }

  public static int positive(int value, String name) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, but was " + value);
    }
    return value;
  }
}
