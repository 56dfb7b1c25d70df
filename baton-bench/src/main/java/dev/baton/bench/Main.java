package dev.baton.bench;

import dev.baton.bench.peer.PeerHarness;
import dev.baton.bench.run.BenchCommand;
import java.util.Arrays;

/**
 * The benchmark module's command line.
 *
 * <pre>
 *   bench [workload...] [--quick] [options]   the peer workloads, Baton vs java.util.concurrent
 *   jmh [JMH options]                         the JMH micro-benchmarks (org.openjdk.jmh.Main)
 *   peer &lt;name&gt; [flags]                       one peer in this JVM (what bench runs per child)
 * </pre>
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      usage();
      System.exit(2);
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "jmh" -> org.openjdk.jmh.Main.main(rest); // exits by itself
      case "bench" -> System.exit(BenchCommand.main(rest));
      case "peer" -> System.exit(PeerHarness.main(rest));
      case "help", "-h", "--help" -> usage();
      default -> {
        System.err.println("unknown command: " + args[0]);
        usage();
        System.exit(2);
      }
    }
  }

  private static void usage() {
    System.out.println(
        """
        usage: bench [workload...] [--quick] [options]  Baton vs java.util.concurrent (and asyncio)
               jmh [JMH options]                        JMH micro-benchmarks, e.g. jmh -l, jmh Uncontended
               peer <name> [flags]                      run one peer in this JVM

        bench options (see bench --help):
          workloads     %s
          --quick       reduced sizes, 1 warm-up + 3 measured runs, under a minute
        """
            .formatted(String.join(" ", dev.baton.bench.peer.Workloads.BASE)));
  }
}
