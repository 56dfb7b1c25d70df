package dev.baton.bench.jmh;

import dev.baton.Baton;
import dev.baton.Event;
import dev.baton.EventLoop;
import dev.baton.Task;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Event set/await. {@code awaitSet*}: awaiting an event that is already set (the fast path). {@code
 * pingPong*}: two tasks wake each other {@value #ROUNDS} times through fresh one-shot events (A
 * sets, B awaits then sets back, A awaits), reported per round trip (two wake-ups), on virtual
 * threads against {@code CountDownLatch(1)}, and as two tasks of an event loop.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EventBench {
  static final int ROUNDS = 10_000;

  private final Event set = new Event();
  private final CountDownLatch open = new CountDownLatch(0);

  {
    set.set();
  }

  @Benchmark
  public boolean awaitSetBaton() throws InterruptedException {
    set.await();
    return set.isSet();
  }

  @Benchmark
  public long awaitSetLatch() throws InterruptedException {
    open.await();
    return open.getCount();
  }

  /** Fresh events for one invocation: ping[i] A to B, pong[i] B to A. */
  private static Event[] events(int n) {
    Event[] e = new Event[n];
    for (int i = 0; i < n; i++) {
      e[i] = new Event();
    }
    return e;
  }

  private static CountDownLatch[] latches(int n) {
    CountDownLatch[] l = new CountDownLatch[n];
    for (int i = 0; i < n; i++) {
      l[i] = new CountDownLatch(1);
    }
    return l;
  }

  @Benchmark
  @OperationsPerInvocation(ROUNDS)
  public void pingPongBatonVirtualThreads() throws Exception {
    Event[] ping = events(ROUNDS);
    Event[] pong = events(ROUNDS);
    Thread b =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    for (int i = 0; i < ROUNDS; i++) {
                      ping[i].await();
                      pong[i].set();
                    }
                  } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                  }
                });
    for (int i = 0; i < ROUNDS; i++) {
      ping[i].set();
      pong[i].await();
    }
    b.join();
  }

  @Benchmark
  @OperationsPerInvocation(ROUNDS)
  public void pingPongLatchVirtualThreads() throws Exception {
    CountDownLatch[] ping = latches(ROUNDS);
    CountDownLatch[] pong = latches(ROUNDS);
    Thread b =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    for (int i = 0; i < ROUNDS; i++) {
                      ping[i].await();
                      pong[i].countDown();
                    }
                  } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                  }
                });
    for (int i = 0; i < ROUNDS; i++) {
      ping[i].countDown();
      pong[i].await();
    }
    b.join();
  }

  @Benchmark
  @OperationsPerInvocation(ROUNDS)
  public void pingPongBatonLoop() throws Exception {
    Event[] ping = events(ROUNDS);
    Event[] pong = events(ROUNDS);
    EventLoop.create()
        .run(
            () -> {
              Task<Void> b =
                  Baton.spawn(
                      () -> {
                        for (int i = 0; i < ROUNDS; i++) {
                          ping[i].await();
                          pong[i].set();
                        }
                      });
              for (int i = 0; i < ROUNDS; i++) {
                ping[i].set();
                pong[i].await();
              }
              b.join();
            });
  }
}
