package llmtest

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/retrieval"
)

// Step scripts one response. The zero Step answers normally with Reply.
type Step struct {
	// Status, when not 0 or 200, is returned with an OpenAI error body.
	Status int
	// RetryAfter is sent as the Retry-After header when not empty.
	RetryAfter string
	// Delay before the response starts (a slow provider).
	Delay time.Duration
	// Content replaces Reply's answer for this step.
	Content string
	// Raw, when set, is written as the body verbatim with status 200 (a
	// malformed response).
	Raw string
	// ChunkDelay between streamed chunks.
	ChunkDelay time.Duration
	// Hang keeps the connection open without answering until the client
	// gives up.
	Hang bool
}

// ChatMessage is one message of a chat request.
type ChatMessage struct {
	Role    string
	Content string
}

// ChatRequest is a received chat-completions request.
type ChatRequest struct {
	Model       string
	Messages    []ChatMessage
	Stream      bool
	Temperature float64
	// MaxTokens and MaxCompletionTokens as sent (max_tokens, the field
	// self-hosted servers know, and OpenAI's newer max_completion_tokens).
	MaxTokens           int
	MaxCompletionTokens int
}

// LastUser returns the content of the last user message.
func (r ChatRequest) LastUser() string {
	for i := len(r.Messages) - 1; i >= 0; i-- {
		if r.Messages[i].Role == "user" {
			return r.Messages[i].Content
		}
	}
	return ""
}

// System returns the content of the system message.
func (r ChatRequest) System() string {
	for _, m := range r.Messages {
		if m.Role == "system" {
			return m.Content
		}
	}
	return ""
}

// EmbedRequest is a received embeddings request.
type EmbedRequest struct {
	Model string
	Input []string
}

// Server is a fake OpenAI-compatible provider. Its base URL for clients is
// URL()+"/v1".
type Server struct {
	*httptest.Server

	// Reply answers a chat request when no scripted Content applies; the
	// default echoes the last user message.
	Reply func(ChatRequest) string
	// Dim is the size of the deterministic embeddings (default 64).
	Dim int
	// ChunkRunes is the size of streamed chunks in runes (default 4).
	ChunkRunes int

	mu      sync.Mutex
	chat    []Step
	embed   []Step
	chats   []ChatRequest
	embeds  []EmbedRequest
	hits    int
	closeCh chan struct{}
}

// New starts a Server closed at the end of the test.
func New(tb testing.TB) *Server {
	tb.Helper()
	s := NewServer()
	tb.Cleanup(s.Close)
	return s
}

// NewServer starts a Server; the caller closes it.
func NewServer() *Server {
	s := &Server{Reply: Echo, Dim: 64, ChunkRunes: 4, closeCh: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", s.handleChat)
	mux.HandleFunc("POST /v1/embeddings", s.handleEmbed)
	mux.HandleFunc("GET /v1/models", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]any{"object": "list", "data": []any{map[string]any{"id": "fake", "object": "model"}}})
	})
	s.Server = httptest.NewServer(mux)
	return s
}

// Close stops the server, releasing hanging responses first.
func (s *Server) Close() {
	s.mu.Lock()
	select {
	case <-s.closeCh:
	default:
		close(s.closeCh)
	}
	s.mu.Unlock()
	s.Server.Close()
}

// BaseURL is the OpenAI-style base URL (ending in /v1).
func (s *Server) BaseURL() string { return s.URL + "/v1" }

// Script queues steps for chat requests, consumed one per request.
func (s *Server) Script(steps ...Step) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chat = append(s.chat, steps...)
}

// ScriptEmbed queues steps for embedding requests.
func (s *Server) ScriptEmbed(steps ...Step) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.embed = append(s.embed, steps...)
}

// Chats returns the chat requests received so far.
func (s *Server) Chats() []ChatRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ChatRequest(nil), s.chats...)
}

// Embeds returns the embedding requests received so far.
func (s *Server) Embeds() []EmbedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]EmbedRequest(nil), s.embeds...)
}

// Hits counts all requests.
func (s *Server) Hits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits
}

// Echo is the default Reply: the last user message.
func Echo(r ChatRequest) string { return r.LastUser() }

func next(q *[]Step) Step {
	if len(*q) == 0 {
		return Step{}
	}
	st := (*q)[0]
	*q = (*q)[1:]
	return st
}

// wire types of the OpenAI API, decoded leniently.
type wireChat struct {
	Model    string `json:"model"`
	Messages []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
	Stream              bool    `json:"stream"`
	Temperature         float64 `json:"temperature"`
	MaxTokens           int     `json:"max_tokens"`
	MaxCompletionTokens int     `json:"max_completion_tokens"`
}

func contentText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if json.Unmarshal(raw, &parts) == nil {
		var b strings.Builder
		for _, p := range parts {
			b.WriteString(p.Text)
		}
		return b.String()
	}
	return ""
}

func (s *Server) handleChat(w http.ResponseWriter, r *http.Request) {
	var wc wireChat
	if err := json.NewDecoder(io.LimitReader(r.Body, 8<<20)).Decode(&wc); err != nil {
		writeError(w, 400, "invalid JSON body: "+err.Error())
		return
	}
	req := ChatRequest{Model: wc.Model, Stream: wc.Stream, Temperature: wc.Temperature, MaxTokens: wc.MaxTokens, MaxCompletionTokens: wc.MaxCompletionTokens}
	for _, m := range wc.Messages {
		req.Messages = append(req.Messages, ChatMessage{Role: m.Role, Content: contentText(m.Content)})
	}
	s.mu.Lock()
	s.hits++
	s.chats = append(s.chats, req)
	st := next(&s.chat)
	reply := s.Reply
	chunkRunes := s.ChunkRunes
	s.mu.Unlock()
	if !s.prelude(w, r, st) {
		return
	}
	text := st.Content
	if text == "" {
		text = reply(req)
	}
	if !req.Stream {
		writeJSON(w, 200, map[string]any{
			"id": "chatcmpl-fake", "object": "chat.completion", "created": 1, "model": req.Model,
			"choices": []any{map[string]any{"index": 0, "message": map[string]any{"role": "assistant", "content": text}, "finish_reason": "stop"}},
			"usage":   map[string]any{"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
		})
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(200)
	fl, _ := w.(http.Flusher)
	send := func(v any) {
		b, _ := json.Marshal(v)
		fmt.Fprintf(w, "data: %s\n\n", b)
		if fl != nil {
			fl.Flush()
		}
	}
	chunk := func(delta map[string]any, finish any) map[string]any {
		return map[string]any{"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1, "model": req.Model,
			"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}}}
	}
	send(chunk(map[string]any{"role": "assistant", "content": ""}, nil))
	for _, c := range Chunks(text, chunkRunes) {
		if st.ChunkDelay > 0 {
			select {
			case <-time.After(st.ChunkDelay):
			case <-r.Context().Done():
				return
			}
		}
		send(chunk(map[string]any{"content": c}, nil))
	}
	send(chunk(map[string]any{}, "stop"))
	fmt.Fprint(w, "data: [DONE]\n\n")
	if fl != nil {
		fl.Flush()
	}
}

// Chunks splits text into pieces of n runes, as a provider streams it.
func Chunks(text string, n int) []string {
	if n <= 0 {
		n = 4
	}
	var out []string
	rs := []rune(text)
	for i := 0; i < len(rs); i += n {
		j := min(i+n, len(rs))
		out = append(out, string(rs[i:j]))
	}
	return out
}

// prelude applies a step's delay, hang, error and raw body; it reports
// whether the handler should answer normally.
func (s *Server) prelude(w http.ResponseWriter, r *http.Request, st Step) bool {
	if st.Hang {
		select {
		case <-r.Context().Done():
		case <-s.closeCh:
		}
		return false
	}
	if st.Delay > 0 {
		select {
		case <-time.After(st.Delay):
		case <-r.Context().Done():
			return false
		}
	}
	if st.RetryAfter != "" {
		w.Header().Set("Retry-After", st.RetryAfter)
	}
	if st.Status != 0 && st.Status != 200 {
		writeError(w, st.Status, http.StatusText(st.Status))
		return false
	}
	if st.Raw != "" {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		io.WriteString(w, st.Raw)
		return false
	}
	return true
}

type wireEmbed struct {
	Model string          `json:"model"`
	Input json.RawMessage `json:"input"`
}

func (s *Server) handleEmbed(w http.ResponseWriter, r *http.Request) {
	var we wireEmbed
	if err := json.NewDecoder(io.LimitReader(r.Body, 64<<20)).Decode(&we); err != nil {
		writeError(w, 400, "invalid JSON body: "+err.Error())
		return
	}
	var in []string
	if err := json.Unmarshal(we.Input, &in); err != nil {
		var one string
		if err := json.Unmarshal(we.Input, &one); err != nil {
			writeError(w, 400, "'input' must be a string or array of strings")
			return
		}
		in = []string{one}
	}
	s.mu.Lock()
	s.hits++
	s.embeds = append(s.embeds, EmbedRequest{Model: we.Model, Input: in})
	st := next(&s.embed)
	dim := s.Dim
	s.mu.Unlock()
	if !s.prelude(w, r, st) {
		return
	}
	data := make([]any, len(in))
	for i, t := range in {
		data[i] = map[string]any{"object": "embedding", "index": i, "embedding": HashEmbedding(t, dim)}
	}
	writeJSON(w, 200, map[string]any{"object": "list", "data": data, "model": we.Model,
		"usage": map[string]any{"prompt_tokens": len(in), "total_tokens": len(in)}})
}

// HashEmbedding is a deterministic embedding for plumbing checks: the
// analyzer's terms of text hashed into dim buckets with ±1 signs, L2
// normalized. Texts sharing terms get a high cosine; it knows no synonyms
// and no other language, so it measures plumbing, not semantics.
func HashEmbedding(text string, dim int) []float32 {
	if dim <= 0 {
		dim = 64
	}
	v := make([]float32, dim)
	for term, n := range termFreqs(text) {
		h := fnv.New64a()
		io.WriteString(h, term)
		x := h.Sum64()
		sign := float32(1)
		if x>>63 == 1 {
			sign = -1
		}
		v[int(x%uint64(dim))] += sign * float32(1+math.Log(float64(n)))
	}
	var norm float64
	for _, x := range v {
		norm += float64(x) * float64(x)
	}
	if norm == 0 {
		v[0] = 1
		return v
	}
	inv := float32(1 / math.Sqrt(norm))
	for i := range v {
		v[i] *= inv
	}
	return v
}

func termFreqs(text string) map[string]int {
	// Instruction prefixes of e5-style models are not content.
	for _, p := range []string{"query: ", "passage: "} {
		text = strings.TrimPrefix(text, p)
	}
	tf, _ := retrieval.DefaultAnalyzer.TermFreqs(text)
	return tf
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"message": msg, "type": "fake_error", "code": nil}})
}
