package dev.baton.bench.peer;

import java.util.LinkedHashMap;
import java.util.Map;

/** What one repetition of a workload measured: operations and nanoseconds per result name. */
public final class Measured {
  /** Result name to {ops, elapsed nanos}. */
  final Map<String, long[]> timings = new LinkedHashMap<>();

  /** Untimed figures of the run (handoffs), reported from the last measured repetition. */
  final Map<String, Long> aux = new LinkedHashMap<>();

  private Measured() {}

  public static Measured of(String result, long ops, long nanos) {
    return new Measured().and(result, ops, nanos);
  }

  public Measured and(String result, long ops, long nanos) {
    timings.put(result, new long[] {ops, Math.max(1, nanos)});
    return this;
  }

  public Measured with(String key, long value) {
    aux.put(key, value);
    return this;
  }

  public Map<String, long[]> timings() {
    return timings;
  }

  public Map<String, Long> aux() {
    return aux;
  }
}
