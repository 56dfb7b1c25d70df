package dev.baton.bench.jmh;

import dev.baton.Baton;
import dev.baton.EventLoop;
import dev.baton.Task;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The event loop's task switch: two tasks of {@code EventLoop.create().run} ping-pong through
 * {@code Baton.yieldNow()} ({@code asyncio.sleep(0)}), {@value #YIELDS} times each; reported per
 * switch (DESIGN's target: under 250 ns). Run with the JVM's default scheduler and with one
 * carrier; the baseline is two virtual threads doing the same with {@code Thread.yield()} on one
 * carrier.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TaskSwitchBench {
  static final int YIELDS = 10_000;

  @Benchmark
  @OperationsPerInvocation(2 * YIELDS)
  public void loopYieldNow() throws Exception {
    loopPingPong();
  }

  @Benchmark
  @OperationsPerInvocation(2 * YIELDS)
  @Fork(jvmArgsAppend = "-Djdk.virtualThreadScheduler.parallelism=1")
  public void loopYieldNowOneCarrier() throws Exception {
    loopPingPong();
  }

  /** The core's opt-in carrier of the loop's own (-Dbaton.carrier=loop). */
  @Benchmark
  @OperationsPerInvocation(2 * YIELDS)
  @Fork(jvmArgsAppend = {"-Dbaton.carrier=loop", "--add-opens", "java.base/java.lang=ALL-UNNAMED"})
  public void loopYieldNowLoopCarrier() throws Exception {
    loopPingPong();
  }

  @Benchmark
  @OperationsPerInvocation(2 * YIELDS)
  @Fork(jvmArgsAppend = "-Djdk.virtualThreadScheduler.parallelism=1")
  public void virtualThreadYieldOneCarrier() throws Exception {
    Thread[] ts = new Thread[2];
    for (int k = 0; k < 2; k++) {
      ts[k] =
          Thread.ofVirtual()
              .start(
                  () -> {
                    for (int i = 0; i < YIELDS; i++) {
                      Thread.yield();
                    }
                  });
    }
    for (Thread t : ts) {
      t.join();
    }
  }

  private static void loopPingPong() throws Exception {
    EventLoop.create()
        .run(
            () -> {
              Task<Void> a = Baton.spawn(TaskSwitchBench::yields);
              Task<Void> b = Baton.spawn(TaskSwitchBench::yields);
              a.join();
              b.join();
            });
  }

  private static void yields() throws InterruptedException {
    for (int i = 0; i < YIELDS; i++) {
      Baton.yieldNow();
    }
  }
}
