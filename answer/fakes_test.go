package answer_test

import (
	"context"
	"errors"
	"sort"
	"sync"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/retrieval"
)

// memIndex is an in-memory BM25 retriever over chunks: a real (small)
// implementation of answer.Retriever with the embedded store's scoring
// and SelfScore, plus a switch to simulate an outage.
type memIndex struct {
	mu      sync.Mutex
	chunks  []memChunk
	df      map[string]int
	total   int
	down    error // returned by Search when set
	queries []retrieval.Query
}

type memChunk struct {
	c   retrieval.Chunk
	tf  map[string]int
	len int
}

func (m *memIndex) add(cs ...retrieval.Chunk) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.df == nil {
		m.df = map[string]int{}
	}
	for _, c := range cs {
		if c.Tenant == "" {
			c.Tenant = "acme"
		}
		if c.Kind == "" {
			c.Kind = retrieval.KindDoc
		}
		if c.ID == "" {
			c.ID = c.DocumentID + "#0"
		}
		tf, n := retrieval.DefaultAnalyzer.TermFreqs(retrieval.IndexText(c))
		for t := range tf {
			m.df[t]++
		}
		m.total += n
		m.chunks = append(m.chunks, memChunk{c, tf, n})
	}
}

func (m *memIndex) Search(ctx context.Context, q retrieval.Query) (retrieval.Result, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.queries = append(m.queries, q)
	if m.down != nil {
		return retrieval.Result{}, m.down
	}
	if q.Tenant == "" {
		return retrieval.Result{}, errors.New("invalid: empty tenant")
	}
	n := len(m.chunks)
	avg := float64(m.total) / float64(max(1, n))
	terms := map[string]bool{}
	for _, t := range retrieval.DefaultAnalyzer.Terms(q.Text) {
		terms[t] = true
	}
	var res retrieval.Result
	for t := range terms {
		res.SelfScore += retrieval.IDF(m.df[t], n) * (retrieval.BM25K1 + 1)
		if m.df[t] > 0 {
			res.Terms = append(res.Terms, t)
		}
	}
	sort.Strings(res.Terms)
	for _, d := range m.chunks {
		if d.c.Tenant != q.Tenant {
			continue
		}
		s := 0.0
		for t := range terms {
			if tf := d.tf[t]; tf > 0 {
				s += retrieval.IDF(m.df[t], n) * retrieval.BM25TF(float64(tf), float64(d.len), avg)
			}
		}
		if s > 0 {
			res.Hits = append(res.Hits, retrieval.Hit{Chunk: d.c, Score: s, SparseScore: s})
		}
	}
	sort.SliceStable(res.Hits, func(i, j int) bool { return res.Hits[i].Score > res.Hits[j].Score })
	k := q.K
	if k == 0 {
		k = retrieval.DefaultK
	}
	if len(res.Hits) > k {
		res.Hits = res.Hits[:k]
	}
	for i := range res.Hits {
		res.Hits[i].SparseRank = i + 1
	}
	return res, nil
}

// generatorFunc is a scripted answer.Generator.
type generatorFunc func(ctx context.Context, in answer.GenerateInput) (answer.Generation, error)

func (f generatorFunc) Generate(ctx context.Context, in answer.GenerateInput, onToken func(string)) (answer.Generation, error) {
	return f(ctx, in)
}

// rewriterFunc is a scripted answer.Rewriter.
type rewriterFunc func(history []answer.Message, q string) (string, error)

func (f rewriterFunc) Rewrite(ctx context.Context, history []answer.Message, q string) (string, error) {
	return f(history, q)
}

// failingTickets is a TicketWriter whose database is down.
type failingTickets struct{}

func (failingTickets) CreateTicket(context.Context, answer.Ticket) (answer.Ticket, error) {
	return answer.Ticket{}, errors.New("database is locked")
}

// lumenKB is a small knowledge base for the fictional Lumen hub.
func lumenKB() *memIndex {
	m := &memIndex{}
	m.add(
		retrieval.Chunk{ID: "faq-reset", DocumentID: "faq.csv#reset", Kind: retrieval.KindFAQ, Lang: "en",
			Title: "How do I factory reset the Lumen hub?", URL: "https://help.lumen.example/faq#reset", Heading: "Setup",
			Text: "How do I factory reset the Lumen hub?\nHold the reset button on the back of the hub for 10 seconds until the ring light blinks amber. The hub restarts with factory settings."},
		retrieval.Chunk{ID: "guide-1", DocumentID: "guide.md", Lang: "en", Title: "Lumen Hub User Guide", URL: "https://help.lumen.example/guide",
			Heading: "Lumen Hub User Guide › Motion sensors", Page: 4,
			Text: "Motion sensors pair over Zigbee. To pair a motion sensor, open the Lumen app and tap Add device. Then press the pairing button on the sensor until its LED flashes green. The sensor battery lasts about two years."},
		retrieval.Chunk{ID: "guide-2", DocumentID: "guide.md", Lang: "en", Title: "Lumen Hub User Guide", URL: "https://help.lumen.example/guide",
			Heading: "Lumen Hub User Guide › Wi-Fi", Page: 5,
			Text: "The hub supports 2.4 GHz Wi-Fi networks only. If the hub does not connect, move it closer to the router and restart it."},
		retrieval.Chunk{ID: "guide-ru-1", DocumentID: "guide.ru.md", Lang: "ru", Title: "Руководство Lumen Hub",
			Heading: "Датчики движения",
			Text:    "Датчики движения подключаются по Zigbee. Чтобы подключить датчик движения, откройте приложение Lumen и нажмите «Добавить устройство». Батарея датчика работает около двух лет."},
		retrieval.Chunk{ID: "price-1", DocumentID: "pricing.md", Lang: "en", Title: "Lumen pricing",
			Text: "The Lumen motion sensor costs 29 euros. The Lumen hub costs 129 euros."},
		retrieval.Chunk{ID: "other-tenant", DocumentID: "secret.md", Tenant: "globex", Lang: "en", Title: "Globex canary",
			Text: "Canary: the reset password for Globex hubs is swordfish."},
	)
	return m
}
