package dev.baton.bench.peer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The sizes of the peer workloads and the measurement plan, with the peer harness's flag names
 * ({@code --pingpong-acq}, {@code --sem-tasks}, ...) and DESIGN's defaults.
 */
public final class Params {
  public int pingpongAcq = 200_000;
  public int contendedTasks = 1000;
  public int contendedIters = 200;
  public int semTasks = 100_000;
  public int semLimit = 100;
  public int eventTasks = 100_000;
  public int pcConsumers = 100;
  public int pcCapacity = 64;
  public int pcItems = 1_000_000;
  public int spawnTasks = 100_000;

  /** Task switches in {@code task_switch} (two tasks, half each): not one of the peer six. */
  public int switches = 200_000;

  public int warmup = 3;
  public int repeat = 5;
  public boolean memoryPass = true;

  /** Base workload names to run ({@code null}: all the peer has). */
  public List<String> workloads;

  /** The {@code --quick} sizes: about a tenth of the full ones, 1 warm-up and 3 measured runs. */
  public Params quick() {
    pingpongAcq = 20_000;
    contendedTasks = 100;
    semTasks = 10_000;
    eventTasks = 10_000;
    pcItems = 100_000;
    spawnTasks = 10_000;
    switches = 20_000;
    warmup = 1;
    repeat = 3;
    return this;
  }

  /** Tiny sizes for the in-process smoke test: checks invariants, measures nothing. */
  public Params tiny() {
    pingpongAcq = 200;
    contendedTasks = 8;
    contendedIters = 50;
    semTasks = 500;
    semLimit = 7;
    eventTasks = 300;
    pcConsumers = 5;
    pcCapacity = 4;
    pcItems = 2_000;
    spawnTasks = 300;
    switches = 200;
    warmup = 0;
    repeat = 1;
    memoryPass = false;
    return this;
  }

  /** Whether base workload {@code name} was asked for. */
  public boolean wants(String name) {
    return workloads == null || workloads.contains(name);
  }

  /**
   * Reads one flag at {@code args[i]}; returns how many arguments it used (0: not a size or plan
   * flag).
   */
  public int parse(String[] args, int i) {
    String a = args[i];
    if (a.equals("--no-memory-pass")) {
      memoryPass = false;
      return 1;
    }
    if (a.equals("--quick")) {
      quick();
      return 1;
    }
    if (!FLAGS.contains(a)) {
      return 0;
    }
    if (i + 1 >= args.length) {
      throw new IllegalArgumentException(a + " needs a value");
    }
    String v = args[i + 1];
    switch (a) {
      case "--workloads" -> workloads = Arrays.asList(v.split(","));
      case "--warmup" -> warmup = intArg(a, v, 0);
      case "--repeat" -> repeat = intArg(a, v, 1);
      case "--pingpong-acq" -> pingpongAcq = intArg(a, v, 2);
      case "--contended-tasks" -> contendedTasks = intArg(a, v, 1);
      case "--contended-iters" -> contendedIters = intArg(a, v, 1);
      case "--sem-tasks" -> semTasks = intArg(a, v, 1);
      case "--sem-limit" -> semLimit = intArg(a, v, 1);
      case "--event-tasks" -> eventTasks = intArg(a, v, 1);
      case "--pc-consumers" -> pcConsumers = intArg(a, v, 1);
      case "--pc-capacity" -> pcCapacity = intArg(a, v, 1);
      case "--pc-items" -> pcItems = intArg(a, v, 1);
      case "--spawn-tasks" -> spawnTasks = intArg(a, v, 1);
      case "--switches" -> switches = intArg(a, v, 2);
      default -> throw new AssertionError(a);
    }
    return 2;
  }

  /** The flags {@link #parse} knows that take a value. */
  public static final List<String> FLAGS =
      List.of(
          "--workloads",
          "--warmup",
          "--repeat",
          "--pingpong-acq",
          "--contended-tasks",
          "--contended-iters",
          "--sem-tasks",
          "--sem-limit",
          "--event-tasks",
          "--pc-consumers",
          "--pc-capacity",
          "--pc-items",
          "--spawn-tasks",
          "--switches");

  /** These sizes and the plan as flags, for a child process (which starts from the defaults). */
  public List<String> toArgs() {
    List<String> out = new ArrayList<>();
    add(out, "--warmup", warmup);
    add(out, "--repeat", repeat);
    add(out, "--pingpong-acq", pingpongAcq);
    add(out, "--contended-tasks", contendedTasks);
    add(out, "--contended-iters", contendedIters);
    add(out, "--sem-tasks", semTasks);
    add(out, "--sem-limit", semLimit);
    add(out, "--event-tasks", eventTasks);
    add(out, "--pc-consumers", pcConsumers);
    add(out, "--pc-capacity", pcCapacity);
    add(out, "--pc-items", pcItems);
    add(out, "--spawn-tasks", spawnTasks);
    add(out, "--switches", switches);
    if (workloads != null) {
      out.add("--workloads");
      out.add(String.join(",", workloads));
    }
    if (!memoryPass) {
      out.add("--no-memory-pass");
    }
    return out;
  }

  private static void add(List<String> out, String flag, int v) {
    out.add(flag);
    out.add(Integer.toString(v));
  }

  private static int intArg(String flag, String v, int min) {
    int n;
    try {
      n = Integer.parseInt(v.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + ": not a number: " + v, e);
    }
    if (n < min) {
      throw new IllegalArgumentException(flag + " must be at least " + min + ", was " + n);
    }
    return n;
  }
}
