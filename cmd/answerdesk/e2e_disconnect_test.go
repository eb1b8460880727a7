package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/api"
)

// TestE2EDisconnectKeepsTicket sends "I want a human" requests whose
// connections close right after the request is written, as a customer
// closing the chat tab does: every one must still produce its ticket, and
// the log must say the client left rather than report a server error.
//
// The tickets are counted once the server has finished every request (its
// request counter says so), not after a fixed time: on a loaded machine
// 200 answers under -race can take longer than any wait chosen here, and a
// count taken early reported tickets as lost that were still being written.
func TestE2EDisconnectKeepsTicket(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	const n = 200
	env := kbEnv(t, map[string]string{"ANSWERDESK_METRICS_ADDR": "127.0.0.1:0"})
	key := createKey(t, env, "acme", "ask,admin")
	s := startServe(t, env)
	metricsURL := s.printed(t, "metrics: ")
	u, err := url.Parse(s.url)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 50)
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer func() { <-sem; wg.Done() }()
			body, _ := json.Marshal(api.AnswerRequest{Question: fmt.Sprintf("I want to talk to a human about order D-%03d", i)})
			conn, err := net.Dial("tcp", u.Host)
			if err != nil {
				t.Error(err)
				return
			}
			_, err = fmt.Fprintf(conn, "POST /v1/answer HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
				u.Host, key, len(body), body)
			conn.Close()
			if err != nil {
				t.Errorf("request %d not sent: %v", i, err)
			}
		}(i)
	}
	wg.Wait()

	// Every request handled (whatever its status), or a real loss: a
	// request the server never finished.
	handled := 0
	for deadline := time.Now().Add(5 * time.Minute); ; time.Sleep(200 * time.Millisecond) {
		if handled = answerRequests(t, metricsURL); handled >= n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 5 minutes the server has finished %d of %d requests", handled, n)
		}
	}
	subjects := map[string]bool{}
	before := ""
	for {
		r := s.do(t, http.MethodGet, "/v1/tickets?limit=500&before="+before, key, nil)
		if r.status != http.StatusOK {
			t.Fatalf("list tickets: %d %s", r.status, r.body)
		}
		var tl api.TicketList
		if err := json.Unmarshal(r.body, &tl); err != nil {
			t.Fatal(err)
		}
		for _, tk := range tl.Tickets {
			if strings.Contains(tk.Subject, "order D-") {
				subjects[tk.Subject] = true
			}
		}
		if tl.Next == "" {
			break
		}
		before = tl.Next
	}
	if len(subjects) != n {
		t.Errorf("%d of %d disconnected escalations produced a ticket", len(subjects), n)
	}
	logs := s.stderr.String()
	if strings.Contains(logs, "context canceled") || strings.Contains(logs, "status=500") {
		t.Errorf("a client disconnect was logged as a failure:\n%s", firstLines(logs, "context canceled", 3))
	}
	t.Logf("%d disconnected escalations → %d tickets; %d logged as the client leaving", n, len(subjects), strings.Count(logs, "client left"))
}

// answerRequests is how many POST /v1/answer requests the server has
// finished, whatever their status, from its Prometheus metrics at url.
func answerRequests(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", url, resp.StatusCode, err)
	}
	total := 0
	for _, line := range strings.Split(string(b), "\n") {
		series, value, ok := strings.Cut(line, " ")
		if !ok || !strings.HasPrefix(series, "answerdesk_http_requests_total{") ||
			!strings.Contains(series, `route="/v1/answer"`) || !strings.Contains(series, `method="POST"`) {
			continue
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			t.Fatalf("metrics line %q: %v", line, err)
		}
		total += int(v)
	}
	return total
}

// firstLines returns up to k lines of s containing sub.
func firstLines(s, sub string, k int) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) && len(out) < k {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
