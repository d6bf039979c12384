package io.artifactstore.cli.client;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The JVM's default TLS context ({@link SSLContext#getDefault()}), made when it is first used.
 * The JDK's HTTP client asks for its TLS context when it is built, and the default one reads
 * the trusted certificates and sets up every cipher suite first: 0.13 s of a client command's
 * start, before its first request. A client of an {@code http://} server is given this context
 * instead; it costs nothing unless the server redirects to {@code https://}, and then it is the
 * default context, trust and all.
 *
 * <p>Such a client must also be given its {@link SSLParameters} ({@link #parameters()}): the
 * HTTP client otherwise asks the context for its defaults when it is built. Parameters that name
 * no protocols and no cipher suites leave a connection's engine with the default context's own.
 * The JDK's client offers HTTP/2 over TLS only when the parameters name TLS 1.2 or newer, so a
 * client with these parameters speaks HTTP/1.1 (ApiClient asks for it anyway).
 */
final class DeferredTls extends SSLContext {

  private final Spi spi;

  DeferredTls() {
    this(new Spi());
  }

  private DeferredTls(Spi spi) {
    super(spi, null, "Default");
    this.spi = spi;
  }

  /** Whether the default context has been made (a TLS connection was asked for). */
  boolean made() {
    return spi.context != null;
  }

  /** The parameters to build the HTTP client with: the engine's defaults stand. */
  static SSLParameters parameters() {
    return new SSLParameters();
  }

  private static final class Spi extends SSLContextSpi {

    private volatile SSLContext context;

    private SSLContext context() {
      SSLContext c = context;
      if (c == null) {
        try {
          c = SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
          throw new IllegalStateException("no default TLS context: " + e.getMessage(), e);
        }
        context = c;
      }
      return c;
    }

    @Override
    protected void engineInit(KeyManager[] keys, TrustManager[] trust, SecureRandom random) {
      throw new UnsupportedOperationException("the default TLS context is not initialized");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return context().getSocketFactory();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      return context().getServerSocketFactory();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      return context().createSSLEngine();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      return context().createSSLEngine(host, port);
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return context().getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return context().getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      return context().getDefaultSSLParameters();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return context().getSupportedSSLParameters();
    }
  }
}
