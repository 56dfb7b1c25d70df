package dev.baton.snippets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.EventLoop;
import dev.baton.Task;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs every javadoc example in {@link Snippets} on an event loop with virtual time (no real
 * sleeping) and checks what it does and prints; and checks that the javadoc of {@code dev.baton}
 * shows only compiled examples: every snippet tag finds its region or file, every region is shown,
 * and no uncompiled {@code <pre>{@code ...}} or inline snippet is left.
 */
class SnippetsTest {
  private static final Path API = Path.of("src/main/java/dev/baton");
  private static final Path SNIPPET_PATH = Path.of("src/test/java");
  private static final Path SNIPPETS = SNIPPET_PATH.resolve("dev/baton/snippets/Snippets.java");
  private static final String SNIPPETS_CLASS = "dev.baton.snippets.Snippets";

  @BeforeEach
  void reset() {
    Snippets.resetFetches();
  }

  // ---------------------------------------------------------------- the examples run

  @Test
  void baton_gatherAndEvent_printsInOrder() throws Exception {
    String out = printed(() -> Snippets.Program.main(new String[0]));
    assertEquals(List.of("waiting", "resumed"), out.lines().toList());
  }

  @Test
  void eventLoop_virtualTime_fiveMinutesPassInstantly() throws Exception {
    long start = System.nanoTime();
    String out = printed(Snippets::eventLoop);
    assertEquals("done after PT5M", out.strip());
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(30).toNanos());
  }

  @Test
  void body_runsAsBaton() throws Exception {
    assertEquals("hello", printed(Snippets::body).strip());
  }

  @Test
  void task_getWaits_cancelGivesUpTheOther() throws Exception {
    EventLoop loop = EventLoop.withVirtualTime();
    Task<String> mirror = onLoop(loop, () -> Snippets.task("https://a.example", "https://b"));
    assertTrue(mirror.isCancelled());
    assertEquals("<html>https://a.example</html>", lastOut);
    assertEquals(Duration.ofMillis(100), loop.elapsed());
  }

  @Test
  void taskGroup_closeWaitsForBoth() throws Exception {
    EventLoop loop = EventLoop.withVirtualTime();
    runOnLoop(loop, () -> Snippets.taskGroup(7));
    assertEquals("user 7: 2 orders", lastOut);
    assertEquals(Duration.ofMillis(80), loop.elapsed(), "the two loads ran concurrently");
  }

  @Test
  void event_blocking_wakesTheWaiter() throws Exception {
    EventLoop loop = EventLoop.withVirtualTime();
    runOnLoop(loop, Snippets::eventBlocking);
    assertEquals("go", lastOut);
    assertEquals(Duration.ofSeconds(1), loop.elapsed());
  }

  @Test
  void event_async_completesOnSet() throws Exception {
    CompletableFuture<Void> go = onLoop(EventLoop.withVirtualTime(), Snippets::eventAsync);
    assertTrue(go.isDone());
    assertEquals("go", lastOut);
  }

  @Test
  void lock_blocking_depositsBoth() throws Exception {
    assertEquals(30L, onLoop(EventLoop.withVirtualTime(), Snippets::lockBlocking));
  }

  @Test
  void lock_async_depositsBoth() throws Exception {
    assertEquals(30L, onLoop(EventLoop.withVirtualTime(), Snippets::lockAsync));
  }

  @Test
  void semaphore_blocking_atMostTenAtOnce() throws Exception {
    EventLoop loop = EventLoop.withVirtualTime();
    runOnLoop(loop, Snippets::semaphoreBlocking);
    assertEquals(10, Snippets.mostFetching.get());
    assertEquals(Duration.ofMillis(300), loop.elapsed(), "25 downloads, 10 at a time");
  }

  @Test
  void semaphore_async_downloads() throws Exception {
    List<String> pages = onLoop(EventLoop.withVirtualTime(), Snippets::semaphoreAsync);
    assertEquals("<html>https://example.org/2</html>", pages.get(2));
    assertEquals(3, pages.size());
  }

  @Test
  void boundedSemaphore_blocking_extraReleaseThrows() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> runOnLoop(EventLoop.withVirtualTime(), Snippets::boundedSemaphoreBlocking));
    assertTrue(e.getMessage().contains("released too many times"), e.getMessage());
  }

  @Test
  void boundedSemaphore_async_secondCloseDoesNothing() throws Exception {
    assertEquals(2, onLoop(EventLoop.withVirtualTime(), Snippets::boundedSemaphoreAsync).join());
  }

  @Test
  void condition_blocking_consumerGetsTheJob() throws Exception {
    assertEquals("job 1", onLoop(EventLoop.withVirtualTime(), Snippets::conditionBlocking));
    assertEquals("job 1", lastOut);
  }

  @Test
  void condition_async_completesWithTheLockAfterTheSignal() throws Exception {
    CompletableFuture<String> next = onLoop(EventLoop.withVirtualTime(), Snippets::conditionAsync);
    assertEquals("job 1", next.join());
  }

  @Test
  void held_blocking_releases() throws Exception {
    assertEquals(List.of("entry 1"), onLoop(EventLoop.withVirtualTime(), Snippets::heldBlocking));
  }

  @Test
  void held_async_releasesAfterTheSave() throws Exception {
    assertFalse(onLoop(EventLoop.withVirtualTime(), Snippets::heldAsync).join(), "released");
  }

  @Test
  void barrier_blocking_firstArrivalReportsOnce() throws Exception {
    EventLoop loop = EventLoop.withVirtualTime();
    runOnLoop(loop, Snippets::barrierBlocking);
    assertEquals("all parts loaded", lastOut);
    assertEquals(Duration.ofMillis(30), loop.elapsed(), "all pass when the slowest arrives");
  }

  @Test
  void barrier_async_bothPartiesPass() throws Exception {
    runOnLoop(EventLoop.withVirtualTime(), Snippets::barrierAsync);
    assertEquals(
        List.of("passed as party 0", "passed as party 1"), allOut.stream().sorted().toList());
  }

  @Test
  void queue_blocking_consumerDrainsThenStops() throws Exception {
    EventLoop loop = EventLoop.withVirtualTime();
    List<String> seeds = List.of("https://a", "https://b", "https://c");
    runOnLoop(loop, () -> Snippets.queueBlocking(seeds));
    assertEquals("consumer done", lastOut);
    assertEquals(Duration.ofMillis(300), loop.elapsed(), "three fetches, one at a time");
  }

  @Test
  void queue_async_getterGetsThePut_andMarksItDone() throws Exception {
    CompletableFuture<String> page = onLoop(EventLoop.withVirtualTime(), Snippets::queueAsync);
    assertEquals("<html>https://example.org/</html> 0", page.join());
  }

  @Test
  void lifoQueue_lastInFirstOut() throws Exception {
    CompletableFuture<String> left = onLoop(EventLoop.withVirtualTime(), Snippets::lifoQueue);
    assertEquals("undo type b", lastOut);
    assertEquals("type a", left.join());
  }

  @Test
  void priorityQueue_lowestFirst() throws Exception {
    CompletableFuture<Void> next = onLoop(EventLoop.withVirtualTime(), Snippets::priorityQueue);
    assertTrue(next.isDone());
    assertEquals("running report", lastOut);
  }

  @Test
  void queueShutdownException_itemsLeftAreServedFirst() throws Exception {
    runOnLoop(EventLoop.withVirtualTime(), Snippets::queueShutdown);
    assertEquals("shut down and empty", lastOut);
  }

  @Test
  void readWriteLock_blockingAndAsync() throws Exception {
    assertEquals("v", onLoop(EventLoop.withVirtualTime(), Snippets::readWriteLockBlocking));
    assertEquals("v", onLoop(EventLoop.withVirtualTime(), Snippets::readWriteLockAsync));
  }

  /**
   * The report shown in DeadlockException's javadoc is what its example prints, with the example's
   * lines numbered as shown (line 1 is the region's first line) in a file called Main.java.
   */
  @Test
  void deadlockException_reportMatchesTheJavadoc() throws Exception {
    String out = printed(Snippets::deadlock);
    List<String> lines = Files.readAllLines(SNIPPETS);
    int start = 0;
    while (!lines.get(start).contains("@start region=deadlockexception-blocking")) {
      start++;
    }
    int offset = start + 1; // 1-based line of the marker; the region starts on the next line
    Matcher site = Pattern.compile("Snippets\\.java:(\\d+)").matcher(out);
    StringBuilder shownAs = new StringBuilder();
    while (site.find()) {
      site.appendReplacement(shownAs, "Main.java:" + (Integer.parseInt(site.group(1)) - offset));
    }
    site.appendTail(shownAs);
    String shown = Files.readString(SNIPPET_PATH.resolve(Snippets.DEADLOCK_REPORT));
    assertEquals(shown.strip(), shownAs.toString().strip());
  }

  // ---------------------------------------------------------------- the javadoc shows them

  private static final Pattern SNIPPET_TAG = Pattern.compile("\\{@snippet\\b([^}]*)}");
  private static final Pattern ATTRIBUTE = Pattern.compile("(\\w+)\\s*=\\s*\"?([^\\s\"}]+)\"?");
  private static final Pattern REGION_START =
      Pattern.compile("//\\s*@start\\s+region\\s*=\\s*\"?([^\\s\"]+)\"?");

  /** Every region of Snippets.java is shown, every snippet tag finds its region or file. */
  @Test
  void javadoc_everySnippetTagHasItsRegion_andEveryRegionIsShown() throws IOException {
    Set<String> regions = new TreeSet<>();
    Matcher m = REGION_START.matcher(Files.readString(SNIPPETS));
    while (m.find()) {
      assertTrue(regions.add(m.group(1)), "region defined twice: " + m.group(1));
    }
    Set<String> shown = new TreeSet<>();
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> api : apiSources().entrySet()) {
      for (Map<String, String> tag : snippetTags(api.getValue())) {
        String where = api.getKey() + ": " + tag;
        if (tag.containsKey("file")) {
          if (!Files.isRegularFile(SNIPPET_PATH.resolve(tag.get("file")))) {
            problems.add(where + " names a file that is not in " + SNIPPET_PATH);
          }
        } else if (!SNIPPETS_CLASS.equals(tag.get("class"))) {
          problems.add(where + " is not an external snippet of " + SNIPPETS_CLASS);
        } else if (!regions.contains(tag.get("region"))) {
          problems.add(where + " names a region that Snippets.java does not have");
        } else {
          shown.add(tag.get("region"));
        }
      }
    }
    Set<String> unshown = new TreeSet<>(regions);
    unshown.removeAll(shown);
    if (!unshown.isEmpty()) {
      problems.add("regions of Snippets.java that no javadoc shows: " + unshown);
    }
    assertEquals(List.of(), problems);
  }

  /** Each replace marker's substring is on the line it applies to (else javadoc shows it as is). */
  @Test
  void snippets_everyReplaceMarkerMatchesItsLine() throws IOException {
    Pattern marker = Pattern.compile("//\\s*@replace\\s+substring\\s*=\\s*\"([^\"]+)\".*:\\s*$");
    List<String> lines = Files.readAllLines(SNIPPETS);
    int markers = 0;
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = marker.matcher(lines.get(i));
      if (m.find()) {
        markers++;
        assertTrue(
            lines.get(i + 1).contains(m.group(1)),
            "Snippets.java:" + (i + 2) + " should contain " + m.group(1));
      }
    }
    assertTrue(markers > 0, "no replace marker found: is the pattern out of date?");
  }

  /**
   * Usage examples in the public API are compiled snippets: no {@code <pre>{@code ...}} block and
   * no inline {@code {@snippet : ...}} (neither is compiled), every public type shows at least one
   * example, and a type with a {@code CompletableFuture} face shows an async one too.
   */
  @Test
  void javadoc_examplesAreCompiledSnippets_blockingAndAsync() throws IOException {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> api : apiSources().entrySet()) {
      String file = api.getKey();
      String source = api.getValue();
      if (source.contains("<pre>{@code")) {
        problems.add(
            file
                + ": <pre>{@code ...} example; move it to Snippets.java as a region and show it"
                + " with {@snippet class="
                + SNIPPETS_CLASS
                + " region=...}");
      }
      if (Pattern.compile("\\{@snippet[^}]*:").matcher(source).find()) {
        problems.add(file + ": inline {@snippet : ...} is not compiled; use a Snippets region");
      }
      List<Map<String, String>> tags = snippetTags(source);
      if (tags.isEmpty()) {
        problems.add(file + ": public type without a usage example");
      }
      boolean async = tags.stream().anyMatch(t -> t.getOrDefault("region", "").endsWith("-async"));
      if (source.matches("(?s).*\\n  public [^\\n]*CompletableFuture<[^\\n]*\\(.*") && !async) {
        problems.add(file + ": has a CompletableFuture face but no -async example");
      }
    }
    assertEquals(List.of(), problems);
  }

  /** The public top-level types of {@code dev.baton}, by file name, with their sources. */
  private static Map<String, String> apiSources() throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.list(API)) {
      for (Path p : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String source = Files.readString(p);
        if (source.matches("(?s).*\\npublic [^\\n]*(class|interface|record|enum) .*")) {
          out.put(p.getFileName().toString(), source);
        }
      }
    }
    assertFalse(out.isEmpty(), "no sources under " + API.toAbsolutePath());
    return out;
  }

  /** The attributes of each snippet tag in the javadoc of {@code source}. */
  private static List<Map<String, String>> snippetTags(String source) {
    String text = source.replaceAll("(?m)^\\s*\\*", " "); // a tag may wrap across comment lines
    List<Map<String, String>> out = new ArrayList<>();
    Matcher tag = SNIPPET_TAG.matcher(text);
    while (tag.find()) {
      Map<String, String> attributes = new TreeMap<>();
      Matcher a = ATTRIBUTE.matcher(tag.group(1));
      while (a.find()) {
        attributes.put(a.group(1), a.group(2));
      }
      out.add(attributes);
    }
    return out;
  }

  // ---------------------------------------------------------------- running

  /** The lines the last {@link #onLoop} call printed, and the last of them. */
  private List<String> allOut;

  private String lastOut;

  /** Runs {@code body} as the main task of {@code loop}, capturing what it prints. */
  private <T> T onLoop(EventLoop loop, Callable<T> body) throws Exception {
    List<T> result = new ArrayList<>();
    String out =
        printed(
            () -> {
              result.add(loop.run(body));
            });
    List<String> lines = out.lines().toList();
    allOut = lines;
    lastOut = lines.isEmpty() ? null : lines.get(lines.size() - 1);
    return result.get(0);
  }

  private void runOnLoop(EventLoop loop, Action body) throws Exception {
    onLoop(
        loop,
        () -> {
          body.run();
          return null;
        });
  }

  interface Action {
    void run() throws Exception;
  }

  /** What {@code action} printed to {@code System.out}, from any thread. */
  private static String printed(Action action) throws Exception {
    PrintStream saved = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.out.flush();
      System.setOut(saved);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
