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
// # Verification
//
// After generation every sentence (or list item) must cite, as [n], a
// passage that was retrieved and shown in the prompt; other markers are
// removed. A cited sentence is kept when its numbers and names (capitalized
// words, codes mixing letters and digits) occur in the cited passages and,
// when it is in the passages' language, at least MinSupport of its analyzed
// terms do; a sentence in another script is checked on numbers and names
// only and counts CrossLingualWeight in SupportRatio. Sentences that address
// the assistant ("ignore previous instructions", answer.AddressesAssistant,
// the same screen the engine runs on passages), or whose only sources do,
// are dropped. The abstain marker sets Abstained. An output that reveals the
// canary is withheld whole. Active content is removed before all of this:
// scripts, HTML, images, and links outside AllowedLinkDomains.
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
