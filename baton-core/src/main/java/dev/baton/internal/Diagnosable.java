package dev.baton.internal;

/** What a primitive tells a deadlock report about itself. */
public interface Diagnosable {
  /** The public type name: {@code "Lock"}, {@code "Condition"}. */
  String kind();

  /** The thread that holds it exclusively (a {@code Lock}'s owner), or {@code null}. */
  default Thread holder() {
    return null;
  }

  /** The state in a few words: {@code "locked by task worker-1"}, {@code "0 of 2 permits free"}. */
  String describe();

  /** Advice for a lost signal on this kind of primitive. */
  default String lostSignalAdvice() {
    return "wait for shared state rather than for the signal itself";
  }
}
