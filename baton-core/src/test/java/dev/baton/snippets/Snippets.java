package dev.baton.snippets;

import dev.baton.Barrier;
import dev.baton.Baton;
import dev.baton.Body;
import dev.baton.BoundedSemaphore;
import dev.baton.Condition;
import dev.baton.DeadlockException;
import dev.baton.Event;
import dev.baton.EventLoop;
import dev.baton.Held;
import dev.baton.LifoQueue;
import dev.baton.Lock;
import dev.baton.PriorityQueue;
import dev.baton.Queue;
import dev.baton.QueueShutdownException;
import dev.baton.ReadWriteLock;
import dev.baton.Semaphore;
import dev.baton.Task;
import dev.baton.TaskGroup;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The usage examples of the public API's javadoc, as code that compiles and runs.
 *
 * <p>Each region between {@code @start} and {@code @end} markers is shown in the javadoc of a class
 * in {@code dev.baton} through a {@code snippet} tag that names this class and the region; javadoc
 * is run with {@code --snippet-path src/test/java} (see {@code baton-core/pom.xml}). This class
 * sits outside {@code dev.baton}, so an example can use only the public API, as a user's code
 * would. {@code SnippetsTest} runs every example on an event loop with virtual time and checks what
 * it prints, and checks that every region here is shown somewhere and every snippet tag finds its
 * region.
 *
 * <p>How to add or change an example: write it here, in a method (or in a local class in one),
 * between a start and an end marker like those below; show it from the javadoc with the same tag as
 * its neighbours; run and check it in {@code SnippetsTest}. What a region needs but a reader does
 * not (helpers such as {@link #fetch}, values handed back to the test) stays outside the markers.
 * Where the shown code must differ from the code that runs, a replace marker on the line before
 * says so; the only such case is {@code Baton.run}, which would sleep on the real clock in a test
 * and is {@link #runOnVirtualTime} here.
 *
 * <p>Region names are {@code class-face}: {@code lock-blocking}, {@code lock-async}.
 */
final class Snippets {
  private Snippets() {}

  // ------------------------------------------------------------------------------- Baton

  /** The entry point: {@code Baton.run} (on virtual time here), {@code gather}, an event. */
  static final class Program {
    private Program() {}

    // @start region=baton-blocking
    public static void main(String[] args) throws Exception {
      // @replace substring="runOnVirtualTime(" replacement="Baton.run(" :
      runOnVirtualTime(
          () -> {
            Event event = new Event();
            Baton.gather(
                () -> {
                  System.out.println("waiting");
                  event.await();
                  System.out.println("resumed");
                  return null;
                },
                () -> {
                  Baton.sleep(Duration.ofSeconds(2));
                  event.set();
                  return null;
                });
          });
    }
    // @end
  }

  // ------------------------------------------------------------------------------- EventLoop

  static Duration eventLoop() throws Exception {
    // @start region=eventloop-blocking
    EventLoop loop = EventLoop.withVirtualTime();
    String result =
        loop.run(
            () -> {
              Baton.sleep(Duration.ofMinutes(5)); // takes no real time
              return "done";
            });
    System.out.println(result + " after " + loop.elapsed()); // done after PT5M
    // @end
    return loop.elapsed();
  }

  // ------------------------------------------------------------------------------- Body

  static void body() throws Exception {
    // @start region=body-blocking
    Body hello =
        () -> {
          Baton.sleep(Duration.ofSeconds(1)); // a Body may throw checked exceptions
          System.out.println("hello");
        };
    // @replace substring="runOnVirtualTime(" replacement="Baton.run(" :
    runOnVirtualTime(hello);
    // @end
  }

  // ------------------------------------------------------------------------------- Task

  static Task<String> task(String url, String mirrorUrl) throws Exception {
    // @start region=task-blocking
    Task<String> page = Baton.spawn(() -> fetch(url));
    Task<String> mirror = Baton.spawn(() -> fetchSlowly(mirrorUrl));
    String html = page.get(); // waits for the task
    mirror.cancel(); // gives up on the other: its wait throws InterruptedException
    // @end
    System.out.println(html);
    return mirror;
  }

  // ------------------------------------------------------------------------------- TaskGroup

  record User(String name) {}

  record Order(String item) {}

  static void taskGroup(int id) throws Exception {
    // @start region=taskgroup-blocking
    Task<User> user;
    Task<List<Order>> orders;
    try (TaskGroup group = new TaskGroup()) {
      user = group.spawn(() -> loadUser(id));
      orders = group.spawn(() -> loadOrders(id));
    } // waits for both; if one fails, the other is cancelled and the failure is thrown here
    System.out.println(user.resultNow().name() + ": " + orders.resultNow().size() + " orders");
    // @end
  }

  // ------------------------------------------------------------------------------- Event

  static void eventBlocking() throws Exception {
    // @start region=event-blocking
    Event ready = new Event();
    Task<Void> waiter =
        Baton.spawn(
            () -> {
              ready.await(); // parks until the event is set
              System.out.println("go");
            });
    Baton.sleep(Duration.ofSeconds(1)); // meanwhile the waiter runs and parks
    ready.set(); // wakes every current waiter
    waiter.join();
    // @end
  }

  static CompletableFuture<Void> eventAsync() {
    // @start region=event-async
    Event ready = new Event();
    CompletableFuture<Void> go = ready.awaitAsync().thenRun(() -> System.out.println("go"));
    ready.set(); // completes the future, which runs the callback
    // @end
    return go;
  }

  // ------------------------------------------------------------------------------- Lock

  static long lockBlocking() throws Exception {
    // @start region=lock-blocking
    class Account {
      private final Lock lock = new Lock();
      private long balance;

      void deposit(long amount) throws InterruptedException {
        try (Held held = lock.hold()) { // async with lock:
          balance += amount;
        }
      }
    }
    // @end
    Account account = new Account();
    Baton.gather(
        () -> {
          account.deposit(10);
          return null;
        },
        () -> {
          account.deposit(20);
          return null;
        });
    return account.balance;
  }

  static long lockAsync() throws Exception {
    // @start region=lock-async
    class Account {
      private final Lock lock = new Lock();
      private long balance;

      CompletableFuture<Void> deposit(long amount) {
        return lock.acquireAsync() // parks nothing
            .thenAccept(
                held -> {
                  try (held) { // releases on whichever thread runs this callback
                    balance += amount;
                  }
                });
      }
    }
    // @end
    Account account = new Account();
    CompletableFuture.allOf(account.deposit(10), account.deposit(20)).join();
    return account.balance;
  }

  // ------------------------------------------------------------------------------- Semaphore

  static void semaphoreBlocking() throws Exception {
    // @start region=semaphore-blocking
    class Crawler {
      private final Semaphore connections = new Semaphore(10);

      String download(String url) throws InterruptedException {
        try (Held permit = connections.hold()) { // async with sem: at most 10 at once
          return fetch(url);
        }
      }
    }
    // @end
    Crawler crawler = new Crawler();
    try (TaskGroup group = new TaskGroup()) {
      for (int i = 0; i < 25; i++) {
        String url = "https://example.org/" + i;
        group.spawn(() -> crawler.download(url));
      }
    }
  }

  static List<String> semaphoreAsync() throws Exception {
    // @start region=semaphore-async
    class Crawler {
      private final Semaphore connections = new Semaphore(10);

      CompletableFuture<String> download(String url) {
        return connections
            .acquireAsync()
            .thenCompose(permit -> fetchAsync(url).whenComplete((page, e) -> permit.close()));
      }
    }
    // @end
    Crawler crawler = new Crawler();
    List<CompletableFuture<String>> pages = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      pages.add(crawler.download("https://example.org/" + i));
    }
    List<String> out = new ArrayList<>();
    for (CompletableFuture<String> p : pages) {
      out.add(p.join());
    }
    return out;
  }

  // -------------------------------------------------------------------------------
  // BoundedSemaphore

  static void boundedSemaphoreBlocking() throws Exception {
    // @start region=boundedsemaphore-blocking
    BoundedSemaphore pool = new BoundedSemaphore(2);
    pool.acquire();
    pool.release();
    pool.release(); // IllegalStateException: a permit given back twice; the semaphore is unchanged
    // @end
  }

  static CompletableFuture<Integer> boundedSemaphoreAsync() {
    BoundedSemaphore pool = new BoundedSemaphore(2);
    // @start region=boundedsemaphore-async
    CompletableFuture<Void> done =
        pool.acquireAsync()
            .thenAccept(
                permit -> {
                  permit.close();
                  permit.close(); // does nothing: a Held releases once, so it cannot over-release
                });
    // @end
    return done.thenApply(v -> pool.availablePermits());
  }

  // ------------------------------------------------------------------------------- Condition

  static String conditionBlocking() throws Exception {
    // @start region=condition-blocking
    Lock lock = new Lock();
    Condition notEmpty = new Condition(lock);
    Deque<String> jobs = new ArrayDeque<>();

    Task<String> consumer =
        Baton.spawn(
            () -> {
              try (Held held = notEmpty.hold()) {
                notEmpty.awaitUntil(() -> !jobs.isEmpty()); // wait_for(predicate)
                return jobs.removeFirst();
              }
            });
    try (Held held = notEmpty.hold()) { // the producer
      jobs.addLast("job 1");
      notEmpty.signal();
    }
    System.out.println(consumer.join()); // job 1
    // @end
    return consumer.resultNow();
  }

  static CompletableFuture<String> conditionAsync() throws Exception {
    Lock lock = new Lock();
    Condition notEmpty = new Condition(lock);
    Deque<String> jobs = new ArrayDeque<>();
    // @start region=condition-async
    lock.acquire(); // awaitAsync needs the lock, and lets go of it while it waits
    CompletableFuture<String> next =
        notEmpty
            .awaitAsync()
            .thenApply(
                held -> { // signalled, and the lock is ours again
                  try (held) {
                    return jobs.removeFirst();
                  }
                });
    // @end
    try (Held held = notEmpty.hold()) { // the producer, as in the blocking example
      jobs.addLast("job 1");
      notEmpty.signal();
    }
    return next;
  }

  // ------------------------------------------------------------------------------- Held

  static List<String> heldBlocking() throws Exception {
    Lock lock = new Lock();
    List<String> log = new ArrayList<>();
    String entry = "entry 1";
    // @start region=held-blocking
    try (Held held = lock.hold()) {
      log.add(entry);
    } // released here, also on exceptions
    // @end
    return log;
  }

  static CompletableFuture<Boolean> heldAsync() {
    Lock lock = new Lock();
    String entry = "entry 1";
    // @start region=held-async
    CompletableFuture<Void> saved =
        lock.acquireAsync()
            .thenCompose(held -> saveAsync(entry).whenComplete((r, e) -> held.close()));
    // @end
    return saved.thenApply(v -> lock.isLocked());
  }

  // -------------------------------------------------------------------------------
  // DeadlockException

  /** The report that DeadlockException's javadoc shows, relative to the snippet path. */
  static final String DEADLOCK_REPORT = "dev/baton/snippets/deadlock-report.txt";

  static void deadlock() throws Exception {
    // @start region=deadlockexception-blocking
    try {
      Baton.run(
          () -> {
            Condition itemReady = new Condition();
            Task<Void> consumer =
                Baton.spawn(
                    "consumer",
                    () -> {
                      try (Held held = itemReady.hold()) {
                        itemReady.await(); // the signal came before this wait: lost
                      }
                    });
            try (Held held = itemReady.hold()) {
              itemReady.signal(); // nobody waits yet
            }
            consumer.join();
          });
    } catch (DeadlockException e) {
      System.out.println(e.getMessage()); // names each stuck task, where it waits, and why
    }
    // @end
  }

  // ------------------------------------------------------------------------------- Barrier

  static void barrierBlocking() throws Exception {
    // @start region=barrier-blocking
    Barrier barrier = new Barrier(3);
    try (TaskGroup group = new TaskGroup()) {
      for (int part = 0; part < 3; part++) {
        int p = part;
        group.spawn(
            () -> {
              loadPart(p);
              int index = barrier.await(); // i = await barrier.wait()
              if (index == 0) {
                System.out.println("all parts loaded");
              }
            });
      }
    }
    // @end
  }

  static void barrierAsync() {
    // @start region=barrier-async
    Barrier pair = new Barrier(2);
    for (int i = 0; i < 2; i++) {
      pair.awaitAsync().thenAccept(index -> System.out.println("passed as party " + index));
    }
    // @end
  }

  // ------------------------------------------------------------------------------- Queue

  static void queueBlocking(List<String> seeds) throws Exception {
    // @start region=queue-blocking
    Queue<String> urls = new Queue<>(100); // bounded; new Queue<>() is unbounded
    try (TaskGroup group = new TaskGroup()) {
      group.spawn(
          () -> {
            for (String url : seeds) {
              urls.put(url); // waits while the queue is full
            }
            urls.shutdown(); // no more items: consumers drain the queue, then stop
          });
      group.spawn(
          () -> {
            try {
              while (true) {
                String url = urls.get(); // waits while the queue is empty
                try {
                  fetch(url);
                } finally {
                  urls.taskDone();
                }
              }
            } catch (QueueShutdownException done) {
              System.out.println("consumer done");
            }
          });
      urls.join(); // every item put has been marked taskDone()
    }
    // @end
  }

  static CompletableFuture<String> queueAsync() {
    Queue<String> urls = new Queue<>(100);
    // @start region=queue-async
    CompletableFuture<String> page =
        urls.getAsync() // parks nothing
            .thenCompose(url -> fetchAsync(url).whenComplete((r, e) -> urls.taskDone()));
    urls.putAsync("https://example.org/"); // hands the item straight to the waiting getter
    // @end
    return page.thenApply(p -> p + " " + urls.unfinishedTasks());
  }

  // ------------------------------------------------------------------------------- LifoQueue

  static CompletableFuture<String> lifoQueue() throws Exception {
    // @start region=lifoqueue-blocking
    LifoQueue<String> edits = new LifoQueue<>();
    edits.put("type a");
    edits.put("type b");
    System.out.println("undo " + edits.get()); // undo type b
    // @end
    // @start region=lifoqueue-async
    CompletableFuture<String> undone = edits.getAsync(); // the one left: type a
    // @end
    return undone;
  }

  // ------------------------------------------------------------------------------- PriorityQueue

  static CompletableFuture<Void> priorityQueue() throws Exception {
    // @start region=priorityqueue-blocking
    record Job(int priority, String name) {}
    PriorityQueue<Job> jobs = new PriorityQueue<>(Comparator.comparingInt(Job::priority));
    jobs.put(new Job(5, "report"));
    jobs.put(new Job(1, "page the on-call"));
    System.out.println(jobs.get()); // Job[priority=1, name=page the on-call]
    // @end
    // @start region=priorityqueue-async
    CompletableFuture<Void> next =
        jobs.getAsync().thenAccept(job -> System.out.println("running " + job.name()));
    // @end
    return next;
  }

  // -------------------------------------------------------------------------------
  // QueueShutdownException

  static void queueShutdown() throws Exception {
    // @start region=queueshutdownexception-blocking
    Queue<String> jobs = new Queue<>();
    jobs.put("job 1");
    jobs.shutdown(); // no more puts
    System.out.println(jobs.get()); // job 1: the items left are still served
    try {
      jobs.get();
    } catch (QueueShutdownException e) {
      System.out.println("shut down and empty");
    }
    // @end
  }

  // ------------------------------------------------------------------------------- ReadWriteLock

  static String readWriteLockBlocking() throws Exception {
    // @start region=readwritelock-blocking
    class Cache {
      private final ReadWriteLock rw = new ReadWriteLock();
      private final Map<String, String> entries = new HashMap<>();

      String get(String key) throws InterruptedException {
        try (Held read = rw.readHold()) { // many tasks at once
          return entries.get(key);
        }
      }

      void put(String key, String value) throws InterruptedException {
        try (Held write = rw.writeHold()) { // one task, nobody reading
          entries.put(key, value);
        }
      }
    }
    // @end
    Cache cache = new Cache();
    cache.put("k", "v");
    return cache.get("k");
  }

  static String readWriteLockAsync() {
    // @start region=readwritelock-async
    class Cache {
      private final ReadWriteLock rw = new ReadWriteLock();
      private final Map<String, String> entries = new HashMap<>();

      CompletableFuture<Void> put(String key, String value) {
        return rw.acquireWriteAsync() // parks nothing
            .thenAccept(
                held -> {
                  try (held) { // releases on whichever thread runs this callback
                    entries.put(key, value);
                  }
                });
      }
    }
    // @end
    Cache cache = new Cache();
    cache.put("k", "v").join();
    return cache.entries.get("k");
  }

  // ------------------------------------------------------------------------------- helpers

  /**
   * What the examples show as {@code Baton.run}: the same overloads, on a loop with virtual time,
   * so that a test does not sleep on the real clock.
   */
  static <T> T runOnVirtualTime(Callable<T> main) throws Exception {
    return EventLoop.withVirtualTime().run(main);
  }

  static void runOnVirtualTime(Body main) throws Exception {
    EventLoop.withVirtualTime().run(main);
  }

  /** Calls of {@link #fetch} running now, and the most at once since {@link #resetFetches}. */
  static final AtomicInteger fetching = new AtomicInteger();

  static final AtomicInteger mostFetching = new AtomicInteger();

  static void resetFetches() {
    fetching.set(0);
    mostFetching.set(0);
  }

  static String fetch(String url) throws InterruptedException {
    mostFetching.accumulateAndGet(fetching.incrementAndGet(), Math::max);
    try {
      Baton.sleep(Duration.ofMillis(100));
      return "<html>" + url + "</html>";
    } finally {
      fetching.decrementAndGet();
    }
  }

  static String fetchSlowly(String url) throws InterruptedException {
    Baton.sleep(Duration.ofMinutes(1));
    return fetch(url);
  }

  static CompletableFuture<String> fetchAsync(String url) {
    return CompletableFuture.completedFuture("<html>" + url + "</html>");
  }

  static CompletableFuture<Void> saveAsync(String entry) {
    return CompletableFuture.runAsync(() -> {});
  }

  static void loadPart(int part) throws InterruptedException {
    Baton.sleep(Duration.ofMillis(10 * (part + 1)));
  }

  static User loadUser(int id) throws InterruptedException {
    Baton.sleep(Duration.ofMillis(50));
    return new User("user " + id);
  }

  static List<Order> loadOrders(int id) throws InterruptedException {
    Baton.sleep(Duration.ofMillis(80));
    return List.of(new Order("book"), new Order("pen"));
  }
}
