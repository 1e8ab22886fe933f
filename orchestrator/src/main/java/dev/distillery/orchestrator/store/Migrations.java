package dev.distillery.orchestrator.store;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.resource.LoadableResource;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The schema's Flyway migrations. They are listed here by name instead of found by classpath scanning, because
 * scanning a folder inside a jar depends on the class loader (Quarkus' runner jar, a test runner), and a missed
 * migration would silently leave an empty schema. A test checks that this list and the folder agree.
 */
final class Migrations {

    static final String LOCATION = "db/migration";
    /** Every migration, in order. Add new files here. */
    static final List<String> FILES = List.of("V1__run_store.sql");

    private Migrations() {
    }

    /**
     * Brings the schema at {@code jdbcUrl} up to date; a no-op on an up-to-date database. Flyway opens and closes its
     * own connection; the caller keeps one open so the embedded database stays open in between.
     */
    static void migrate(String jdbcUrl, String user, String password) {
        Flyway.configure(Migrations.class.getClassLoader())
                .dataSource(jdbcUrl, user, password)
                .resourceProvider(new ListedResources())
                .locations("classpath:" + LOCATION)
                .cleanDisabled(true)
                .load()
                .migrate();
    }

    private static final class ListedResources implements ResourceProvider {

        @Override
        public LoadableResource getResource(String name) {
            return FILES.contains(name) ? new ClasspathMigration(name) : null;
        }

        @Override
        public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
            return FILES.stream()
                    .filter(name -> name.startsWith(prefix) && Arrays.stream(suffixes).anyMatch(name::endsWith))
                    .<LoadableResource>map(ClasspathMigration::new)
                    .toList();
        }
    }

    private static final class ClasspathMigration extends LoadableResource {

        private final String name;

        ClasspathMigration(String name) {
            this.name = name;
        }

        @Override
        public Reader read() {
            InputStream in = Migrations.class.getClassLoader().getResourceAsStream(LOCATION + "/" + name);
            return new InputStreamReader(Objects.requireNonNull(in, "migration missing from the classpath: " + LOCATION + "/" + name),
                    StandardCharsets.UTF_8);
        }

        @Override
        public String getAbsolutePath() {
            return LOCATION + "/" + name;
        }

        @Override
        public String getAbsolutePathOnDisk() {
            return getAbsolutePath();
        }

        @Override
        public String getFilename() {
            return name;
        }

        @Override
        public String getRelativePath() {
            return name;
        }
    }
}
