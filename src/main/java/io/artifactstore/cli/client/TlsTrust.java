package io.artifactstore.cli.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/** The client's TLS trust: the JVM's default, or the CA certificates of a PEM file. */
final class TlsTrust {

  private TlsTrust() {}

  /** A context trusting exactly the certificates in {@code pem}; null for a null file. */
  static SSLContext context(Path pem) {
    if (pem == null) {
      return null;
    }
    try (InputStream in = Files.newInputStream(pem)) {
      Collection<? extends Certificate> certs =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new ClientException(ExitCodes.USAGE, pem + " holds no PEM certificate");
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate c : certs) {
        store.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException e) {
      throw new ClientException(ExitCodes.USAGE, "cannot read the CA file " + pem + ": " + e);
    } catch (GeneralSecurityException e) {
      throw new ClientException(ExitCodes.USAGE, pem + " is not a PEM file of CA "
          + "certificates: " + e.getMessage());
    }
  }

  /** One line on why a TLS connection failed. */
  static String explain(SSLException e) {
    String m = String.valueOf(e.getMessage());
    if (m.contains("PKIX") || m.contains("certificate")) {
      return "the server's certificate is not trusted (pass its CA with --cacert)";
    }
    return m;
  }
}
