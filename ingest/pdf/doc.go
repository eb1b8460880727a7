// Package pdf extracts trustworthy text from PDF files for ingestion, on top
// of github.com/ledongthuc/pdf's object parser with its own content-stream
// interpreter.
//
// Each page yields text in content order with its page number. Text drawn to
// be unseen (render mode 3, white fill outside dark areas, fonts under 1pt,
// off-page, fully transparent) is dropped and reported as a loss: it is a
// known way to plant instructions for a language model. Words glued together
// by producers that position words instead of writing spaces (pdfTeX,
// Ghostscript) are detected and re-spaced from glyph positions; pages whose
// text does not decode (unsupported CJK encodings, fonts without a text
// mapping) are rejected with a reason instead of indexed as noise. Files
// encrypted without a user password are decrypted in memory (pdfcpu). A file
// without any text gets an error wrapping ingest.ErrEmpty that says "no text
// layer (scanned?)".
//
// The parser can panic outside its own recovery or loop for ever on hostile
// files, so a Loader with a Command runs extraction in a child process
// (ServeChild) bounded in time, CPU and memory, which dies with its parent
// (even when the parent is killed with SIGKILL).
//
// pdf imports ingest and retrieval, and no other part of answerdesk.
package pdf
