package com.drresponder.testsupport;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.type.TypeFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The process side of {@link LambdaHost}: a stand-in for the AWS Lambda Java runtime, run as
 * {@code java -cp <classpath> com.drresponder.testsupport.LambdaWorker} with the function's environment.
 *
 * <p>It loads the handler named by {@code _HANDLER} once (outside the first invoke, like Lambda's init
 * phase), then loops on the host's Runtime API: take the next event, call the handler, post the response
 * or the error ({@code errorMessage}, {@code errorType} = exception class, {@code stackTrace}).
 * Supports {@link RequestStreamHandler}, {@link RequestHandler} (input deserialised with Jackson into
 * the handler's declared input type, output serialised with Jackson) and plain
 * {@code pkg.Class::method} handlers with Lambda's accepted signatures.
 * The worker exits when the host goes away (stdin EOF or the Runtime API refusing connections).
 */
public final class LambdaWorker {

    static final String WORKER_ID_ENV = "DRR_LAMBDA_WORKER_ID";

    private final String apiBase;
    private final String workerId;
    private final String functionName;

    private LambdaWorker(String runtimeApi, String functionName, String workerId) {
        this.functionName = functionName;
        this.workerId = workerId;
        this.apiBase = "http://" + runtimeApi + "/runtime/" + URLEncoder.encode(functionName, StandardCharsets.UTF_8);
    }

    /** Entry point of a worker JVM; configuration comes from the environment, as in Lambda. */
    public static void main(String[] args) {
        String runtimeApi = requireEnv("AWS_LAMBDA_RUNTIME_API");
        String functionName = requireEnv("AWS_LAMBDA_FUNCTION_NAME");
        String handler = requireEnv("_HANDLER");
        LambdaWorker worker = new LambdaWorker(runtimeApi, functionName, requireEnv(WORKER_ID_ENV));
        exitWhenHostIsGone();
        Invoker invoker;
        try {
            invoker = Invoker.load(handler);
        } catch (Throwable t) {
            Throwable cause = unwrap(t);
            System.err.println("Init error for handler " + handler + ": " + cause);
            cause.printStackTrace(System.err);
            worker.postQuietly("/init/error", errorJson(cause));
            System.exit(1);
            return;
        }
        worker.loop(invoker);
    }

    private void loop(Invoker invoker) {
        while (true) {
            HttpURLConnection next;
            int status;
            try {
                next = open("/next", "GET");
                next.setReadTimeout(0);
                status = next.getResponseCode();
            } catch (IOException e) {
                System.err.println("Runtime API unreachable, worker exits: " + e);
                System.exit(2);
                return;
            }
            if (status == 204) {
                continue;
            }
            if (status != 200) {
                System.err.println("Runtime API answered " + status + " to /next, worker exits");
                System.exit(status == 410 ? 0 : 2);
                return;
            }
            String requestId = next.getHeaderField("Lambda-Runtime-Aws-Request-Id");
            long deadline = Long.parseLong(next.getHeaderField("Lambda-Runtime-Deadline-Ms"));
            String arn = next.getHeaderField("Lambda-Runtime-Invoked-Function-Arn");
            byte[] event;
            try (InputStream in = next.getInputStream()) {
                event = in.readAllBytes();
            } catch (IOException e) {
                System.err.println("Cannot read the event from the Runtime API, worker exits: " + e);
                System.exit(2);
                return;
            }
            WorkerContext context = new WorkerContext(requestId, deadline, functionName, arn);
            byte[] response;
            String outcome;
            try {
                response = invoker.invoke(event, context);
                outcome = "/response";
            } catch (Throwable t) {
                Throwable cause = unwrap(t);
                System.err.println("RequestId: " + requestId + " Error: " + cause);
                cause.printStackTrace(System.err);
                response = errorJson(cause);
                outcome = "/error";
            }
            System.out.flush();
            System.err.flush();
            postQuietly("/" + requestId + outcome, response);
        }
    }

    private HttpURLConnection open(String path, String method) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(apiBase + path + "?worker=" + workerId).toURL()
                .openConnection(Proxy.NO_PROXY);
        c.setRequestMethod(method);
        c.setConnectTimeout(10_000);
        return c;
    }

    /** Posts to the Runtime API; if the host is gone there is nobody left to serve, so the worker exits. */
    private void postQuietly(String path, byte[] body) {
        try {
            HttpURLConnection c = open(path, "POST");
            c.setDoOutput(true);
            c.setReadTimeout(30_000);
            c.setFixedLengthStreamingMode(body.length);
            c.setRequestProperty("Content-Type", "application/json");
            try (OutputStream out = c.getOutputStream()) {
                out.write(body);
            }
            int status = c.getResponseCode();
            if (status >= 300) {
                System.err.println("Runtime API answered " + status + " to " + path);
            }
        } catch (IOException e) {
            System.err.println("Runtime API unreachable, worker exits: " + e);
            System.exit(2);
        }
    }

    private static void exitWhenHostIsGone() {
        Thread watcher = new Thread(() -> {
            try {
                InputStream in = System.in;
                byte[] buffer = new byte[256];
                while (in.read(buffer) >= 0) {
                    // the host never writes; we only wait for EOF
                }
            } catch (IOException e) {
                System.err.println("stdin closed with an error: " + e);
            }
            Runtime.getRuntime().halt(0);
        }, "host-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    private static String requireEnv(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("LambdaWorker needs the environment variable " + name);
        }
        return value;
    }

    private static Throwable unwrap(Throwable t) {
        Throwable current = t;
        while ((current instanceof InvocationTargetException || current instanceof ExceptionInInitializerError)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    static byte[] errorJson(Throwable t) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("errorMessage", t.getMessage() == null ? t.toString() : t.getMessage());
        error.put("errorType", t.getClass().getName());
        error.put("stackTrace", Arrays.stream(t.getStackTrace()).map(StackTraceElement::toString).limit(50).toList());
        try {
            return Mapper.INSTANCE.writeValueAsBytes(error);
        } catch (IOException e) {
            return LambdaHost.errorPayload(t.getClass().getName(), String.valueOf(t.getMessage()));
        }
    }

    /** Jackson, created on first use so stream handlers do not pay for it at init. */
    private static final class Mapper {
        static final ObjectMapper INSTANCE = new ObjectMapper()
                .findAndRegisterModules()
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }

    /** Calls the handler with one event. */
    private interface Invoker {
        byte[] invoke(byte[] event, Context context) throws Exception;

        static Invoker load(String handlerString) throws Exception {
            int sep = handlerString.indexOf("::");
            String className = sep < 0 ? handlerString : handlerString.substring(0, sep);
            String methodName = sep < 0 ? null : handlerString.substring(sep + 2);
            Class<?> type = Class.forName(className, true, LambdaWorker.class.getClassLoader());
            Object instance = null;
            Method method = methodName == null ? null : findMethod(type, methodName);
            if (method == null || !Modifier.isStatic(method.getModifiers())) {
                var constructor = type.getDeclaredConstructor();
                constructor.setAccessible(true);
                instance = constructor.newInstance();
            }
            boolean viaInterface = methodName == null || methodName.equals("handleRequest");
            if (viaInterface && instance instanceof RequestStreamHandler streamHandler) {
                return (event, context) -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    streamHandler.handleRequest(new ByteArrayInputStream(event), out, context);
                    return out.toByteArray();
                };
            }
            if (viaInterface && instance instanceof RequestHandler<?, ?> requestHandler) {
                JavaType[] params = TypeFactory.defaultInstance().findTypeParameters(type, RequestHandler.class);
                JavaType inputType = params.length > 0 ? params[0] : TypeFactory.defaultInstance().constructType(Object.class);
                @SuppressWarnings("unchecked")
                RequestHandler<Object, Object> h = (RequestHandler<Object, Object>) requestHandler;
                return (event, context) -> Mapper.INSTANCE.writeValueAsBytes(
                        h.handleRequest(readInput(event, inputType), context));
            }
            if (method == null) {
                throw new IllegalArgumentException("Handler " + handlerString + ": class " + className
                        + " implements neither RequestHandler nor RequestStreamHandler and no method was named");
            }
            return methodInvoker(instance, method);
        }

        private static Method findMethod(Class<?> type, String name) throws NoSuchMethodException {
            List<Method> candidates = Arrays.stream(type.getMethods())
                    .filter(m -> m.getName().equals(name) && !m.isBridge() && m.getParameterCount() <= 3)
                    .sorted(Comparator.comparingInt(Method::getParameterCount).reversed())
                    .toList();
            if (candidates.isEmpty()) {
                throw new NoSuchMethodException("No public method " + name + " with at most 3 parameters on " + type.getName());
            }
            return candidates.getFirst();
        }

        private static Invoker methodInvoker(Object instance, Method method) {
            Class<?>[] p = method.getParameterTypes();
            Type[] generic = method.getGenericParameterTypes();
            boolean stream = p.length >= 2 && p[0] == InputStream.class && p[1] == OutputStream.class;
            JavaType inputType = !stream && p.length >= 1 && p[0] != Context.class
                    ? TypeFactory.defaultInstance().constructType(generic[0]) : null;
            return (event, context) -> {
                Object[] args = new Object[p.length];
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                for (int i = 0; i < p.length; i++) {
                    if (p[i] == Context.class) {
                        args[i] = context;
                    } else if (stream && i == 0) {
                        args[i] = new ByteArrayInputStream(event);
                    } else if (stream && i == 1) {
                        args[i] = out;
                    } else {
                        args[i] = readInput(event, inputType);
                    }
                }
                Object result = method.invoke(instance, args);
                if (stream) {
                    return out.toByteArray();
                }
                return method.getReturnType() == void.class ? "null".getBytes(StandardCharsets.UTF_8)
                        : Mapper.INSTANCE.writeValueAsBytes(result);
            };
        }

        private static Object readInput(byte[] event, JavaType type) throws IOException {
            if (event.length == 0) {
                return null;
            }
            return Mapper.INSTANCE.readValue(event, type);
        }
    }

    /** Lambda {@link Context} for one invocation; the logger writes to stderr, which the host logs. */
    private record WorkerContext(String requestId, long deadlineMs, String functionName, String arn) implements Context {
        private static final LambdaLogger LOGGER = new LambdaLogger() {
            private final PrintStream err = System.err;

            @Override
            public void log(String message) {
                err.println(message);
            }

            @Override
            public void log(byte[] message) {
                err.println(new String(message, StandardCharsets.UTF_8));
            }
        };

        @Override
        public String getAwsRequestId() {
            return requestId;
        }

        @Override
        public String getLogGroupName() {
            return System.getenv("AWS_LAMBDA_LOG_GROUP_NAME");
        }

        @Override
        public String getLogStreamName() {
            return System.getenv("AWS_LAMBDA_LOG_STREAM_NAME");
        }

        @Override
        public String getFunctionName() {
            return functionName;
        }

        @Override
        public String getFunctionVersion() {
            return System.getenv("AWS_LAMBDA_FUNCTION_VERSION");
        }

        @Override
        public String getInvokedFunctionArn() {
            return arn;
        }

        @Override
        public CognitoIdentity getIdentity() {
            return null;
        }

        @Override
        public ClientContext getClientContext() {
            return null;
        }

        @Override
        public int getRemainingTimeInMillis() {
            return (int) Math.max(0, deadlineMs - System.currentTimeMillis());
        }

        @Override
        public int getMemoryLimitInMB() {
            String memory = System.getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE");
            return memory == null ? 128 : Integer.parseInt(memory);
        }

        @Override
        public LambdaLogger getLogger() {
            return LOGGER;
        }
    }
}
