package io.ledgerline.bench.compare;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every sample of every figure for every system, and the table of their medians with min and max. */
final class Results {
    private final Map<String, Map<Target, List<Double>>> samples = new LinkedHashMap<>();
    private final List<String> errors = new ArrayList<>();

    synchronized void add(String key, Target t, double value) {
        samples.computeIfAbsent(key, k -> new EnumMap<>(Target.class)).computeIfAbsent(t, k -> new ArrayList<>()).add(value);
    }

    synchronized void error(String message) {
        errors.add(message);
    }

    synchronized List<String> errors() {
        return List.copyOf(errors);
    }

    synchronized List<Double> get(String key, Target t) {
        return samples.getOrDefault(key, Map.of()).getOrDefault(t, List.of());
    }

    double median(String key, Target t) {
        List<Double> v = new ArrayList<>(get(key, t));
        if (v.isEmpty()) return Double.NaN;
        Collections.sort(v);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    String cell(String key, Target t) {
        List<Double> v = get(key, t);
        if (v.isEmpty()) return "—";
        double min = Collections.min(v);
        double max = Collections.max(v);
        String m = num(median(key, t));
        return v.size() == 1 ? m : m + " (" + num(min) + "–" + num(max) + ")";
    }

    /** The markdown table: figure, the three systems, ratio Ledgerline/Kafka, goal. */
    String table(List<Figure> figures) {
        return table(figures, java.util.EnumSet.allOf(Target.class));
    }

    /**
     * The table with the columns of {@code shown} only (Ledgerline and Kafka are always shown); with the baseline, two
     * more columns at the end: the baseline build and the ratio Ledgerline/baseline.
     */
    String table(List<Figure> figures, java.util.Set<Target> shown) {
        boolean fsync = shown.contains(Target.KAFKA_FSYNC);
        boolean baseline = shown.contains(Target.BASELINE);
        StringBuilder s = new StringBuilder();
        s.append("| figure | ").append(Target.LEDGERLINE.header()).append(" | ").append(Target.KAFKA.header())
                .append(fsync ? " | " + Target.KAFKA_FSYNC.header() : "").append(" | ratio Ledgerline/Kafka | goal |")
                .append(baseline ? " " + Target.BASELINE.header() + " | ratio Ledgerline/baseline |" : "").append('\n');
        s.append("|---|---|---|---|---|").append(fsync ? "---|" : "").append(baseline ? "---|---|" : "").append('\n');
        for (Figure f : figures) {
            double ll = median(f.key(), Target.LEDGERLINE);
            double k = median(f.key(), Target.KAFKA);
            String ratio = Double.isNaN(ll) || Double.isNaN(k) || k == 0 ? "—" : String.format("%.2f", ll / k);
            Boolean met = f.met(ll, k);
            String goal = f.hasGoal() ? f.goalText() + (met == null ? "" : met ? " met" : " **missed**") : "";
            s.append("| ").append(f.label()).append(" | ").append(cell(f.key(), Target.LEDGERLINE)).append(" | ")
                    .append(cell(f.key(), Target.KAFKA)).append(fsync ? " | " + cell(f.key(), Target.KAFKA_FSYNC) : "")
                    .append(" | ").append(ratio).append(" | ").append(goal).append(" |");
            if (baseline) {
                double b = median(f.key(), Target.BASELINE);
                s.append(' ').append(cell(f.key(), Target.BASELINE)).append(" | ")
                        .append(Double.isNaN(ll) || Double.isNaN(b) || b == 0 ? "—" : String.format("%.2f", ll / b)).append(" |");
            }
            s.append('\n');
        }
        return s.toString();
    }

    static String num(double v) {
        if (Double.isNaN(v)) return "—";
        double a = Math.abs(v);
        if (a >= 100) return String.format("%.0f", v);
        if (a >= 10) return String.format("%.1f", v);
        if (a >= 1) return String.format("%.2f", v);
        return String.format("%.3f", v);
    }
}
