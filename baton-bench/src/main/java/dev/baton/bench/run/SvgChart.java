package dev.baton.bench.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The ratios of a {@link Report} as a hand-written SVG bar chart: one group of horizontal bars per
 * workload, one bar per ratio, on a log scale around 1x (bars to the right: Baton is faster).
 */
final class SvgChart {
  private static final String[] COLORS = {"#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};
  private static final int WIDTH = 960;
  private static final int LEFT = 190;
  private static final int RIGHT = 70;
  private static final int TOP = 84;
  private static final int BAR = 14;
  private static final int GAP = 12;

  private final Report report;

  SvgChart(Report report) {
    this.report = report;
  }

  String render() {
    List<Report.Ratio> ratios = report.ratios();
    List<String> workloads = new ArrayList<>();
    for (String w : report.workloads()) {
      for (Report.Ratio r : ratios) {
        if (!Double.isNaN(report.ratio(r, w))) {
          workloads.add(w);
          break;
        }
      }
    }
    // the scale: whole decades around every ratio, at least 0.1x .. 10x
    double lo = 0.1;
    double hi = 10;
    for (String w : workloads) {
      for (Report.Ratio r : ratios) {
        double x = report.ratio(r, w);
        if (!Double.isNaN(x) && x > 0) {
          lo = Math.min(lo, Math.pow(10, Math.floor(Math.log10(x))));
          hi = Math.max(hi, Math.pow(10, Math.ceil(Math.log10(x))));
        }
      }
    }
    double logLo = Math.log10(lo);
    double logHi = Math.log10(hi);
    int plotW = WIDTH - LEFT - RIGHT;
    int group = Math.max(1, ratios.size()) * BAR + GAP;
    List<String> targets = new ArrayList<>();
    for (String t : report.targets()) {
      targets.addAll(wrap(t, 150));
    }
    int plotH = Math.max(group, workloads.size() * group);
    int height = TOP + plotH + 40 + 18 * targets.size() + 20;

    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0"
                + " %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n",
            WIDTH,
            height,
            WIDTH,
            height));
    sb.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    text(
        sb,
        LEFT,
        22,
        "start",
        "font-size=\"16\" font-weight=\"bold\"",
        "Baton vs baselines, same run (" + report.stamp + ")");
    text(
        sb,
        LEFT,
        40,
        "start",
        "fill=\"#555\"",
        "ops/s ratio, log scale; right of 1x = Baton faster"
            + (report.quick ? "; QUICK sizes" : "; DESIGN's sizes"));
    // legend
    int lx = LEFT;
    for (int i = 0; i < ratios.size(); i++) {
      sb.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%d\" y=\"52\" width=\"12\" height=\"12\" fill=\"%s\"/>%n",
              lx,
              COLORS[i % COLORS.length]));
      text(sb, lx + 16, 62, "start", "", ratios.get(i).label());
      lx += 30 + 7 * ratios.get(i).label().length();
    }
    // grid: one line per decade, labelled
    for (int e = (int) Math.round(logLo); e <= (int) Math.round(logHi); e++) {
      double x = LEFT + plotW * (e - logLo) / (logHi - logLo);
      sb.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"%s\"/>%n",
              x,
              TOP - 6,
              x,
              TOP + plotH,
              e == 0 ? "#000" : "#ccc",
              e == 0 ? "1.5" : "1"));
      text(sb, (int) Math.round(x), TOP + plotH + 16, "middle", "", decade(e));
    }
    // bars
    for (int wi = 0; wi < workloads.size(); wi++) {
      String w = workloads.get(wi);
      int gy = TOP + wi * group;
      text(sb, LEFT - 8, gy + (ratios.size() * BAR) / 2 + 4, "end", "", w);
      for (int ri = 0; ri < ratios.size(); ri++) {
        double r = report.ratio(ratios.get(ri), w);
        if (Double.isNaN(r) || r <= 0) {
          continue;
        }
        double x1 = LEFT + plotW * (0 - logLo) / (logHi - logLo);
        double x2 = LEFT + plotW * (Math.log10(r) - logLo) / (logHi - logLo);
        double x = Math.min(x1, x2);
        double wdt = Math.max(1, Math.abs(x2 - x1));
        int y = gy + ri * BAR;
        sb.append(
            String.format(
                Locale.ROOT,
                "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s %s:"
                    + " %s</title></rect>%n",
                x,
                y + 1,
                wdt,
                BAR - 2,
                COLORS[ri % COLORS.length],
                esc(ratios.get(ri).label()),
                esc(w),
                Report.times(r)));
        boolean right = r >= 1;
        text(
            sb,
            (int) Math.round(right ? x2 + 4 : x2 - 4),
            y + BAR - 3,
            right ? "start" : "end",
            "font-size=\"11\"",
            Report.times(r));
      }
    }
    // targets
    int ty = TOP + plotH + 44;
    text(
        sb,
        20,
        ty,
        "start",
        "font-weight=\"bold\"",
        report.quick
            ? "Targets (DESIGN, Performance) -- QUICK sizes, not a measurement of them:"
            : "Targets (DESIGN, Performance):");
    for (String t : targets) {
      ty += 18;
      text(sb, 30, ty, "start", t.startsWith("MET") ? "fill=\"#176d17\"" : "fill=\"#b00\"", t);
    }
    sb.append("</svg>\n");
    return sb.toString();
  }

  /** Splits a long line after ", " so it fits; continuation lines are indented. */
  static List<String> wrap(String line, int width) {
    List<String> out = new ArrayList<>();
    String prefix = line.startsWith("MET") ? "MET" : "MISSED";
    String rest = line;
    while (rest.length() > width) {
      int cut = rest.lastIndexOf(", ", width);
      if (cut <= 0) {
        break;
      }
      out.add(rest.substring(0, cut + 1));
      rest = prefix + " (cont.): " + rest.substring(cut + 2);
    }
    out.add(rest);
    return out;
  }

  private static String decade(int e) {
    if (e >= 0) {
      return String.format(Locale.ROOT, "%.0fx", Math.pow(10, e));
    }
    return String.format(Locale.ROOT, "%." + (-e) + "fx", Math.pow(10, e));
  }

  private static void text(
      StringBuilder sb, int x, int y, String anchor, String attrs, String content) {
    sb.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\" %s>%s</text>%n",
            x,
            y,
            anchor,
            attrs,
            esc(content)));
  }

  static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
