package dev.baton.bench.jmh;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Contended lock hand-off: {@code threads} virtual threads (default scheduler, all cores) share one
 * lock for {@value #OPS} acquisitions in all. Each acquisition does {@value #WORK} JMH tokens of
 * work inside the lock and as many outside it, so the carriers really collide and waiters queue.
 * Reported per acquisition, including starting and joining the threads. Baton's Lock is FIFO with
 * direct hand-off, so it is compared against both a fair (FIFO) and a non-fair (barging) {@code
 * ReentrantLock}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HandoffBench {
  static final int OPS = 64_000;
  static final int WORK = 50;

  @Param({"2", "8", "64"})
  public int threads;

  @Param({"baton", "fair", "nonfair"})
  public String lock;

  private Runnable acquireRelease;
  private long counter;

  /** One acquire, increment, release on the lock under test. */
  @Setup
  public void setup() {
    switch (lock) {
      case "baton" -> {
        dev.baton.Lock l = new dev.baton.Lock();
        acquireRelease =
            () -> {
              try {
                l.acquire();
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
              try {
                counter++;
                Blackhole.consumeCPU(WORK);
              } finally {
                l.release();
              }
            };
      }
      case "fair", "nonfair" -> {
        ReentrantLock l = new ReentrantLock(lock.equals("fair"));
        acquireRelease =
            () -> {
              l.lock();
              try {
                counter++;
                Blackhole.consumeCPU(WORK);
              } finally {
                l.unlock();
              }
            };
      }
      default -> throw new IllegalArgumentException(lock);
    }
  }

  @Benchmark
  @OperationsPerInvocation(OPS)
  public long handoff() throws InterruptedException {
    int each = OPS / threads;
    Runnable op = acquireRelease;
    Thread[] ts = new Thread[threads];
    for (int i = 0; i < threads; i++) {
      ts[i] =
          Thread.ofVirtual()
              .start(
                  () -> {
                    for (int k = 0; k < each; k++) {
                      op.run();
                      Blackhole.consumeCPU(WORK);
                    }
                  });
    }
    for (Thread t : ts) {
      t.join();
    }
    return counter;
  }
}
