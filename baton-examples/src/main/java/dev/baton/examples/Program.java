package dev.baton.examples;

import dev.baton.DeadlockException;
import dev.baton.EventLoop;
import java.io.PrintStream;
import java.util.List;

/** The demo programs {@code ./baton demo} knows, in the order {@code demo all} runs them. */
enum Program {
  EVENT(
      "event",
      "asyncio.Event: one task waits until another sets the event",
      EventDemo::run,
      EventDemo.CPYTHON_OUTPUT,
      Outcome.COMPLETES),
  LOCK(
      "lock",
      "asyncio.Lock: two tasks take turns in a critical section",
      LockDemo::run,
      LockDemo.CPYTHON_OUTPUT,
      Outcome.COMPLETES),
  SEMAPHORE(
      "semaphore",
      "asyncio.Semaphore(1): one task at a time",
      SemaphoreDemo::run,
      SemaphoreDemo.CPYTHON_OUTPUT,
      Outcome.COMPLETES),
  CONDITION(
      "condition",
      "asyncio.Condition as the article writes it: the signal is lost (CPython hangs)",
      ConditionDemo::run,
      ConditionDemo.CPYTHON_OUTPUT,
      Outcome.DEADLOCKS),
  CONDITION_FIXED(
      "condition-fixed",
      "Condition done right: shared state and awaitUntil",
      ConditionFixedDemo::run,
      ConditionFixedDemo.EXPECTED_OUTPUT,
      Outcome.COMPLETES);

  /** How a program is expected to end. */
  enum Outcome {
    /** Returns normally. */
    COMPLETES,
    /** Ends with a {@link DeadlockException} from the loop (where CPython hangs). */
    DEADLOCKS
  }

  /** The main logic of a demo program: runs it on a loop, printing to a stream. */
  @FunctionalInterface
  interface Body {
    void run(EventLoop loop, PrintStream out) throws Exception;
  }

  final String command;
  final String description;
  final Body body;
  final List<String> expectedOutput;
  final Outcome expectedOutcome;

  Program(
      String command,
      String description,
      Body body,
      List<String> expectedOutput,
      Outcome expectedOutcome) {
    this.command = command;
    this.description = description;
    this.body = body;
    this.expectedOutput = expectedOutput;
    this.expectedOutcome = expectedOutcome;
  }

  /** The program run by {@code ./baton demo <command>}, or {@code null}. */
  static Program byCommand(String command) {
    for (Program program : values()) {
      if (program.command.equals(command)) {
        return program;
      }
    }
    return null;
  }

  /**
   * Whether a run that printed {@code output} and ended with {@code failure} ({@code null} when it
   * returned) is what this program should do.
   */
  boolean behavedAsExpected(List<String> output, Throwable failure) {
    boolean endedRight =
        switch (expectedOutcome) {
          case COMPLETES -> failure == null;
          case DEADLOCKS -> failure instanceof DeadlockException;
        };
    return endedRight && output.equals(expectedOutput);
  }
}
