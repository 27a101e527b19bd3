/*
 * moien: a local Neo4j Community server without a package manager for servers.
 *
 * Starts the Neo4j Community engine (the same engine a packaged server runs) in this JVM with
 * the Bolt connector enabled, so any Bolt client connects to bolt://<address>:<port> as to a
 * regular server. Controlled by connectors/neo4j_server.py.
 *
 * Usage:
 *   java -cp 'dist/lib/*:dist/moien-neo4j.jar' lu.moien.neo4j.EmbeddedServer
 *        --home DIR [--data-dir DIR] [--port 7687] [--address 127.0.0.1]
 *        [--pagecache 256m] (--password-file FILE | --no-auth) [--config neo4j.conf]
 *
 * Every option may also be given as a system property: -Dmoien.neo4j.<option>=value
 * (e.g. -Dmoien.neo4j.port=7688); command-line options win.
 *
 * Protocol with the caller (stdout):
 *   "moien-neo4j: ready bolt://HOST:PORT ..."   once Bolt accepts connections
 *   "moien-neo4j: stopped"                      after a clean shutdown (SIGTERM / SIGINT)
 *   "moien-neo4j: error: ..."                   (stderr) on a fatal error; exit status != 0
 *
 * Authentication: with --password-file, auth is enabled and the user "neo4j" gets the password
 * read from that file. The password is applied through the system database before Bolt is
 * opened (a short start without any connector), and only when it differs from the one applied
 * last time (a salted SHA-256 fingerprint is kept in <data>/dbms/moien-auth).
 *
 * Sovereignty: usage reporting (dbms.usage_report.enabled, the only component of Neo4j 5.26
 * Community that phones home) is switched off, and so is its network sender; no HTTP connector
 * runs in embedded mode.
 */
package lu.moien.neo4j;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.io.ByteUnit;

public final class EmbeddedServer {

    private static final String TAG = "moien-neo4j: ";
    private static final String USER = "neo4j";
    private static final String AUTH_MARKER = "moien-auth";
    private static final long BOLT_WAIT_MILLIS = 60_000;

    private final Options options;
    private final AtomicReference<DatabaseManagementService> running = new AtomicReference<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private EmbeddedServer(Options options) {
        this.options = options;
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(TAG + "error: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        try {
            new EmbeddedServer(options).run();
        } catch (Throwable t) {
            System.err.println(TAG + "error: " + describe(t));
            t.printStackTrace(System.err);
            System.err.flush();
            // halt: the shutdown hook must not wait on a half-built DBMS
            Runtime.getRuntime().halt(3);
        }
    }

    private void run() throws Exception {
        Runtime.getRuntime().addShutdownHook(new Thread(this::shutdown, "moien-neo4j-shutdown"));

        String password = null;
        if (options.passwordFile != null) {
            password = readPassword(options.passwordFile);
            applyPasswordIfChanged(password);
        }
        if (stopping.get()) {
            return;
        }

        DatabaseManagementService dbms = builder(true, password != null).build();
        running.set(dbms);
        if (stopping.get()) { // SIGTERM arrived while building: the hook saw no DBMS yet
            shutdown();
            return;
        }
        waitForBolt();

        String version = neo4jVersion(dbms);
        PrintStream out = System.out;
        out.println(TAG + "ready bolt://" + uriHost() + ":" + options.port
                + " (neo4j " + version + ", auth " + (password != null ? "enabled" : "disabled")
                + ", data " + options.dataDir() + ")");
        out.flush();

        stopped.await();
    }

    /** Builds the DBMS configuration; {@code bolt == false} gives a DBMS reachable only in-process. */
    private DatabaseManagementServiceBuilder builder(boolean bolt, boolean auth) throws IOException {
        DatabaseManagementServiceBuilder b = new DatabaseManagementServiceBuilder(options.home);
        if (options.config != null) {
            b.loadPropertiesFromFile(options.config);
        }
        b.setConfig(GraphDatabaseSettings.data_directory, options.dataDir());
        b.setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.parse(options.pagecache));
        // nothing leaves the host: no usage report, and its sender is off too
        b.setConfig(GraphDatabaseSettings.udc_enabled, false);
        b.setConfig(GraphDatabaseInternalSettings.udc_network_enabled, false);
        b.setConfig(GraphDatabaseSettings.auth_enabled, auth);
        b.setConfig(BoltConnector.enabled, bolt);
        if (bolt) {
            SocketAddress listen = new SocketAddress(options.address, options.port);
            b.setConfig(BoltConnector.listen_address, listen);
            b.setConfig(BoltConnector.advertised_address, new SocketAddress(uriHost(), options.port));
            b.setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED);
        }
        return b;
    }

    /**
     * Sets the password of user neo4j through the system database, with no connector open, when
     * it differs from the one applied last time. Creates the user if it has been dropped.
     */
    private void applyPasswordIfChanged(String password) throws Exception {
        Path marker = options.dataDir().resolve("dbms").resolve(AUTH_MARKER);
        if (fingerprintMatches(marker, password)) {
            return;
        }
        System.out.println(TAG + "applying the password of user '" + USER + "' (no connector open yet)");
        System.out.flush();
        DatabaseManagementService dbms = builder(false, true).build();
        running.set(dbms);
        try {
            GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
            Map<String, Object> params = new HashMap<>();
            params.put("user", USER);
            params.put("password", password);
            boolean exists = system.executeTransactionally(
                    "SHOW USERS YIELD user WHERE user = $user RETURN count(*) AS n", params,
                    result -> ((Number) result.next().get("n")).longValue() > 0);
            if (exists) {
                try {
                    system.executeTransactionally(
                            "ALTER USER " + USER + " SET PASSWORD $password CHANGE NOT REQUIRED", params);
                } catch (QueryExecutionException e) {
                    // re-applying the current password is refused; it is what we want anyway
                    if (!String.valueOf(e.getMessage()).contains("cannot be the same")) {
                        throw e;
                    }
                }
            } else {
                system.executeTransactionally(
                        "CREATE USER " + USER + " SET PASSWORD $password CHANGE NOT REQUIRED", params);
            }
        } finally {
            running.set(null);
            dbms.shutdown();
        }
        writeFingerprint(marker, password);
    }

    private void waitForBolt() throws InterruptedException, IOException {
        String host = uriHost();
        long deadline = System.currentTimeMillis() + BOLT_WAIT_MILLIS;
        IOException last = null;
        while (System.currentTimeMillis() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, options.port), 1000);
                return;
            } catch (IOException e) {
                last = e;
                Thread.sleep(100);
            }
        }
        throw new IOException("Bolt is not accepting connections on " + host + ":" + options.port, last);
    }

    private void shutdown() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        DatabaseManagementService dbms = running.getAndSet(null);
        if (dbms != null) {
            try {
                dbms.shutdown();
                System.out.println(TAG + "stopped");
            } catch (Throwable t) {
                System.err.println(TAG + "error during shutdown: " + describe(t));
            }
            System.out.flush();
        }
        stopped.countDown();
    }

    /** Host a client on this machine uses to reach the listen address. */
    private String uriHost() {
        String a = options.address;
        if (a.equals("0.0.0.0") || a.equals("::") || a.equals("[::]")) {
            return "127.0.0.1";
        }
        return a.contains(":") && !a.startsWith("[") ? "[" + a + "]" : a;
    }

    private static String neo4jVersion(DatabaseManagementService dbms) {
        try {
            return dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                    "CALL dbms.components() YIELD versions RETURN versions[0] AS v", Map.of(),
                    r -> String.valueOf(r.next().get("v")));
        } catch (RuntimeException e) {
            return "?";
        }
    }

    private static String readPassword(Path file) throws IOException {
        String pw = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (pw.isEmpty()) {
            throw new IOException("password file " + file + " is empty");
        }
        return pw;
    }

    private static boolean fingerprintMatches(Path marker, String password) throws IOException {
        if (!Files.isRegularFile(marker)) {
            return false;
        }
        String[] parts = Files.readString(marker, StandardCharsets.UTF_8).strip().split(":");
        if (parts.length != 3 || !parts[0].equals("sha256")) {
            return false;
        }
        byte[] salt = HexFormat.of().parseHex(parts[1]);
        return MessageDigest.isEqual(digest(salt, password), HexFormat.of().parseHex(parts[2]));
    }

    private static void writeFingerprint(Path marker, String password) throws IOException {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        String line = "sha256:" + HexFormat.of().formatHex(salt) + ":"
                + HexFormat.of().formatHex(digest(salt, password)) + "\n";
        Files.createDirectories(marker.getParent());
        Path tmp = marker.resolveSibling(AUTH_MARKER + ".tmp");
        Files.writeString(tmp, line, StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
        Files.move(tmp, marker, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static byte[] digest(byte[] salt, String password) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(salt);
            md.update(password.getBytes(StandardCharsets.UTF_8));
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (sb.length() > 0) {
                sb.append(" <- ");
            }
            sb.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage());
            if (c.getCause() == c) {
                break;
            }
        }
        return sb.toString();
    }

    /** Command-line / system-property options. */
    static final class Options {
        static final String USAGE = "usage: EmbeddedServer --home DIR [--data-dir DIR] [--port N] "
                + "[--address HOST] [--pagecache SIZE] (--password-file FILE | --no-auth) [--config FILE]";
        private static final List<String> NAMES =
                List.of("home", "data-dir", "port", "address", "pagecache", "password-file", "config");

        Path home;
        Path dataDir;
        int port = 7687;
        String address = "127.0.0.1";
        String pagecache = "256m";
        Path passwordFile;
        Path config;

        Path dataDir() {
            return dataDir != null ? dataDir : home.resolve("data");
        }

        static Options parse(String[] args) {
            Map<String, String> values = new HashMap<>();
            boolean noAuth = Boolean.getBoolean("moien.neo4j.no-auth");
            for (String name : NAMES) {
                String v = System.getProperty("moien.neo4j." + name);
                if (v != null) {
                    values.put(name, v);
                }
            }
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (!a.startsWith("--")) {
                    throw new IllegalArgumentException("unexpected argument: " + a);
                }
                String name = a.substring(2);
                String value = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if (name.equals("no-auth")) {
                    noAuth = true;
                    continue;
                }
                if (!NAMES.contains(name)) {
                    throw new IllegalArgumentException("unknown option --" + name);
                }
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("--" + name + " needs a value");
                    }
                    value = args[++i];
                }
                values.put(name, value);
            }

            Options o = new Options();
            if (!values.containsKey("home")) {
                throw new IllegalArgumentException("--home is required");
            }
            o.home = Path.of(values.get("home")).toAbsolutePath();
            if (values.containsKey("data-dir")) {
                o.dataDir = Path.of(values.get("data-dir")).toAbsolutePath();
            }
            if (values.containsKey("port")) {
                try {
                    o.port = Integer.parseInt(values.get("port"));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--port must be a number");
                }
                if (o.port < 1 || o.port > 65535) {
                    throw new IllegalArgumentException("--port must be within 1..65535");
                }
            }
            o.address = values.getOrDefault("address", o.address);
            o.pagecache = values.getOrDefault("pagecache", o.pagecache);
            try {
                ByteUnit.parse(o.pagecache);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("--pagecache: not a size: " + o.pagecache);
            }
            if (values.containsKey("config")) {
                o.config = Path.of(values.get("config")).toAbsolutePath();
            }
            if (values.containsKey("password-file")) {
                if (noAuth) {
                    throw new IllegalArgumentException("--password-file and --no-auth exclude each other");
                }
                o.passwordFile = Path.of(values.get("password-file")).toAbsolutePath();
            } else if (!noAuth) {
                throw new IllegalArgumentException("give --password-file FILE, or --no-auth to run without authentication");
            }
            return o;
        }
    }
}
