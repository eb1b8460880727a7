// Package llmtest provides a scriptable httptest server that speaks the
// OpenAI chat-completions (plain and SSE streaming) and embeddings wire
// format, for testing answer/llm and anything built on it without a real
// provider: scripted errors, 429 with Retry-After, slow and malformed
// responses, and a deterministic embedding (a hashed bag of the project
// analyzer's terms) for plumbing checks.
//
// It imports only the standard library and retrieval (for the analyzer).
package llmtest
