package io.ledgerline.bench.compare;

/**
 * One row of the table: what is measured, its unit, which direction is better, and the goal for the
 * ratio Ledgerline / Kafka (default durability), if it sets one.
 *
 * @param goal      for a ratio goal: the bound on Ledgerline/Kafka (≥ when higher is better, ≤ otherwise);
 *                  for an absolute goal ({@code absolute}): the bound on Ledgerline's own median; NaN: no goal
 */
record Figure(String key, String label, boolean higherIsBetter, double goal, boolean absolute) {

    static Figure higher(String key, String label, double goalRatio) {
        return new Figure(key, label, true, goalRatio, false);
    }

    static Figure lower(String key, String label, double goalRatio) {
        return new Figure(key, label, false, goalRatio, false);
    }

    static Figure lowerAbsolute(String key, String label, double bound) {
        return new Figure(key, label, false, bound, true);
    }

    boolean hasGoal() {
        return !Double.isNaN(goal);
    }

    String goalText() {
        if (!hasGoal()) return "";
        if (absolute) return (higherIsBetter ? "> " : "< ") + Results.num(goal);
        return (higherIsBetter ? "≥ " : "≤ ") + goal + "×";
    }

    /** Whether Ledgerline's median meets the goal (null when there is no goal or no data). */
    Boolean met(double ledgerline, double kafka) {
        if (!hasGoal() || Double.isNaN(ledgerline)) return null;
        if (absolute) return higherIsBetter ? ledgerline > goal : ledgerline < goal;
        if (Double.isNaN(kafka) || kafka == 0) return null;
        double r = ledgerline / kafka;
        return higherIsBetter ? r >= goal : r <= goal;
    }
}
