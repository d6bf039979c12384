package io.artifactstore.attestations;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an uploaded attestation as it streams by: the bytes are fed to a non-blocking JSON
 * parser chunk by chunk ({@link #feed}), and only the fields the index needs are kept (a DSSE
 * envelope's {@code payloadType}, {@code payload} and {@code signatures}; a Sigstore bundle's
 * {@code dsseEnvelope}; an in-toto Statement's {@code _type}, {@code subject},
 * {@code predicateType}, and a witness collection's {@code name} and attestation types).
 * Everything else is parsed for syntax and dropped.
 *
 * <p>Formats: DSSE (secure-systems-lab/dsse envelope.md), in-toto Statement v0.1 and v1
 * (in-toto/attestation spec), Sigstore bundle v0.1-v0.3 ({@code dsseEnvelope}), witness
 * attestation collections ({@value #WITNESS_COLLECTION}).
 *
 * <p>Failures, as {@link ApiException}: {@code invalid_json} for bytes that are not one JSON
 * document; {@code invalid_envelope} for a DSSE envelope (or bundle envelope) with a field
 * missing, of the wrong type, or not base64.
 */
public final class DocumentScanner {

  /** The predicate type of a witness attestation collection. */
  public static final String WITNESS_COLLECTION =
      "https://witness.testifysec.com/attestation-collection/v0.1";

  private static final String BUNDLE_MEDIA_TYPE = "application/vnd.dev.sigstore.bundle";

  /** The most signatures an envelope may carry (each is checked against the trusted keys). */
  public static final int MAX_SIGNATURES = 16;

  /** Where a path's segments are escaped (JSON Pointer's ~0 and ~1, and ~2 for '#'). */
  private static String segment(String name) {
    return name.replace("~", "~0").replace("/", "~1").replace("#", "~2");
  }

  private static final class Frame {
    final boolean array;
    final String path;
    String field;

    Frame(boolean array, String path) {
      this.array = array;
      this.path = path;
    }
  }

  private final JsonParser parser;
  private final ByteArrayFeeder feeder;
  private final ArrayDeque<Frame> stack = new ArrayDeque<>();
  private final Map<String, String> strings = new LinkedHashMap<>();
  private final Map<String, Object> wrongTypes = new LinkedHashMap<>();
  private final List<String[]> rootSignatures = new ArrayList<>();
  private final List<String[]> bundleSignatures = new ArrayList<>();
  private final List<String> subjectNames = new ArrayList<>();
  private final List<Map<String, String>> subjectDigests = new ArrayList<>();
  private final List<String> attestationTypes = new ArrayList<>();
  private final java.util.Set<String> arrays = new java.util.HashSet<>();
  private boolean done;

  /** A scanner for one document of at most {@code maxBytes} bytes. */
  public DocumentScanner(long maxBytes) {
    JsonFactory factory = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxStringLength((int) Math.min(Integer.MAX_VALUE, Math.max(maxBytes, 1024)))
            .maxNestingDepth(256).maxNameLength(1024).build())
        .build();
    try {
      parser = factory.createNonBlockingByteArrayParser();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
  }

  /** Feeds the next bytes of the document. {@code invalid_json} as soon as they cannot be JSON. */
  public void feed(byte[] bytes, int offset, int length) {
    try {
      feeder.feedInput(bytes, offset, offset + length);
      drain();
    } catch (IOException e) {
      throw invalidJson(e);
    }
  }

  /**
   * Ends the document and answers what it is. {@code invalid_json} when it was cut short, empty,
   * or followed by more than whitespace; {@code invalid_envelope} as above.
   */
  public ScannedDocument finish() {
    try {
      feeder.endOfInput();
      drain();
    } catch (IOException e) {
      throw invalidJson(e);
    }
    if (!done) {
      throw new ApiException(ErrorCode.INVALID_JSON, "the body is not a complete JSON document");
    }
    return classify();
  }

  private void drain() throws IOException {
    JsonToken t;
    while ((t = parser.nextToken()) != null && t != JsonToken.NOT_AVAILABLE) {
      if (done) {
        throw new ApiException(ErrorCode.INVALID_JSON, "the body holds more than one JSON value");
      }
      token(t);
    }
  }

  /**
   * The JSON path of the value about to be read, or null below {@value #MAX_PATH_DEPTH} levels:
   * every path the index reads is shallower, so deeper ones are never built (a document of long
   * names nested deep costs no more than its size).
   */
  private String valuePath() {
    Frame top = stack.peek();
    if (top == null) {
      return "";
    }
    if (top.path == null || stack.size() > MAX_PATH_DEPTH) {
      return null;
    }
    return top.path + "/" + (top.array ? "#" : segment(top.field));
  }

  /** The deepest level whose paths are built. */
  private static final int MAX_PATH_DEPTH = 4;

  /** Paths whose arrays and non-string values matter to the classification. */
  private static final java.util.Set<String> SHAPES = java.util.Set.of("/signatures",
      "/dsseEnvelope/signatures", "/payload", "/payloadType", "/dsseEnvelope/payload",
      "/dsseEnvelope/payloadType", "/signatures/#/sig", "/dsseEnvelope/signatures/#/sig");

  /** At most this many subjects, signatures and attestation types are read. */
  static final int MAX_ENTRIES = 1000;

  private void token(JsonToken t) throws IOException {
    switch (t) {
      case START_OBJECT, START_ARRAY -> {
        String path = valuePath();
        if (path != null) {
          if (t == JsonToken.START_OBJECT) {
            started(path);
          } else if (SHAPES.contains(path)) {
            arrays.add(path);
          }
        }
        stack.push(new Frame(t == JsonToken.START_ARRAY, path));
      }
      case END_OBJECT, END_ARRAY -> {
        stack.pop();
        done = stack.isEmpty();
      }
      case FIELD_NAME -> stack.peek().field = parser.currentName();
      default -> {
        String path = valuePath();
        if (path != null) {
          if (t == JsonToken.VALUE_STRING) {
            value(path, parser.getText());
          } else if (SHAPES.contains(path)) {
            wrongTypes.put(path, t);
          }
        }
        if (stack.isEmpty()) {
          done = true;
        }
      }
    }
  }

  private void started(String path) {
    switch (path) {
      case "/signatures/#" -> rootSignatures.add(new String[2]);
      case "/dsseEnvelope/signatures/#" -> bundleSignatures.add(new String[2]);
      case "/subject/#" -> {
        if (subjectNames.size() < MAX_ENTRIES) {
          subjectNames.add(null);
          subjectDigests.add(new LinkedHashMap<>());
        } else {
          subjectsCut = true;
        }
      }
      default -> { }
    }
  }

  private boolean subjectsCut;

  private void value(String path, String text) {
    if (text.indexOf('\0') >= 0) {
      return; // never indexed (PostgreSQL's text cannot hold NUL)
    }
    if (subjectsCut && path.startsWith("/subject/#/")) {
      return; // beyond the subjects indexed
    }
    if (path.startsWith("/subject/#/digest/") && !subjectDigests.isEmpty()
        && path.indexOf('/', "/subject/#/digest/".length()) < 0) {
      subjectDigests.get(subjectDigests.size() - 1)
          .put(unescape(path.substring("/subject/#/digest/".length())), text);
      return;
    }
    switch (path) {
      case "/subject/#/name" -> {
        if (!subjectNames.isEmpty()) {
          subjectNames.set(subjectNames.size() - 1, text);
        }
      }
      case "/signatures/#/keyid" -> last(rootSignatures)[0] = text;
      case "/signatures/#/sig" -> last(rootSignatures)[1] = text;
      case "/dsseEnvelope/signatures/#/keyid" -> last(bundleSignatures)[0] = text;
      case "/dsseEnvelope/signatures/#/sig" -> last(bundleSignatures)[1] = text;
      case "/predicate/attestations/#/type" -> {
        if (attestationTypes.size() < MAX_ENTRIES) {
          attestationTypes.add(text);
        }
      }
      case "/payload", "/payloadType", "/dsseEnvelope/payload", "/dsseEnvelope/payloadType",
          "/mediaType", "/_type", "/predicateType", "/predicate/name" -> strings.put(path, text);
      default -> { }
    }
  }

  private static String[] last(List<String[]> list) {
    return list.isEmpty() ? new String[2] : list.get(list.size() - 1);
  }

  private static String unescape(String s) {
    return s.replace("~2", "#").replace("~1", "/").replace("~0", "~");
  }

  private ScannedDocument classify() {
    boolean rootEnvelope = strings.containsKey("/payload") || strings.containsKey("/payloadType")
        || wrongTypes.containsKey("/payload") || wrongTypes.containsKey("/payloadType");
    String mediaType = strings.get("/mediaType");
    if (rootEnvelope) {
      return envelope(ScannedDocument.Kind.DSSE, "", rootSignatures);
    }
    if (mediaType != null && mediaType.startsWith(BUNDLE_MEDIA_TYPE)
        && (strings.containsKey("/dsseEnvelope/payload")
            || strings.containsKey("/dsseEnvelope/payloadType"))) {
      return envelope(ScannedDocument.Kind.SIGSTORE_BUNDLE, "/dsseEnvelope", bundleSignatures);
    }
    ScannedDocument.Statement statement = statement();
    if (statement != null) {
      return new ScannedDocument(ScannedDocument.Kind.STATEMENT, null, null, List.of(),
          statement);
    }
    return new ScannedDocument(ScannedDocument.Kind.OTHER, null, null, List.of(), null);
  }

  private ScannedDocument envelope(ScannedDocument.Kind kind, String prefix,
      List<String[]> signatures) {
    String payloadType = strings.get(prefix + "/payloadType");
    String payload = strings.get(prefix + "/payload");
    if (payloadType == null || payload == null) {
      throw invalidEnvelope("payloadType and payload must both be strings");
    }
    if (!arrays.contains(prefix + "/signatures")) {
      throw invalidEnvelope("signatures must be an array of {keyid, sig}");
    }
    if (signatures.size() > MAX_SIGNATURES) {
      throw invalidEnvelope("more than " + MAX_SIGNATURES + " signatures");
    }
    byte[] decodedPayload = base64(payload, "payload");
    List<ScannedDocument.EnvelopeSignature> sigs = new ArrayList<>();
    for (String[] s : signatures) {
      if (s[1] == null) {
        throw invalidEnvelope("every signature needs sig, a base64 string");
      }
      sigs.add(new ScannedDocument.EnvelopeSignature(s[0] == null ? "" : s[0],
          base64(s[1], "sig")));
    }
    ScannedDocument.Statement statement = null;
    DocumentScanner inner = new DocumentScanner(decodedPayload.length + 1L);
    try {
      inner.feed(decodedPayload, 0, decodedPayload.length);
      ScannedDocument d = inner.finish();
      statement = d.kind() == ScannedDocument.Kind.STATEMENT ? d.statement() : null;
    } catch (ApiException notJson) {
      // A payload that is not an in-toto Statement is signed bytes all the same.
    }
    return new ScannedDocument(kind, payloadType, decodedPayload, List.copyOf(sigs), statement);
  }

  /** The Statement at the root, or null when the root is not one. */
  private ScannedDocument.Statement statement() {
    String type = strings.get("/_type");
    if (type == null || !type.startsWith("https://in-toto.io/Statement/")) {
      return null;
    }
    List<ScannedDocument.Subject> subjects = new ArrayList<>();
    for (int i = 0; i < subjectNames.size(); i++) {
      subjects.add(new ScannedDocument.Subject(subjectNames.get(i) == null ? ""
          : subjectNames.get(i), Map.copyOf(subjectDigests.get(i))));
    }
    String predicateType = strings.get("/predicateType");
    boolean collection = WITNESS_COLLECTION.equals(predicateType);
    return new ScannedDocument.Statement(type, predicateType, List.copyOf(subjects),
        collection ? strings.get("/predicate/name") : null,
        collection ? List.copyOf(attestationTypes) : List.of());
  }

  private static byte[] base64(String text, String field) {
    try {
      return text.indexOf('-') >= 0 || text.indexOf('_') >= 0
          ? Base64.getUrlDecoder().decode(text) : Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw invalidEnvelope(field + " is not base64: " + e.getMessage());
    }
  }

  private static ApiException invalidEnvelope(String why) {
    return new ApiException(ErrorCode.INVALID_ENVELOPE, "the DSSE envelope is not valid: " + why
        + "; nothing was stored");
  }

  private static ApiException invalidJson(IOException e) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage().split("\n")[0];
    return new ApiException(ErrorCode.INVALID_JSON, "the body is not valid JSON: " + message
        + "; nothing was stored");
  }
}
