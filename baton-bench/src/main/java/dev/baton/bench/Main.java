package dev.baton.bench;

import dev.baton.bench.peer.PeerHarness;
import dev.baton.bench.run.BenchCommand;
import java.util.Arrays;

/**
 * The benchmark module's command line. {@code ./baton bench ARGS} runs this class with {@code
 * ARGS}; {@code java -jar baton-bench.jar ARGS} too.
 *
 * <pre>
 *   [bench] [workload...] [--quick] [options]  the peer workloads, Baton vs java.util.concurrent
 *   jmh [JMH options]                          the JMH micro-benchmarks (org.openjdk.jmh.Main)
 *   peer &lt;name&gt; [flags]                        one peer in this JVM (what bench runs per child)
 * </pre>
 *
 * With no command word, the arguments are bench's: {@code ./baton bench --quick} and {@code ./baton
 * bench bench --quick} are the same.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    String cmd = args.length == 0 ? "bench" : args[0];
    String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
    switch (cmd) {
      case "jmh" -> org.openjdk.jmh.Main.main(rest); // exits by itself
      case "bench" -> System.exit(BenchCommand.main(rest));
      case "peer" -> System.exit(PeerHarness.main(rest));
      case "help", "-h", "--help" -> usage();
      default -> System.exit(BenchCommand.main(args));
    }
  }

  private static void usage() {
    System.out.print(
        """
        usage: ./baton bench [workload...] [--quick] [options]   Baton vs java.util.concurrent
                                                                  (and CPython asyncio), child JVMs
               ./baton bench jmh [JMH options]                   JMH micro-benchmarks
                                                                  (jmh -l lists them)
               ./baton bench peer <name> [flags]                 one peer in this JVM

        """);
    System.out.print(BenchCommand.usage());
  }
}
