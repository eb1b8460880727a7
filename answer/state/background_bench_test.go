package state

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/answerdesk/answerdesk/answer"
)

// BenchmarkLoneEscalationDurable: the time until a lone escalation is
// durable: its ticket committed (CreateTicket returns after the commit)
// and its queued answer log entry and turns committed by the writer,
// observed by reading the log without a flush.
func BenchmarkLoneEscalationDurable(b *testing.B) {
	ctx := context.Background()
	st, _ := openTest(b, Options{}, SinkQueue)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		id := fmt.Sprintf("ans_%d", i)
		conv := fmt.Sprintf("c_%d", i)
		tkt, err := st.tickets.CreateTicket(ctx, answer.Ticket{Tenant: "a", ConversationID: conv, Subject: "refund?"})
		if err != nil {
			b.Fatal(err)
		}
		if err := st.convs.Append(ctx, "a", conv, answer.Message{Role: answer.RoleCustomer, Text: "refund?"}); err != nil {
			b.Fatal(err)
		}
		if err := st.convs.LogAnswer(ctx, "a", answer.Answer{ID: id, ConversationID: conv, Decision: "escalate", TicketID: tkt.ID}); err != nil {
			b.Fatal(err)
		}
		for {
			var one int
			err := st.db.db.QueryRowContext(ctx, `SELECT 1 FROM answers WHERE id=?`, id).Scan(&one)
			if err == nil {
				break
			}
			if !errors.Is(err, sql.ErrNoRows) {
				b.Fatal(err)
			}
			runtime.Gosched()
		}
	}
}

// BenchmarkCreateTicketConcurrent: tickets created by 16 goroutines at
// once (escalations of concurrent requests), each with the queue sink;
// ns/op is wall time per ticket on whatever cores the machine has.
func BenchmarkCreateTicketConcurrent(b *testing.B) {
	ctx := context.Background()
	st, _ := openTest(b, Options{}, SinkQueue)
	tk := answer.Ticket{Tenant: "a", Subject: "refund?", Summary: "Escalated: the customer asked for a person (human_requested).",
		Transcript: []answer.Message{{Role: answer.RoleCustomer, Text: "I want a refund, please get me a person"}},
		Citations:  []answer.Citation{{N: 1, ChunkID: "c1", DocumentID: "refunds.md", Title: "Refunds", Quote: "Refunds take five days."}}}
	b.SetParallelism(8) // 16 goroutines on 2 cores
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := st.tickets.CreateTicket(ctx, tk); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkAnswerWrites: the state writes of answers from 16 concurrent
// requests, as the server makes them: 84 in 100 escalate (the share of
// the man-page questions of docs/benchmarks.md) and create a ticket,
// which returns once its group has committed; every answer then queues
// its two conversation turns and its answer log entry. An op is one
// answer; the queued writes are committed before the clock stops.
// Besides ns/op (wall time on whatever cores the machine has) it reports
// the process's CPU time per answer (cpu-µs/op, which leaves out waiting
// for a core on a loaded machine) and, on Linux, the write system calls
// per answer (writes/op: two per page the write-ahead log takes).
func BenchmarkAnswerWrites(b *testing.B) {
	ctx := context.Background()
	st, _ := openTest(b, Options{}, SinkQueue)
	var n atomic.Int64
	const quote = "The -r option copies directories recursively; symbolic links are followed only when -L is also given, and special files are copied as they are."
	b.SetParallelism(8) // 16 goroutines on 2 cores
	b.ReportAllocs()
	cpu0, w0 := processCPU(), writeCalls()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			now := time.Now()
			conv, id := newID("c_", now), newID("a_", now)
			q := fmt.Sprintf("copy files and directories, question %d", i)
			a := answer.Answer{ID: id, ConversationID: conv, Question: q, QuestionRedacted: q, Lang: "en", Intent: "question",
				Confidence: 0.6, Timings: answer.Timings{Total: time.Duration(500+i%2000) * time.Microsecond}, Created: now}
			reply := "Here is what I found."
			if i%100 < 84 {
				a.Decision, a.Reason = answer.Escalated, answer.ReasonLowConfidence
				cits := make([]answer.Citation, 3)
				for k := range cits {
					doc := strconv.FormatInt((i*7+int64(k)*131)%3850, 10)
					cits[k] = answer.Citation{N: k + 1, ChunkID: doc + "#" + strconv.Itoa(k), DocumentID: "man/" + doc, Title: "cp(1)", Quote: quote}
				}
				tk, err := st.tickets.CreateTicket(ctx, answer.Ticket{
					Tenant: "default", ConversationID: conv, Subject: q, Lang: "en", Intent: "question",
					Summary:  "Escalated (low_confidence): confidence 0.61, topic files, intent question, en; tried [1] cp(1); [2] mv(1); [3] install(1).",
					Priority: answer.PriorityNormal, Reason: a.Reason, Confidence: a.Confidence,
					Transcript: []answer.Message{{Role: answer.RoleCustomer, Text: q, At: now}},
					Attempted:  quote + " " + quote, Citations: cits,
				})
				if err != nil {
					b.Error(err)
					return
				}
				a.TicketID, reply = tk.ID, "A person will get back to you."
			} else {
				a.Decision = answer.Answered
				a.Citations = []answer.Citation{{N: 1, DocumentID: "man/" + strconv.FormatInt(i%3850, 10)}, {N: 2, DocumentID: "man/" + strconv.FormatInt((i*13)%3850, 10)}}
			}
			if err := st.convs.Append(ctx, "default", conv, answer.Message{Role: answer.RoleCustomer, Text: q, At: now, Redacted: q},
				answer.Message{Role: answer.RoleAssistant, Text: reply, At: now}); err != nil {
				b.Error(err)
				return
			}
			if err := st.convs.LogAnswer(ctx, "default", a); err != nil {
				b.Error(err)
				return
			}
		}
	})
	if err := st.db.flush(ctx); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
	if w0 >= 0 {
		b.ReportMetric(float64(writeCalls()-w0)/float64(b.N), "writes/op")
	}
}

// processCPU is the CPU time (user and system) this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// writeCalls is the number of write system calls this process has made
// (Linux's /proc/self/io syscw), -1 where that is not available.
func writeCalls() int64 {
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return -1
	}
	for line := range bytes.Lines(b) {
		if v, ok := bytes.CutPrefix(line, []byte("syscw: ")); ok {
			n, err := strconv.ParseInt(string(bytes.TrimSpace(v)), 10, 64)
			if err != nil {
				return -1
			}
			return n
		}
	}
	return -1
}
