package dev.kgraph.tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.internal.helpers.HostnamePort;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.kernel.internal.Version;
import org.neo4j.logging.Level;
import org.neo4j.logging.log4j.Log4jLogProvider;

/**
 * Starts an embedded Neo4j Community DBMS with only the Bolt connector, for tests.
 *
 * <p>Prints one line on stdout when the default database accepts queries:
 * {@code NEO4J_READY bolt://127.0.0.1:PORT version=5.26.30 startup=3.2s auth=basic home=DIR}
 * and {@code NEO4J_STOPPED} after a clean shutdown (SIGTERM, SIGINT, or stdin closing with
 * {@code --watch-stdin}). Errors go to stderr with exit code 2 (usage) or 1 (startup failed).
 * The password is never printed.
 */
public final class Neo4jLauncher {

    private static final String USAGE = String.join("\n",
            "usage: java -Xmx512m -jar neo4j-launcher.jar [options]",
            "  --port N            Bolt port on the listen host; 0 picks a free port (default 7687)",
            "  --host ADDR         listen address (default 127.0.0.1)",
            "  --auth none         disable authentication (default: enabled)",
            "  --password SECRET   password of user neo4j (visible in ps; prefer --password-env)",
            "  --password-env VAR  read the password of user neo4j from environment variable VAR",
            "  --home DIR          Neo4j home: store in DIR/data, logs in DIR/logs (kept; default:",
            "                      a temporary directory deleted on exit)",
            "  --pagecache SIZE    page cache size, e.g. 128m, 1g (default 128m)",
            "  --log-level LEVEL   level of the log written to stderr: DEBUG, INFO, WARN, ERROR (default WARN)",
            "  --watch-stdin       shut down when stdin reaches end of file (the parent died or closed it)",
            "Heap is the JVM's: pass -Xmx (512m is plenty for tests).");

    private Neo4jLauncher() {
    }

    /** Parsed command line. */
    static final class Options {
        String host = "127.0.0.1";
        int port = 7687;
        boolean authEnabled = true;
        String password;
        Path home;
        long pageCacheBytes = ByteUnit.mebiBytes(128);
        Level logLevel = Level.WARN;
        boolean watchStdin;
    }

    public static void main(String[] args) {
        Options opts;
        try {
            opts = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("neo4j-launcher: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        try {
            run(opts);
        } catch (Throwable e) {
            // Any message could in theory quote the password (ALTER USER); scrub it.
            System.err.println("neo4j-launcher: startup failed: " + scrub(describe(e), opts.password));
            System.exit(1);
        }
    }

    static Options parse(String[] args) {
        Options o = new Options();
        String passwordEnv = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--watch-stdin":
                    o.watchStdin = true;
                    continue;
                case "-h":
                case "--help":
                    System.out.println(USAGE);
                    System.exit(0);
                    return o;
                default:
                    break;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--port":
                    o.port = parsePort(v);
                    break;
                case "--host":
                    o.host = v;
                    break;
                case "--auth":
                    if (!v.equals("none")) {
                        throw new IllegalArgumentException("--auth takes only 'none'");
                    }
                    o.authEnabled = false;
                    break;
                case "--password":
                    o.password = v;
                    break;
                case "--password-env":
                    passwordEnv = v;
                    break;
                case "--home":
                    o.home = Path.of(v).toAbsolutePath();
                    break;
                case "--pagecache":
                    o.pageCacheBytes = parseSize(v);
                    break;
                case "--log-level":
                    o.logLevel = Level.valueOf(v.toUpperCase(Locale.ROOT));
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (passwordEnv != null) {
            String p = System.getenv(passwordEnv);
            if (p == null || p.isEmpty()) {
                throw new IllegalArgumentException("environment variable " + passwordEnv + " is empty or unset");
            }
            o.password = p;
        }
        if (!o.authEnabled && o.password != null) {
            throw new IllegalArgumentException("--auth none and a password exclude each other");
        }
        if (o.authEnabled && o.password == null) {
            throw new IllegalArgumentException("give --auth none, --password SECRET or --password-env VAR");
        }
        // Neo4j's own minimum (dbms.security.auth_minimum_password_length); fail before starting.
        if (o.password != null && o.password.length() < 8) {
            throw new IllegalArgumentException("the password must have at least 8 characters");
        }
        return o;
    }

    private static int parsePort(String v) {
        try {
            int p = Integer.parseInt(v);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port " + v);
        }
    }

    static long parseSize(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (s.endsWith("k")) {
            unit = ByteUnit.kibiBytes(1);
        } else if (s.endsWith("m")) {
            unit = ByteUnit.mebiBytes(1);
        } else if (s.endsWith("g")) {
            unit = ByteUnit.gibiBytes(1);
        }
        if (unit != 1) {
            s = s.substring(0, s.length() - 1);
        }
        try {
            return Long.parseLong(s) * unit;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad size " + v);
        }
    }

    static void run(Options o) throws Exception {
        boolean tempHome = o.home == null;
        Path home = tempHome ? Files.createTempDirectory("neo4j-launcher-") : o.home;
        Files.createDirectories(home);

        // The hook is in place before Neo4j starts, so a SIGTERM during startup still removes
        // the temporary home; a store being built is simply abandoned then.
        AtomicReference<DatabaseManagementService> started = new AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(1);
        PrintStream out = System.out;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            long began = System.nanoTime();
            try {
                DatabaseManagementService running = started.get();
                if (running != null) {
                    running.shutdown();
                }
                if (tempHome) {
                    deleteTree(home);
                }
                if (running != null) {
                    out.printf(Locale.ROOT, "NEO4J_STOPPED shutdown=%.1fs%n", (System.nanoTime() - began) / 1e9);
                    out.flush();
                }
            } catch (Throwable e) {
                System.err.println("neo4j-launcher: shutdown failed: " + describe(e));
            } finally {
                stopped.countDown();
            }
        }, "neo4j-launcher-shutdown"));

        DatabaseManagementService dbms = build(o, home);
        started.set(dbms);

        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        if (!db.isAvailable(120_000)) {
            throw new IllegalStateException("database " + db.databaseName() + " not available after 120 s");
        }
        if (o.authEnabled) {
            setPassword(dbms, o.password);
        }

        HostnamePort bolt = ((GraphDatabaseAPI) db).getDependencyResolver()
                .resolveDependency(ConnectorPortRegister.class)
                .getLocalAddress(ConnectorType.BOLT);
        double startup = (System.currentTimeMillis()
                - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1000.0;
        out.printf(Locale.ROOT, "NEO4J_READY bolt://%s:%d version=%s startup=%.1fs auth=%s home=%s%n",
                o.host, bolt.getPort(), Version.getNeo4jVersion(), startup,
                o.authEnabled ? "basic" : "none", home);
        out.flush();

        if (o.watchStdin) {
            Thread watcher = new Thread(() -> {
                drain(System.in);
                System.exit(0);
            }, "neo4j-launcher-stdin");
            watcher.setDaemon(true);
            watcher.start();
        }
        stopped.await();
    }

    private static DatabaseManagementService build(Options o, Path home) {
        return new DatabaseManagementServiceBuilder(home)
                .setUserLogProvider(new Log4jLogProvider(System.err, o.logLevel))
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(o.host, o.port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress(o.host, o.port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, o.authEnabled)
                .setConfig(GraphDatabaseSettings.pagecache_memory, o.pageCacheBytes)
                // Usage reporting would phone home; tests never touch the internet.
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                // Preallocated 256 MB transaction logs per start only cost disk in tests.
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.preallocate_store_files, false)
                // Internal settings: Netty's default 5 s quiet period, paid once per event-loop
                // group, made every stop take over 10 s; tests stop and restart the server.
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(5))
                .build();
    }

    /** Sets the password of the built-in user through the system database (no Bolt round trip). */
    private static void setPassword(DatabaseManagementService dbms, String password) {
        GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
        } catch (RuntimeException e) {
            // On a restart over the same store the password is usually already the one asked for.
            if (!String.valueOf(e.getMessage()).contains("Old password and new password cannot be the same")) {
                throw e;
            }
        }
    }

    private static void drain(InputStream in) {
        byte[] buf = new byte[256];
        try {
            while (in.read(buf) >= 0) {
                // Discard: only the end of the stream matters.
            }
        } catch (IOException e) {
            // A broken stdin means the parent is gone: same as end of file.
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (sb.length() > 0) {
                sb.append(" <- ");
            }
            sb.append(t.getClass().getName()).append(": ").append(t.getMessage());
            if (t.getCause() == t) {
                break;
            }
        }
        return sb.toString();
    }

    private static String scrub(String text, String secret) {
        return secret == null || secret.isEmpty() ? text : text.replace(secret, "***");
    }
}
