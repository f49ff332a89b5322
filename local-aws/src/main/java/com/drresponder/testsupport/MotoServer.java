package com.drresponder.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One moto server process, started through {@code moto_launcher.py} so that Lambda invokes reach the
 * {@link LambdaHost} and Step Functions mock test cases work. Finds a python that can import moto
 * (or bootstraps {@code .venv/moto}), picks a free loopback port, waits until the port answers, and
 * kills the whole process tree on {@link #close()}.
 */
record MotoServer(Process process, int port, Duration startupTime, Path logFile) implements AutoCloseable {
    static final String MOTO_REQUIREMENT = "moto[server]==5.2.1";
    static final String INSTALL_HINT = "moto server is required by the AWS emulator harness. Install it with one of:\n"
            + "  pip install '" + MOTO_REQUIREMENT + "'            (then `moto_server` or `python3 -c 'import moto.server'` must work)\n"
            + "  python3 -m venv .venv/moto && .venv/moto/bin/pip install '" + MOTO_REQUIREMENT + "'   (at the repository root)\n"
            + "or point -Ddrresponder.moto.python=/path/to/python (or env MOTO_PYTHON) at a python that has it.";
    private static final int EXIT_NO_MOTO = 3;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    ProcessHandle processHandle() {
        return process.toHandle();
    }

    /**
     * Starts moto on a free loopback port.
     *
     * @param extraEnv environment for the launcher (the Lambda host port, the SFN mock config path)
     */
    static MotoServer start(Path logDir, Map<String, String> extraEnv) {
        Path launcher = extractLauncher();
        Path log = logDir.resolve("moto.log").toAbsolutePath();
        try {
            Files.createDirectories(logDir);
            Files.writeString(log, "", StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + log, e);
        }
        List<String> tried = new ArrayList<>();
        for (String python : pythonCandidates()) {
            Optional<MotoServer> server = tryStart(python, launcher, log, extraEnv, tried);
            if (server.isPresent()) {
                return server.get();
            }
        }
        Path venvPython = bootstrapVenv(tried);
        if (venvPython != null) {
            Optional<MotoServer> server = tryStart(venvPython.toString(), launcher, log, extraEnv, tried);
            if (server.isPresent()) {
                return server.get();
            }
        }
        throw new IllegalStateException("Cannot start moto server. Tried: " + tried + "\n" + INSTALL_HINT
                + "\nLauncher output: " + log);
    }

    private static Optional<MotoServer> tryStart(String python, Path launcher, Path log, Map<String, String> extraEnv,
                                                 List<String> tried) {
        for (int attempt = 1; attempt <= 3; attempt++) {
            int port = freePort();
            long started = System.nanoTime();
            ProcessBuilder pb = new ProcessBuilder(python, launcher.toString(), Integer.toString(port));
            pb.environment().putAll(extraEnv);
            pb.environment().put("MOTO_PORT", Integer.toString(port));
            pb.environment().put("PYTHONUNBUFFERED", "1");
            pb.redirectErrorStream(true);
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.redirectInput(ProcessBuilder.Redirect.PIPE); // stdin EOF stops the launcher if this JVM dies
            Process process;
            try {
                process = pb.start();
            } catch (IOException e) {
                tried.add(python + " (" + e.getMessage() + ")");
                return Optional.empty();
            }
            Instant deadline = Instant.now().plus(START_TIMEOUT);
            while (true) {
                if (!process.isAlive()) {
                    int code = process.exitValue();
                    if (code == EXIT_NO_MOTO) {
                        tried.add(python + " (cannot import moto)");
                        return Optional.empty();
                    }
                    tried.add(python + " (exited with " + code + " on port " + port + ", attempt " + attempt + ")");
                    break; // maybe the port was taken meanwhile: try another
                }
                if (portAnswers(port)) {
                    return Optional.of(new MotoServer(process, port, Duration.ofNanos(System.nanoTime() - started), log));
                }
                if (Instant.now().isAfter(deadline)) {
                    destroyTree(process);
                    throw new IllegalStateException("moto server (" + python + ") did not listen on 127.0.0.1:" + port
                            + " within " + START_TIMEOUT + "; see " + log + ": " + tail(log));
                }
                pause(Duration.ofMillis(25));
            }
        }
        return Optional.empty();
    }

    private static Set<String> pythonCandidates() {
        Set<String> candidates = new LinkedHashSet<>();
        String configured = System.getProperty("drresponder.moto.python", System.getenv("MOTO_PYTHON"));
        if (configured != null && !configured.isBlank()) {
            candidates.add(configured);
        }
        Path venv = venvPython(repositoryRoot());
        if (Files.isExecutable(venv)) {
            candidates.add(venv.toString());
        }
        onPath("python3").ifPresent(p -> candidates.add(p.toString()));
        onPath("moto_server").flatMap(MotoServer::shebangInterpreter).ifPresent(candidates::add);
        onPath("python").ifPresent(p -> candidates.add(p.toString()));
        return candidates;
    }

    /** Last resort: a project-local venv with moto (needs PyPI). Returns its python, or null if that failed. */
    private static Path bootstrapVenv(List<String> tried) {
        Optional<Path> python3 = onPath("python3");
        if (python3.isEmpty()) {
            tried.add("bootstrap .venv/moto (no python3 on PATH)");
            return null;
        }
        Path root = repositoryRoot();
        Path venvDir = root.resolve(".venv").resolve("moto");
        Path log = root.resolve("target").resolve("moto-venv-bootstrap.log");
        try {
            Files.createDirectories(log.getParent());
            run(List.of(python3.get().toString(), "-m", "venv", venvDir.toString()), log, Duration.ofMinutes(2));
            run(List.of(venvDir.resolve("bin").resolve("pip").toString(), "install", "--timeout", "15", "--retries", "1",
                    MOTO_REQUIREMENT), log, Duration.ofMinutes(10));
            return venvPython(root);
        } catch (IOException | IllegalStateException e) {
            tried.add("bootstrap " + venvDir + " (" + e.getMessage() + "; see " + log + ")");
            return null;
        }
    }

    private static void run(List<String> command, Path log, Duration timeout) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                destroyTree(p);
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            destroyTree(p);
            throw new IllegalStateException("Interrupted while running " + command, e);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed with exit code " + p.exitValue());
        }
    }

    private static Path venvPython(Path root) {
        return root.resolve(".venv").resolve("moto").resolve("bin").resolve("python");
    }

    /** The directory with {@code mvnw} (the repository root), searched upwards from the working directory. */
    static Path repositoryRoot() {
        Path cwd = Path.of("").toAbsolutePath();
        for (Path p = cwd; p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("mvnw")) && Files.exists(p.resolve("pom.xml"))) {
                return p;
            }
        }
        return cwd;
    }

    private static Optional<Path> onPath(String executable) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            Path candidate = Path.of(dir, executable);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The interpreter of a python console script ({@code #!/path/to/python}), if it is one. */
    private static Optional<String> shebangInterpreter(Path script) {
        try (InputStream in = Files.newInputStream(script)) {
            String first = new String(in.readNBytes(256), StandardCharsets.UTF_8).lines().findFirst().orElse("");
            if (first.startsWith("#!") && first.contains("python")) {
                String interpreter = first.substring(2).trim().split("\\s+")[0];
                return Files.isExecutable(Path.of(interpreter)) ? Optional.of(interpreter) : Optional.empty();
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + script, e);
        }
    }

    private static Path extractLauncher() {
        try (InputStream in = MotoServer.class.getResourceAsStream("moto_launcher.py")) {
            if (in == null) {
                throw new IllegalStateException("moto_launcher.py missing from the classpath next to " + MotoServer.class);
            }
            Path file = Files.createTempFile("drr-moto-launcher-", ".py");
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot extract moto_launcher.py to a temp file", e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free loopback port", e);
        }
    }

    private static boolean portAnswers(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false; // not listening yet; the caller's deadline bounds the wait
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for moto", e);
        }
    }

    static String tail(Path log) {
        try {
            String text = Files.readString(log);
            return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** Kills the process and every descendant, waiting (bounded) until they are gone. */
    static void destroyTree(Process process) {
        ProcessTree.destroy(process, Duration.ofSeconds(2), "moto server");
    }

    @Override
    public void close() {
        destroyTree(process);
    }
}
