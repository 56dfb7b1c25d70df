package dev.baton.bench.peer;

/** A workload's invariant did not hold: the run is wrong, whatever its speed. */
public final class CheckFailed extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CheckFailed(String message) {
    super(message);
  }

  /** Throws unless {@code ok}. */
  public static void check(boolean ok, String message) {
    if (!ok) {
      throw new CheckFailed(message);
    }
  }
}
