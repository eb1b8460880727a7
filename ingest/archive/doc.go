// Package archive opens uploaded .zip archives of documents safely and
// yields their entries as ingest Sources.
//
// Everything is validated from the central directory before a byte is
// inflated: the archive size, the entry count, each entry's declared size,
// the total declared size and the compression ratio; names that could
// escape a directory or mislead a person (.., absolute paths, drive letters,
// backslashes, control and bidi characters, Windows device names, very long
// or deep paths), symlinks and nested archives. A hostile entry rejects the
// whole archive; entries of unsupported types are skipped and reported.
// Reading an entry is bounded again by its declared size, because headers
// can lie.
//
// archive imports ingest, and no other part of answerdesk.
package archive
