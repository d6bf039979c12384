package io.artifactstore.cli.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DeferredTlsTest {

  @Test
  @DisplayName("the deferred context's engines are the default context's: same protocols, cipher"
      + " suites and peer; parameters that name none leave them so; it cannot be re-initialized")
  void actsAsTheDefaultContext() throws Exception {
    SSLContext deferred = new DeferredTls();
    SSLEngine engine = deferred.createSSLEngine("example.test", 443);
    SSLEngine reference = SSLContext.getDefault().createSSLEngine("example.test", 443);
    assertArrayEquals(reference.getEnabledProtocols(), engine.getEnabledProtocols());
    assertArrayEquals(reference.getEnabledCipherSuites(), engine.getEnabledCipherSuites());
    assertEquals("example.test", engine.getPeerHost());
    assertEquals(443, engine.getPeerPort());

    engine.setSSLParameters(DeferredTls.parameters());
    assertArrayEquals(reference.getEnabledProtocols(), engine.getEnabledProtocols());
    assertArrayEquals(reference.getEnabledCipherSuites(), engine.getEnabledCipherSuites());
    assertArrayEquals(SSLContext.getDefault().getDefaultSSLParameters().getProtocols(),
        deferred.getDefaultSSLParameters().getProtocols());
    assertThrows(UnsupportedOperationException.class, () -> deferred.init(null, null, null));
  }

  @Test
  @DisplayName("a client of an http:// server is built without the default TLS context, which is"
      + " made when a TLS connection is first asked for; an https:// server's client has the"
      + " default context from the start")
  void madeOnFirstUse() {
    ApiClient plain = new ApiClient("http://127.0.0.1:9", null, null, new Retries(0, l -> { }));
    DeferredTls deferred = assertInstanceOf(DeferredTls.class, plain.httpClient().sslContext());
    assertFalse(deferred.made());
    deferred.createSSLEngine("example.test", 443);
    assertTrue(deferred.made());

    ApiClient tls = new ApiClient("https://127.0.0.1:9", null, null, new Retries(0, l -> { }));
    assertFalse(tls.httpClient().sslContext() instanceof DeferredTls);
  }
}
