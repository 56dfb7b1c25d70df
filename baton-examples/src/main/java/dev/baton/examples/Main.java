package dev.baton.examples;

import dev.baton.DeadlockException;
import dev.baton.EventLoop;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The command line behind the {@code ./baton} launcher: {@code demo <program>|all [--virtual-time]}
 * and {@code help}. ({@code bench} is dispatched by the launcher to the benchmark module.)
 *
 * <p>Exit status: 0 on success, 1 when a program did not end as it should (including {@code demo
 * condition}, which ends with a deadlock report by design), 2 on bad arguments.
 */
public final class Main {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  static final String VIRTUAL_TIME = "--virtual-time";

  private Main() {}

  public static void main(String[] args) {
    int status = run(args, System.out, System.err);
    System.out.flush();
    System.exit(status);
  }

  /** Runs the command line {@code args}; returns the exit status. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      err.print(usage());
      return USAGE;
    }
    switch (args[0]) {
      case "help", "--help", "-h" -> {
        out.print(usage());
        return OK;
      }
      case "demo" -> {
        return demo(Arrays.copyOfRange(args, 1, args.length), out, err);
      }
      case "jdk" -> {
        out.println(
            System.getProperty("java.home") + " (" + System.getProperty("java.version") + ")");
        return OK;
      }
      case "bench" -> {
        err.println("baton: run the benchmarks through the launcher: ./baton bench");
        return USAGE;
      }
      default -> {
        return usageError(err, "unknown command '" + args[0] + "'");
      }
    }
  }

  private static int demo(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      return usageError(err, "demo needs a program name");
    }
    String name = args[0];
    boolean virtualTime = false;
    for (String option : Arrays.copyOfRange(args, 1, args.length)) {
      if (option.equals(VIRTUAL_TIME)) {
        virtualTime = true;
      } else {
        return usageError(err, "unknown option '" + option + "' for demo");
      }
    }
    if (name.equals("all")) {
      return demoAll(virtualTime, out);
    }
    Program program = Program.byCommand(name);
    if (program == null) {
      return usageError(err, "unknown demo program '" + name + "'");
    }
    EventLoop loop = newLoop(virtualTime);
    try {
      program.body.run(loop, out);
      return OK;
    } catch (DeadlockException e) {
      out.flush();
      err.println();
      err.print(deadlockReport(e, loop));
      if (program.expectedOutcome == Program.Outcome.DEADLOCKS) {
        err.println(
            "CPython hangs here forever. The correct pattern: ./baton demo condition-fixed");
      }
      return FAILED;
    } catch (Exception e) {
      out.flush();
      err.println("baton: demo " + name + " failed:");
      e.printStackTrace(err);
      return FAILED;
    }
  }

  /** Runs every program in order, checks each, prints a summary; 0 only if all behaved. */
  private static int demoAll(boolean virtualTime, PrintStream out) {
    List<String> summary = new ArrayList<>();
    int passed = 0;
    Program[] programs = Program.values();
    for (int i = 0; i < programs.length; i++) {
      Program program = programs[i];
      out.printf(
          "=== %d/%d %s (%s)%n", i + 1, programs.length, program.command, program.description);
      ByteArrayOutputStream captured = new ByteArrayOutputStream();
      PrintStream tee = new PrintStream(new Tee(out, captured), true, StandardCharsets.UTF_8);
      EventLoop loop = newLoop(virtualTime);
      Exception failure = null;
      try {
        program.body.run(loop, tee);
      } catch (Exception e) {
        failure = e;
      }
      tee.flush();
      List<String> output = captured.toString(StandardCharsets.UTF_8).lines().toList();
      boolean ok = program.behavedAsExpected(output, failure);
      String verdict = verdict(program, output, failure);
      if (failure instanceof DeadlockException deadlock) {
        out.print(indent(deadlockReport(deadlock, loop)));
      } else if (failure != null) {
        out.println("    " + failure);
      }
      if (!output.equals(program.expectedOutput)) {
        out.println("    expected output:");
        program.expectedOutput.forEach(line -> out.println("      " + line));
      }
      out.printf(
          "--- %s: %s (loop clock %s)%n%n", ok ? "ok" : "FAILED", verdict, seconds(loop.elapsed()));
      summary.add(
          String.format(
              Locale.ROOT, "  %-6s %-16s %s", ok ? "ok" : "FAILED", program.command, verdict));
      if (ok) {
        passed++;
      }
    }
    out.println("Summary" + (virtualTime ? " (virtual time)" : ""));
    summary.forEach(out::println);
    if (passed == programs.length) {
      out.printf("All %d programs behaved as expected.%n", programs.length);
      return OK;
    }
    out.printf(
        "%d of %d programs did not behave as expected.%n",
        programs.length - passed, programs.length);
    return FAILED;
  }

  private static String verdict(Program program, List<String> output, Throwable failure) {
    boolean sameOutput = output.equals(program.expectedOutput);
    String source = program == Program.CONDITION_FIXED ? "the expected output" : "CPython's output";
    String outputVerdict =
        sameOutput ? "output matches " + source : "output differs from " + source;
    return switch (program.expectedOutcome) {
      case COMPLETES ->
          failure == null
              ? outputVerdict
              : outputVerdict + "; ended with " + failure.getClass().getSimpleName();
      case DEADLOCKS ->
          failure instanceof DeadlockException
              ? outputVerdict + "; deadlock reported where CPython hangs"
              : outputVerdict
                  + "; expected a DeadlockException, "
                  + (failure == null ? "but it completed" : "got " + failure);
    };
  }

  static String deadlockReport(DeadlockException e, EventLoop loop) {
    return "Deadlock detected after "
        + seconds(loop.elapsed())
        + " of loop time (DeadlockException):"
        + System.lineSeparator()
        + indent(e.getMessage());
  }

  private static EventLoop newLoop(boolean virtualTime) {
    return virtualTime ? EventLoop.withVirtualTime() : EventLoop.create();
  }

  private static String seconds(Duration duration) {
    return String.format(Locale.ROOT, "%.3f s", duration.toNanos() / 1e9);
  }

  private static String indent(String text) {
    StringBuilder indented = new StringBuilder();
    String.valueOf(text)
        .lines()
        .forEach(line -> indented.append("    ").append(line).append(System.lineSeparator()));
    return indented.toString();
  }

  private static int usageError(PrintStream err, String problem) {
    err.println("baton: " + problem);
    err.println();
    err.print(usage());
    return USAGE;
  }

  static String usage() {
    StringBuilder text = new StringBuilder();
    text.append(
        """
        Baton: asyncio's coordination model (Event, Lock, Semaphore, Condition, ...) for Java
        virtual threads.

        Usage:
          ./baton demo <program> [--virtual-time]  run one of the article's programs on Baton
          ./baton demo all [--virtual-time]        run all five, check each, print a summary
          ./baton bench [args...]                  run the benchmarks (module baton-bench)
          ./baton jdk                              print the JDK the launcher runs on
          ./baton help                             show this text

        Programs (asyncio originals in the class javadoc of dev.baton.examples.*Demo):
        """);
    for (Program program : Program.values()) {
      text.append(String.format(Locale.ROOT, "  %-16s %s%n", program.command, program.description));
    }
    text.append(
        """

        Options:
          --virtual-time   run on a virtual clock: every sleep takes no real time; same output,
                           same order (default: the real clock, so the demos take 2-4 s each)

        Exit status: 0 on success; 1 when a program does not end as it should (demo condition
        always: it ends with a deadlock report, where CPython hangs forever); 2 on bad arguments.
        """);
    return text.toString();
  }

  /** Copies everything written to two streams. */
  private static final class Tee extends OutputStream {
    private final OutputStream first;
    private final OutputStream second;

    Tee(OutputStream first, OutputStream second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public void write(int b) throws IOException {
      first.write(b);
      second.write(b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      first.write(bytes, offset, length);
      second.write(bytes, offset, length);
    }

    @Override
    public void flush() throws IOException {
      first.flush();
      second.flush();
    }
  }
}
