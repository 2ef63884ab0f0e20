package io.ledgerline.broker;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The package dependencies that docs/architecture.md ("Package dependencies") draws: no cycles between the
 * feature packages of {@code io.ledgerline.broker}, each package depending only on the ones its row names,
 * none on the root package (the wiring), and {@code log} on no broker code. Main classes only.
 */
@AnalyzeClasses(packages = {"io.ledgerline.broker", "io.ledgerline.log"},
        importOptions = {ImportOption.DoNotIncludeTests.class, PackageRulesTest.NoTestJars.class})
class PackageRulesTest {
    private static final String BROKER = "io.ledgerline.broker";

    /** The table of docs/architecture.md: package -> the other broker packages it may depend on. */
    private static final Map<String, Set<String>> MAY_DEPEND_ON = Map.ofEntries(
            Map.entry("config", Set.of()),
            Map.entry("protocol", Set.of()),
            Map.entry("coordinator", Set.of()),
            Map.entry("topic", Set.of("coordinator")),
            Map.entry("pipeline", Set.of("protocol", "config")),
            Map.entry("net", Set.of("protocol", "pipeline")),
            Map.entry("fetch", Set.of("protocol", "topic")),
            Map.entry("produce", Set.of("protocol", "topic")),
            Map.entry("metadata", Set.of("protocol", "topic")),
            Map.entry("group", Set.of("protocol", "topic", "metadata", "coordinator")),
            Map.entry("admin", Set.of("protocol", "topic", "metadata", "config")),
            Map.entry("txn", Set.of("protocol", "topic", "group", "produce", "coordinator")));

    /** The log test-jar is on the test classpath when the broker module is built alone. */
    static final class NoTestJars implements ImportOption {
        @Override
        public boolean includes(com.tngtech.archunit.core.importer.Location location) {
            return !location.contains("-tests.jar");
        }
    }

    @ArchTest
    static final ArchRule feature_packages_are_free_of_cycles =
            slices().matching(BROKER + ".(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule each_package_depends_only_on_the_packages_its_row_names = dependencyRules();

    @ArchTest
    static final ArchRule log_imports_no_broker_code =
            noClasses().that().resideInAPackage("io.ledgerline.log..")
                    .should().dependOnClassesThat().resideInAPackage(BROKER + "..");

    /** A new package must get its row in the doc's table (and here) before it can be used. */
    @ArchTest
    static void the_table_names_every_package(JavaClasses classes) {
        Set<String> found = new TreeSet<>();
        for (JavaClass c : classes) {
            String pkg = c.getPackageName();
            if (pkg.startsWith(BROKER + ".")) {
                found.add(pkg.substring(BROKER.length() + 1).split("\\.")[0]);
            }
        }
        assertEquals(new TreeSet<>(MAY_DEPEND_ON.keySet()), found,
                "packages of io.ledgerline.broker vs the table in docs/architecture.md (Package dependencies)");
    }

    private static ArchRule dependencyRules() {
        List<ArchRule> rules = new ArrayList<>();
        for (var row : MAY_DEPEND_ON.entrySet()) {
            String pkg = row.getKey();
            List<String> forbidden = new ArrayList<>();
            forbidden.add(BROKER); // the root package (Broker, Apis): the wiring, used by nobody
            for (String other : MAY_DEPEND_ON.keySet()) {
                if (!other.equals(pkg) && !row.getValue().contains(other)) {
                    forbidden.add(BROKER + "." + other + "..");
                }
            }
            rules.add(noClasses().that().resideInAPackage(BROKER + "." + pkg + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(forbidden.toArray(String[]::new))
                    .as(pkg + " depends only on " + new TreeSet<>(row.getValue())));
        }
        return CompositeArchRule.of(rules);
    }
}
