package answer

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// TestTriageOnBanking77 measures the must-escalate topics and the human
// request detector on real customer messages (BANKING77 test split, 3,080
// English banking questions): recall on the intents that are such topics
// (charged twice → refund_dispute, terminate account → account_deletion),
// and how often anything else is escalated at once by triage. Floors are
// loose; the figures are in the log.
func TestTriageOnBanking77(t *testing.T) {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		if filepath.Dir(dir) == dir {
			t.Fatal("go.mod not found")
		}
		dir = filepath.Dir(dir)
	}
	f, err := os.Open(filepath.Join(dir, "..", "shared", "datasets", "banking77-intents", "test.csv"))
	if err != nil {
		if os.Getenv("ANSWERDESK_REQUIRE_SHARED") == "1" {
			t.Fatal(err)
		}
		t.Skip("banking77: ../shared not found")
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"transaction_charged_twice": "refund_dispute", "terminate_account": "account_deletion"}
	tr := newTriager(DefaultConfig())
	hit, total := map[string]int{}, map[string]int{}
	other, otherN, human := map[string]int{}, 0, 0
	for _, r := range rows[1:] {
		text, cat := r[0], r[1]
		got := tr.triage(text, "")
		if got.HumanRequested {
			human++
		}
		if topic, ok := want[cat]; ok {
			total[cat]++
			if got.Topic == topic {
				hit[cat]++
			}
			continue
		}
		otherN++
		if got.Topic != "" || got.HumanRequested || got.Sentiment == SentimentAngry {
			other[cat]++
		}
	}
	for cat, topic := range want {
		t.Logf("%s → %s: recall %d/%d", cat, topic, hit[cat], total[cat])
	}
	n := 0
	var cats []string
	for c, k := range other {
		n += k
		cats = append(cats, c)
	}
	sort.Slice(cats, func(i, j int) bool { return other[cats[i]] > other[cats[j]] })
	if len(cats) > 8 {
		cats = cats[:8]
	}
	top := map[string]int{}
	for _, c := range cats {
		top[c] = other[c]
	}
	t.Logf("other intents escalated at once by triage: %d/%d (%.1f%%); human requests detected: %d; most: %v", n, otherN, 100*float64(n)/float64(otherN), human, top)
	if float64(n) > 0.05*float64(otherN) {
		t.Errorf("triage escalates %d of %d ordinary banking questions", n, otherN)
	}
}
