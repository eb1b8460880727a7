// Package llm connects answerdesk to language models and embedding models
// through langchaingo: OpenAI-compatible endpoints (OpenAI, vLLM, llama.cpp
// server, LM Studio, TEI), Ollama and Anthropic.
//
// It owns the grounded prompt (embedded templates), the verification of
// what a model wrote (citations, lexical support, numbers and names, active
// content, the canary), retries within a budget, the circuit breaker, the
// follow-up Rewriter and the Embedder used for dense retrieval. A Client
// implements answer.Generator and answer.Rewriter; an Embedder implements
// answer.QueryEmbedder and the ingestion pipeline's document embedder.
//
// Escalation is never decided here: a Generation reports what survived
// verification and the answer engine decides in code.
//
// # Streaming
//
// Generate passes text to onToken as the provider streams it. Streamed text
// is provisional: it has not been verified, a retried attempt streams again
// from the start, and sentences may later be dropped. A frontend must render
// streamed text as plain text (never as HTML or Markdown with links) in a
// provisional area and replace it wholly with the final event's verified
// answer or escalation. Text that could be the start of the canary is held
// back and nothing more is streamed once the canary appears.
//
// This package must not import api, cmd, ingest or the googleai provider,
// and never uses langchaingo's token splitter or CountTokens (they download
// BPE files at run time): tokens are estimated offline (EstimateTokens).
package llm
