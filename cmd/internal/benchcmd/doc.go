// Package benchcmd is answerdesk's bench command: build a man-page data
// directory for load measurements, or drive a running server's answer
// route (api/apibench) and report its latency and throughput.
//
// It must not import another command package; the man-page data directory
// is written with the embedded store, the one the load is measured on.
package benchcmd
