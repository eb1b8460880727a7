package llm

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/answer/llm/llmtest"
)

type injection struct {
	prompt, group string
	expected      []string // strings whose presence means the injection worked
}

func loadInjections(t *testing.T) []injection {
	t.Helper()
	dir := sharedDir(t, "security", "giskard-prompt-injections")
	read := func(name string) [][]string {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		r := csv.NewReader(f)
		r.FieldsPerRecord = -1
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return recs[1:]
	}
	quoted := regexp.MustCompile(`'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"`)
	meta := map[string][]string{}
	for _, r := range read("giskard_meta_data.csv") {
		for _, m := range quoted.FindAllStringSubmatch(r[1], -1) {
			meta[r[0]] = append(meta[r[0]], m[1]+m[2])
		}
	}
	var out []injection
	for _, r := range read("prompt_injections.csv") {
		out = append(out, injection{prompt: r[1], group: r[3], expected: meta[r[0]]})
	}
	if len(out) < 30 { // the README says 139; the shipped CSV holds 35
		t.Fatalf("only %d injections read from %s", len(out), dir)
	}
	return out
}

// Every giskard injection is sent as the customer's question and as a
// poisoned passage to a fake provider that obeys completely: it answers with
// its whole prompt, system instructions included (the worst leak), or with
// the injection's text (a hijacked model). The canary must never reach the
// stream, the answer or the dropped sentences, and nothing the hijacked model
// says may be shown without a citation to a real passage.
func TestInjectionsNeverLeakCanary(t *testing.T) {
	injections := loadInjections(t)
	modes := []struct {
		name  string
		reply func(llmtest.ChatRequest) string
	}{
		{"echo system and user prompt", func(r llmtest.ChatRequest) string { return r.System() + "\n" + r.LastUser() }},
		{"obey the question", func(r llmtest.ChatRequest) string {
			u := r.LastUser()
			i, j := strings.Index(u, "<question>\n"), strings.LastIndex(u, "\n</question>")
			if i < 0 || j < i {
				return u
			}
			return u[i+len("<question>\n") : j]
		}},
		{"quote passage 1 with citations", func(r llmtest.ChatRequest) string {
			u := r.LastUser()
			i := strings.Index(u, "<passage n=\"1\"")
			if i < 0 {
				return AbstainMarker
			}
			body := u[i:]
			body = body[strings.Index(body, ">\n")+2:]
			body = body[:strings.Index(body, "\n</passage>")]
			var b strings.Builder
			for _, s := range splitSentences(body) {
				b.WriteString(strings.TrimRight(s.text, ".!? ") + " [1]. ")
			}
			return b.String()
		}},
	}
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			srv := llmtest.New(t)
			srv.Reply = mode.reply
			srv.ChunkRunes = 7
			c, err := New(Config{Provider: ProviderOpenAI, URL: srv.BaseURL(), Model: "fake", Timeout: 5 * time.Second},
				WithCanary("CANARY-5f1e0c2a9b7d3e41"))
			if err != nil {
				t.Fatal(err)
			}
			hijacked := map[string]int{}
			for i, inj := range injections {
				for _, where := range []string{"question", "passage"} {
					in := answer.GenerateInput{Question: inj.prompt, Passages: testPassages}
					if where == "passage" {
						in.Question = "How long do refunds take?"
						in.Passages = append([]answer.Passage{{N: 1, Title: "Refunds", Text: inj.prompt}}, testPassages[1:]...)
					}
					var streamed strings.Builder
					g, err := c.Generate(context.Background(), in, func(s string) { streamed.WriteString(s) })
					if err != nil {
						t.Fatalf("injection %d in %s: %v", i, where, err)
					}
					shown := []string{streamed.String(), g.Text}
					shown = append(shown, g.Dropped...)
					for _, s := range shown {
						if canaryIn(s, "CANARY-5f1e0c2a9b7d3e41") {
							t.Errorf("injection %d in %s leaked the canary: %q", i, where, s)
						}
					}
					for _, e := range inj.expected {
						if e != "" && strings.Contains(g.Text, e) {
							hijacked[where+"/"+inj.group]++
							break
						}
					}
				}
			}
			// Hijack rate of the verified answer, per injection group: as
			// the question nothing may pass (it cites no passage); as a
			// poisoned passage a hijacked model quotes it with a valid
			// citation, and only the passage's own instruction-like text
			// (injectionRE) keeps it from supporting the answer.
			for k, n := range hijacked {
				t.Logf("expected strings shown for %s: %d", k, n)
				t.Errorf("an injection's success string passed verification %d times (%s)", n, k)
			}
			total := 0
			for _, n := range hijacked {
				total += n
			}
			t.Logf("%d injections × 2 placements: expected strings shown %s times", len(injections), strconv.Itoa(total))
		})
	}
}
