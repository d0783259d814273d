package io.domainautomation.aws;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.security.Permission;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.http.urlconnection.UrlConnectionFactory;

/**
 * The connections of the AWS clients' URL-connection HTTP client, whose request bodies the JDK buffers rather than
 * streams.
 *
 * <p>The SDK's client sets a request with a {@code Content-Length} to fixed-length streaming. For a streamed POST the
 * JDK cannot send the body again, so before it reuses a kept-alive connection it reads from it with a 1 ms timeout to
 * see that the server has not closed it ({@code sun.net.www.http.HttpClient.available}): every AWS call of a warm
 * container (they are all POSTs) waited that millisecond. For a buffered body the JDK does not look. The bodies here are
 * small JSON documents (a DynamoDB item, a batch of events), which the SDK holds in memory anyway. Never use this for
 * S3 uploads: the JDK honours {@code Expect: 100-continue} only for streamed bodies.
 *
 * <p>A buffered POST the JDK would also send again on its own, on a new connection, after any failed read (a
 * connection the server closed, and as well a reply lost after the request was applied), unseen by the SDK and past
 * its attempt timeout's abort. That is turned off (a JVM-wide switch the JDK reads once, when its HTTP client class
 * loads: template.yaml's JAVA_TOOL_OPTIONS sets it as the JVM starts, and the Lambda handler again, with
 * {@link #noSilentResends()}, before anything of its own runs), so every resend is the SDK's
 * own retry, counted and within its timeouts, as with streamed bodies. A kept-alive connection the server closed then
 * fails its attempt, which the SDK retries on a new one.
 *
 * <p>The timeouts: connecting within the SDK's default for this client (2 s) or the attempt's timeout if shorter;
 * reading within the attempt's timeout (the SDK's default, 30 s, is longer than any attempt here).
 */
public final class BufferedBodyConnections implements UrlConnectionFactory {

    /** The JDK's switch for resending a failed POST itself ({@code sun.net.www.http.HttpClient}). */
    static final String JDK_RESENDS_POSTS = "sun.net.http.retryPost";
    /** The SDK's default connection timeout for this client. */
    static final Duration SDK_CONNECT_TIMEOUT = Duration.ofSeconds(2);

    private final int connectTimeoutMillis;
    private final int readTimeoutMillis;

    /** @param attemptTimeout the clients' API call attempt timeout (AWS_API_CALL_ATTEMPT_TIMEOUT) */
    BufferedBodyConnections(Duration attemptTimeout) {
        this.connectTimeoutMillis = (int) Math.min(SDK_CONNECT_TIMEOUT.toMillis(), attemptTimeout.toMillis());
        this.readTimeoutMillis = (int) attemptTimeout.toMillis();
    }

    /**
     * No POST sent again by the JDK on its own: to be called before the JVM's first HTTP connection (the JDK reads
     * the switch once). Lambda's handler calls it first thing.
     */
    public static void noSilentResends() {
        System.setProperty(JDK_RESENDS_POSTS, "false");
    }

    @Override
    public HttpURLConnection createConnection(URI uri) {
        try {
            HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
            connection.setConnectTimeout(connectTimeoutMillis);
            connection.setReadTimeout(readTimeoutMillis);
            return new Buffered(connection);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot open a connection to " + uri.getHost(), e);
        }
    }

    /** A connection that ignores the streaming modes and hands everything else to the JDK's own. */
    static final class Buffered extends HttpURLConnection {

        private final HttpURLConnection jdk;

        Buffered(HttpURLConnection jdk) {
            super(jdk.getURL());
            this.jdk = jdk;
        }

        @Override
        public void setFixedLengthStreamingMode(int contentLength) {
            // buffered: the JDK computes the Content-Length of what was written
        }

        @Override
        public void setFixedLengthStreamingMode(long contentLength) {
            // buffered, as above
        }

        @Override
        public void setChunkedStreamingMode(int chunkLength) {
            // buffered, as above
        }

        @Override
        public void connect() throws IOException {
            jdk.connect();
        }

        @Override
        public void disconnect() {
            jdk.disconnect();
        }

        @Override
        public boolean usingProxy() {
            return jdk.usingProxy();
        }

        @Override
        public void setRequestMethod(String method) throws java.net.ProtocolException {
            jdk.setRequestMethod(method);
        }

        @Override
        public String getRequestMethod() {
            return jdk.getRequestMethod();
        }

        @Override
        public void setRequestProperty(String key, String value) {
            jdk.setRequestProperty(key, value);
        }

        @Override
        public void addRequestProperty(String key, String value) {
            jdk.addRequestProperty(key, value);
        }

        @Override
        public String getRequestProperty(String key) {
            return jdk.getRequestProperty(key);
        }

        @Override
        public Map<String, List<String>> getRequestProperties() {
            return jdk.getRequestProperties();
        }

        @Override
        public void setDoOutput(boolean doOutput) {
            jdk.setDoOutput(doOutput);
        }

        @Override
        public boolean getDoOutput() {
            return jdk.getDoOutput();
        }

        @Override
        public void setDoInput(boolean doInput) {
            jdk.setDoInput(doInput);
        }

        @Override
        public boolean getDoInput() {
            return jdk.getDoInput();
        }

        @Override
        public void setInstanceFollowRedirects(boolean followRedirects) {
            jdk.setInstanceFollowRedirects(followRedirects);
        }

        @Override
        public boolean getInstanceFollowRedirects() {
            return jdk.getInstanceFollowRedirects();
        }

        @Override
        public void setConnectTimeout(int timeout) {
            jdk.setConnectTimeout(timeout);
        }

        @Override
        public int getConnectTimeout() {
            return jdk.getConnectTimeout();
        }

        @Override
        public void setReadTimeout(int timeout) {
            jdk.setReadTimeout(timeout);
        }

        @Override
        public int getReadTimeout() {
            return jdk.getReadTimeout();
        }

        @Override
        public void setUseCaches(boolean useCaches) {
            jdk.setUseCaches(useCaches);
        }

        @Override
        public boolean getUseCaches() {
            return jdk.getUseCaches();
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            return jdk.getOutputStream();
        }

        @Override
        public InputStream getInputStream() throws IOException {
            return jdk.getInputStream();
        }

        @Override
        public InputStream getErrorStream() {
            return jdk.getErrorStream();
        }

        @Override
        public int getResponseCode() throws IOException {
            return jdk.getResponseCode();
        }

        @Override
        public String getResponseMessage() throws IOException {
            return jdk.getResponseMessage();
        }

        @Override
        public String getHeaderField(String name) {
            return jdk.getHeaderField(name);
        }

        @Override
        public String getHeaderField(int n) {
            return jdk.getHeaderField(n);
        }

        @Override
        public String getHeaderFieldKey(int n) {
            return jdk.getHeaderFieldKey(n);
        }

        @Override
        public Map<String, List<String>> getHeaderFields() {
            return jdk.getHeaderFields();
        }

        @Override
        public long getContentLengthLong() {
            return jdk.getContentLengthLong();
        }

        @Override
        public String getContentType() {
            return jdk.getContentType();
        }

        @Override
        public Permission getPermission() throws IOException {
            return jdk.getPermission();
        }

        @Override
        public String toString() {
            return jdk.toString();
        }
    }
}
