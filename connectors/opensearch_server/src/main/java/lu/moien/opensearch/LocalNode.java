package lu.moien.opensearch;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.opensearch.Version;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;

/**
 * A one-node OpenSearch server on the loopback interface, for moien's heritage search.
 *
 * <p>OpenSearch's own start script loads modules and plugins from directories, each in its own class
 * loader, after checking their descriptors. Here everything comes from Maven Central as jars on one
 * class path, so the node is created with its plugins as "classpath plugins" — the constructor
 * OpenSearch's own test framework (MockNode) uses for the same purpose. Security is not installed: the
 * node listens on 127.0.0.1 only. OpenSearch sends no usage data; nothing here opens an outbound
 * connection.
 *
 * <p>Prints {@code moien-opensearch: ready http://HOST:PORT} once the HTTP port accepts connections.
 */
public final class LocalNode {

    private static final String TAG = "moien-opensearch: ";
    private static final long HTTP_WAIT_MILLIS = 120_000;
    /** The plugins a one-node search server needs: HTTP and transport, analyzers, vector search. */
    private static final List<String> PLUGINS = List.of(
            "org.opensearch.transport.Netty4Plugin",
            "org.opensearch.analysis.common.CommonAnalysisPlugin",
            "org.opensearch.knn.plugin.KNNPlugin");

    /** Node's constructor that takes plugin classes is protected: this subclass exposes it. */
    static final class ClasspathNode extends Node {
        ClasspathNode(Environment env, Collection<Class<? extends Plugin>> plugins) {
            super(env, plugins, true);
        }
    }

    private final AtomicReference<Node> running = new AtomicReference<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    public static void main(String[] args) {
        Map<String, String> opts;
        try {
            opts = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(TAG + "error: " + e.getMessage());
            System.err.println("usage: LocalNode --home DIR --port N [--address 127.0.0.1] [--setting key=value]...");
            System.exit(2);
            return;
        }
        try {
            new LocalNode().run(opts);
        } catch (Throwable t) {
            System.err.println(TAG + "error: " + describe(t));
            t.printStackTrace(System.err);
            System.err.flush();
            Runtime.getRuntime().halt(3);
        }
    }

    @SuppressWarnings("unchecked")
    private void run(Map<String, String> opts) throws Exception {
        Runtime.getRuntime().addShutdownHook(new Thread(this::shutdown, "moien-opensearch-shutdown"));
        Path home = Path.of(opts.get("home")).toAbsolutePath();
        String address = opts.getOrDefault("address", "127.0.0.1");
        int port = Integer.parseInt(opts.get("port"));
        Files.createDirectories(home.resolve("config"));
        Files.createDirectories(home.resolve("data"));
        Files.createDirectories(home.resolve("logs"));

        Settings.Builder sb = Settings.builder()
                .put("path.home", home.toString())
                .put("path.data", home.resolve("data").toString())
                .put("path.logs", home.resolve("logs").toString())
                .put("cluster.name", "moien")
                .put("node.name", "moien-local")
                .put("discovery.type", "single-node")
                .put("network.host", address)
                .put("http.port", port)
                .put("http.type", "netty4")
                .put("transport.type", "netty4")
                .put("transport.port", opts.getOrDefault("transport-port", "9300-9400"))
                // a small developer node: no disk watermarks turning indexes read-only on a full laptop disk
                .put("cluster.routing.allocation.disk.threshold_enabled", false)
                .put("action.auto_create_index", false);
        for (String kv : opts.getOrDefault("settings", "").split("\n")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                sb.put(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
            }
        }
        Environment env = InternalSettingsPreparer.prepareEnvironment(
                sb.build(), Map.of(), home.resolve("config"), () -> "moien-local");

        List<Class<? extends Plugin>> plugins = new ArrayList<>();
        for (String name : PLUGINS) {
            plugins.add((Class<? extends Plugin>) Class.forName(name));
        }
        Node node = new ClasspathNode(env, plugins);
        running.set(node);
        if (stopping.get()) {
            shutdown();
            return;
        }
        node.start();
        waitForHttp(address, port);
        System.out.println(TAG + "ready http://" + uriHost(address) + ":" + port + " (opensearch "
                + Version.CURRENT + ", data " + home.resolve("data") + ")");
        System.out.flush();
        stopped.await();
    }

    private static void waitForHttp(String address, int port) throws Exception {
        long deadline = System.currentTimeMillis() + HTTP_WAIT_MILLIS;
        Exception last = null;
        while (System.currentTimeMillis() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(uriHost(address).replace("[", "").replace("]", ""), port), 1000);
                return;
            } catch (java.io.IOException e) {
                last = e;
                Thread.sleep(100);
            }
        }
        throw new java.io.IOException("HTTP is not accepting connections on port " + port, last);
    }

    private void shutdown() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        Node node = running.getAndSet(null);
        if (node != null) {
            try {
                node.close();
                System.out.println(TAG + "stopped");
            } catch (Throwable t) {
                System.err.println(TAG + "error during shutdown: " + describe(t));
            }
            System.out.flush();
        }
        stopped.countDown();
    }

    private static String uriHost(String a) {
        if (a.equals("0.0.0.0") || a.equals("::") || a.equals("[::]")) {
            return "127.0.0.1";
        }
        return a.contains(":") && !a.startsWith("[") ? "[" + a + "]" : a;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> out = new HashMap<>();
        StringBuilder settings = new StringBuilder();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value, got: " + a);
            }
            String name = a.substring(2);
            String value = args[++i];
            switch (name) {
                case "home", "port", "address", "transport-port" -> out.put(name, value);
                case "setting" -> settings.append(value).append('\n');
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (!out.containsKey("home") || !out.containsKey("port")) {
            throw new IllegalArgumentException("--home and --port are required");
        }
        Integer.parseInt(out.get("port"));
        out.put("settings", settings.toString());
        return out;
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
}
