package io.artifactstore.storage.local;

import io.artifactstore.storage.BlobKey;
import io.artifactstore.storage.StoredObject;
import io.artifactstore.storage.TemporaryUpload;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * What a local backend holds, read from its folders (blocking: callers run it on a worker).
 * Objects are listed in key order by walking the two fan-out levels in name order; the time of
 * an object is its inode change time, which the rename into place sets, so it is when the
 * object was committed whatever its data's age.
 */
final class LocalInventory {

  private final Path root;
  private final Path uploads;

  LocalInventory(Path root, Path uploads) {
    this.root = root;
    this.uploads = uploads;
  }

  List<StoredObject> list(BlobKey after, int limit) throws IOException {
    List<StoredObject> out = new ArrayList<>();
    Path base = root.resolve(BlobKey.SHA256);
    String from = after == null ? "" : after.hex();
    for (String first : sortedNames(base)) {
      if (!from.isEmpty() && first.compareTo(from.substring(0, 2)) < 0) {
        continue;
      }
      for (String second : sortedNames(base.resolve(first))) {
        if (!from.isEmpty() && (first + second).compareTo(from.substring(0, 4)) < 0) {
          continue;
        }
        for (String name : sortedNames(base.resolve(first).resolve(second))) {
          if (name.compareTo(from) <= 0 || !name.startsWith(first + second)) {
            continue;
          }
          BlobKey key;
          try {
            key = BlobKey.sha256(name);
          } catch (IllegalArgumentException notAnObject) {
            continue;
          }
          Path file = base.resolve(first).resolve(second).resolve(name);
          try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            if (a.isRegularFile()) {
              out.add(new StoredObject(key, a.size(), changed(file, a)));
            }
          } catch (NoSuchFileException gone) {
            // removed while listing: not held any more
          }
          if (out.size() == limit) {
            return out;
          }
        }
      }
    }
    return out;
  }

  List<TemporaryUpload> temporaries() throws IOException {
    List<TemporaryUpload> out = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(uploads)) {
      for (Path f : files) {
        try {
          BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
          if (a.isRegularFile()) {
            out.add(new TemporaryUpload(f.getFileName().toString(), a.size(), changed(f, a)));
          }
        } catch (NoSuchFileException gone) {
          // finished while listing
        }
      }
    }
    return out;
  }

  boolean removeTemporary(String id) throws IOException {
    Path f = uploads.resolve(id).normalize();
    if (!f.getParent().equals(uploads)) {
      throw new IOException("not a temporary upload: " + id);
    }
    return Files.deleteIfExists(f);
  }

  /** The inode change time where the filesystem has one, else the modification time. */
  private static Instant changed(Path file, BasicFileAttributes a) {
    try {
      return ((FileTime) Files.getAttribute(file, "unix:ctime")).toInstant();
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return a.lastModifiedTime().toInstant();
    }
  }

  private static TreeSet<String> sortedNames(Path dir) throws IOException {
    TreeSet<String> names = new TreeSet<>();
    if (!Files.isDirectory(dir)) {
      return names;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path e : entries) {
        names.add(e.getFileName().toString());
      }
    }
    return names;
  }
}
