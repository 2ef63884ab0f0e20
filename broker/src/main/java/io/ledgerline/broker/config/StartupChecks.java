package io.ledgerline.broker.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What a start checks before it creates anything on disk, so that a refusal names its cause and its fix and
 * leaves nothing behind. The order of a start ({@code Broker.start}):
 * <ol>
 *   <li>{@link #listener}: the {@code listen} host resolves; a wildcard address (0.0.0.0, ::) comes with an
 *       {@code advertised.listener}, since it is no address a client can connect to;</li>
 *   <li>{@link #dataDir}: the data directory is a directory the process can write, or it can be created
 *       (its nearest existing ancestor is one);</li>
 *   <li>the listening socket is bound ({@link #bindFailed} words the refusal), still before the data
 *       directory is created, and handed to the server once the broker is ready to answer;</li>
 *   <li>the data directory's lock ({@code io.ledgerline.log.DataDirLock}): a directory another live broker
 *       holds is refused with that broker's PID; a directory that exists is not modified by the refusal.</li>
 * </ol>
 * Every refusal is a {@link StartupException}: "cause. Fix: what to change".
 */
public final class StartupChecks {
    private StartupChecks() {}

    /**
     * Where to bind, and the address to tell clients (Metadata, FindCoordinator, DescribeCluster).
     * {@code advertisedPort} 0 means the bound port (with {@code listen} port 0 it is known only once bound).
     */
    public record Listener(InetSocketAddress bind, String advertisedHost, int advertisedPort) {}

    public static Listener listener(BrokerConfig config) throws StartupException {
        BrokerConfig.HostPort listen = config.hostPort(BrokerConfig.LISTEN);
        String listenText = config.string(BrokerConfig.LISTEN);
        InetAddress address = resolve(config, BrokerConfig.LISTEN, "--listen", "");
        InetSocketAddress bind = new InetSocketAddress(address, listen.port());
        String advertised = config.string(BrokerConfig.ADVERTISED_LISTENER);
        if (advertised.isEmpty()) {
            if (address.isAnyLocalAddress()) {
                throw new StartupException("listen=" + listenText + " is a wildcard address: it accepts connections on "
                        + "every interface, but it is no address a client can connect to, and clients connect to the "
                        + "address the broker advertises. Fix: set --advertised-listener HOST:PORT (setting "
                        + "advertised.listener) to the host name or IP address and port clients reach this broker at, "
                        + "for example --advertised-listener broker1.example.com:" + listen.port()
                        + "; or listen on one address, for example --listen 127.0.0.1:" + listen.port());
            }
            return new Listener(bind, unbracketed(listen.host()), 0);
        }
        BrokerConfig.HostPort a = config.hostPort(BrokerConfig.ADVERTISED_LISTENER);
        String fix = " Fix: set --advertised-listener HOST:PORT (setting advertised.listener) to the host name or IP "
                + "address and port clients reach this broker at.";
        if (a.port() == 0) {
            throw new StartupException("advertised.listener=" + advertised + " has port 0, which no client can "
                    + "connect to (port 0 picks a free port only for listen)." + fix);
        }
        if (isWildcardLiteral(a.host())) {
            throw new StartupException("advertised.listener=" + advertised + " is a wildcard address, which no "
                    + "client can connect to." + fix);
        }
        return new Listener(bind, unbracketed(a.host()), a.port());
    }

    /**
     * Refuses a data directory the broker could not create or write, before anything is created: the nearest
     * existing path of {@code dataDir} (itself, or an ancestor that would be created under) must be a directory
     * this process can write and enter.
     */
    public static void dataDir(Path dataDir) throws StartupException {
        Path dir = dataDir.toAbsolutePath().normalize();
        Path existing = dir;
        BasicFileAttributes attrs = null;
        while (existing != null) {
            try {
                attrs = Files.readAttributes(existing, BasicFileAttributes.class); // follows symbolic links
                break;
            } catch (AccessDeniedException e) {
                // An ancestor without search permission (x): the directory cannot even be looked up.
                Path closed = unsearchableAncestor(existing);
                throw new StartupException("cannot use data directory " + dir + ": Permission denied ("
                        + (closed == null ? "looking up " + existing : closed + " cannot be entered") + " by user " + user()
                        + "). Fix: set --data-dir DIR (setting data.dir) to a directory user " + user() + " can write"
                        + (closed == null ? "" : ", or give that user search access to " + closed + " (chmod u+x, or g+x / o+x)"));
            } catch (IOException e) {
                // Absent, or under a regular file (ENOTDIR): the first existing ancestor below tells which.
                existing = existing.getParent();
            }
        }
        if (existing == null) return; // not even "/" could be read: let the lock's own error speak
        boolean isDir = existing.equals(dir);
        String what = isDir ? "data directory " + dir : "cannot create data directory " + dir;
        if (!attrs.isDirectory()) {
            throw new StartupException((isDir ? what + " is not a directory" : what + ": Not a directory (" + existing
                    + " is a file, not a directory)") + ". " + dataDirFix(dir, null));
        }
        if (!Files.isWritable(existing) || !Files.isExecutable(existing) || (isDir && !Files.isReadable(existing))) {
            String cause = readOnlyFileSystem(existing)
                    ? "Read-only file system (" + existing + " is on a read-only file system)"
                    : "Permission denied (" + existing + " is not writable by user " + user() + ")";
            throw new StartupException((isDir ? what + " is not usable: " : what + ": ") + cause + ". " + dataDirFix(dir, existing));
        }
    }

    /** The refusal of a listening socket that could not be bound, by the reason the OS gave. */
    public static StartupException bindFailed(BrokerConfig config, InetSocketAddress bind, IOException e) {
        String listen = config.string(BrokerConfig.LISTEN);
        String address = bind.getAddress().getHostAddress() + ":" + bind.getPort();
        String at = address.equals(listen) || ("[" + bind.getAddress().getHostAddress() + "]:" + bind.getPort()).equals(listen)
                ? address : address + " (listen=" + listen + ")";
        String reason = String.valueOf(e.getMessage());
        String message;
        if (reason.contains("already in use")) {
            message = "address " + at + " already in use: another process listens on port " + bind.getPort()
                    + " (another Ledgerline or Kafka broker? 'ss -ltnp' names it). Fix: stop that process, or set "
                    + "another port with --listen HOST:PORT (setting listen), for example --listen "
                    + bind.getAddress().getHostAddress() + ":" + (bind.getPort() == 65535 ? 9092 : bind.getPort() + 1);
        } else if (reason.contains("assign requested address")) {
            message = "cannot listen on " + at + ": " + reason + " (" + bind.getAddress().getHostAddress()
                    + " is not an address of this machine). Fix: set --listen HOST:PORT (setting listen) to one of "
                    + "this machine's addresses: 127.0.0.1:" + bind.getPort() + " for local clients, or 0.0.0.0:"
                    + bind.getPort() + " with --advertised-listener for remote ones";
        } else if (reason.contains("Permission denied")) {
            message = "cannot listen on " + at + ": " + reason + " (ports below 1024 need root or "
                    + "CAP_NET_BIND_SERVICE). Fix: set --listen HOST:PORT (setting listen) with a port of 1024 or above, "
                    + "for example --listen " + bind.getAddress().getHostAddress() + ":9092";
        } else {
            message = "cannot listen on " + at + ": " + reason + ". Fix: check --listen HOST:PORT (setting listen)";
        }
        return new StartupException(message, e);
    }

    /**
     * Refuses a {@code registry.listen} address that cannot be bound (port in use, not an address of this machine,
     * a privileged port), by binding it once and releasing it: run before the broker starts, so nothing is created.
     * The registry binds it again once the broker listens; with port 0 any free port will do.
     */
    public static void registryListener(BrokerConfig config) throws StartupException {
        BrokerConfig.HostPort listen = config.hostPort(BrokerConfig.REGISTRY_LISTEN);
        InetAddress address = resolve(config, BrokerConfig.REGISTRY_LISTEN, "--registry-listen",
                ", or --set registry.enabled=false");
        if (listen.port() == 0) return;
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.bind(new InetSocketAddress(address, listen.port()));
        } catch (IOException e) {
            String reason = String.valueOf(e.getMessage());
            String at = address.getHostAddress() + ":" + listen.port();
            String fix = " Fix: stop that process, or set another port with --registry-listen HOST:PORT (setting "
                    + "registry.listen), for example --registry-listen " + address.getHostAddress() + ":"
                    + (listen.port() == 65535 ? 8081 : listen.port() + 1) + ", or --set registry.enabled=false";
            if (reason.contains("already in use")) {
                throw new StartupException("schema registry address " + at + " (registry.listen) already in use: "
                        + "another process listens on port " + listen.port() + " (another Ledgerline or Schema "
                        + "Registry? 'ss -ltnp' names it)." + fix, e);
            }
            throw new StartupException("the schema registry cannot listen on " + at + " (registry.listen): " + reason
                    + ". Fix: set --registry-listen HOST:PORT (setting registry.listen) to an address of this machine "
                    + "with a port of 1024 or above, or --set registry.enabled=false", e);
        }
    }

    /**
     * A data directory found unusable past the checks above (a file or subdirectory under it the process cannot
     * write, a read-only remount): the file, the OS's reason, and the fix.
     */
    public static StartupException dataDirFailed(Path dataDir, FileSystemException e) {
        Path dir = dataDir.toAbsolutePath().normalize();
        return new StartupException("cannot use data directory " + dir + ": " + reason(e)
                + (e.getFile() == null ? "" : " (" + e.getFile() + (e.getOtherFile() == null ? "" : ", " + e.getOtherFile()) + ")")
                + ". Fix: give user " + user() + " read and write access to everything under " + dir
                + ", or set --data-dir DIR (setting data.dir) to another directory", e);
    }

    /** The OS's reason of a file system error, as strerror words it ("Permission denied", not the bare path). */
    public static String reason(FileSystemException e) {
        if (e.getReason() != null) return e.getReason();
        if (e instanceof AccessDeniedException) return "Permission denied";
        if (e instanceof NoSuchFileException) return "No such file or directory";
        if (e instanceof NotDirectoryException) return "Not a directory";
        if (e instanceof FileAlreadyExistsException) return "File exists";
        return e.getClass().getSimpleName();
    }

    private static String dataDirFix(Path dir, Path grantOn) {
        return "Fix: set --data-dir DIR (setting data.dir) to a directory user " + user() + " can write, or a path "
                + "that does not exist yet under one (it is created)"
                + (grantOn == null ? "" : ", or give that user write access to " + grantOn);
    }

    /** The outermost directory above {@code p} this process may not enter (search permission), if any. */
    private static Path unsearchableAncestor(Path p) {
        Path dir = p.getRoot();
        for (Path name : p) {
            if (!Files.isExecutable(dir)) return dir;
            dir = dir.resolve(name);
        }
        return null;
    }

    private static boolean readOnlyFileSystem(Path p) {
        try {
            return Files.getFileStore(p).isReadOnly();
        } catch (IOException e) {
            return false;
        }
    }

    /** The host of a HOST:PORT setting, or the refusal naming the setting, its option and the fix. */
    private static InetAddress resolve(BrokerConfig config, BrokerConfig.Setting setting, String option, String orElse)
            throws StartupException {
        BrokerConfig.HostPort hp = config.hostPort(setting);
        try {
            return InetAddress.getByName(hp.host());
        } catch (UnknownHostException e) {
            throw new StartupException("cannot resolve host '" + hp.host() + "' of " + setting.key() + "="
                    + config.string(setting) + " (" + resolverReason(e, hp.host()) + "). Fix: set " + option
                    + " HOST:PORT (setting " + setting.key() + ") to a name or address of this machine, for example "
                    + option + " 127.0.0.1:" + hp.port() + orElse);
        }
    }

    /** "Name or service not known" from "nohost.invalid: Name or service not known". */
    private static String resolverReason(UnknownHostException e, String host) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) return "unknown host";
        return m.startsWith(host + ": ") ? m.substring(host.length() + 2) : m;
    }

    /** 0.0.0.0, ::, [::] and the like, without a DNS lookup (a name is never a wildcard). */
    private static boolean isWildcardLiteral(String host) {
        String h = unbracketed(host);
        boolean literal = h.contains(":") || h.matches("[0-9.]+");
        if (!literal) return false;
        try {
            return InetAddress.getByName(h).isAnyLocalAddress(); // a literal: parsed, not looked up
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** An IPv6 literal as clients take it: Kafka's clients add the brackets themselves. */
    private static String unbracketed(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static String user() {
        return System.getProperty("user.name");
    }
}
