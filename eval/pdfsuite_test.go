package eval_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/eval"
	"github.com/answerdesk/answerdesk/ingest"
	"github.com/answerdesk/answerdesk/ingest/pdf"
	"github.com/answerdesk/answerdesk/retrieval"
)

// pdfQueries ask about the printed quickstart manuals of
// shared/datasets/manuals/pdf; ids are file names without ".pdf".
const pdfQueries = `{"id":"p1","text":"How do I choose the recording quality with the blend button?","lang":"en","relevant":["clouds"],"answerable":true}
{"id":"p2","text":"polyphony setting: monophonic, duophonic or quadriphonic","lang":"en","relevant":["rings"],"answerable":true}
{"id":"p3","text":"the SHIFT/LEVEL knob adjusts the frequency ratio between each output","lang":"en","relevant":["tides_2018","tides_original"],"answerable":true}
{"id":"p4","text":"texture synthesizer","lang":"en","relevant":["beads"],"answerable":true}
{"id":"p5","text":"random sampler","lang":"en","relevant":["marbles"],"answerable":true}
{"id":"p6","text":"macro-oscillator","lang":"en","relevant":["plaits"],"answerable":true}
{"id":"p7","text":"How do I reset my bank card PIN?","lang":"en","relevant":[],"answerable":false}
`

// TestPDFSuite runs a suite whose corpus is a docs/ folder of PDFs (the
// shared manuals, linked) through the harness with the PDF loader.
func TestPDFSuite(t *testing.T) {
	manuals := sharedSuite("manuals")
	if manuals == "" {
		if os.Getenv("ANSWERDESK_REQUIRE_SHARED") == "1" {
			t.Fatal("../shared/datasets/manuals not found (ANSWERDESK_REQUIRE_SHARED=1)")
		}
		t.Skip("PDF suite: ../shared not found")
	}
	dir := filepath.Join(t.TempDir(), "manuals-pdf")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(manuals, "pdf"), filepath.Join(dir, "docs")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "queries.jsonl"), []byte(pdfQueries), 0o644); err != nil {
		t.Fatal(err)
	}
	loaders := ingest.CoreLoaders()
	loaders[".pdf"] = &pdf.Loader{}
	h := &eval.Harness{
		OpenStore: eval.OpenEmbedded,
		Loaders:   loaders,
		NewAnswerer: func(ctx context.Context, store retrieval.Store) (eval.Answerer, error) {
			return answer.New(answer.Config{K: 20}, answer.Deps{Retriever: store, Tickets: eval.NullTickets{}})
		},
		Options: eval.Options{Workers: 2},
	}
	runs, err := h.Run(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	r := runs[0].Report
	t.Logf("%d documents; hit@1 %.3f, MRR@10 %.3f, nDCG@10 %.3f; escalation recall %.3f", r.Documents, r.Retrieval.Hit1, r.Retrieval.MRR10, r.Retrieval.NDCG10, r.Decision.EscalationRecall)
	if r.Documents < 28 || r.UnknownRelevant != 0 {
		t.Errorf("%d documents, %d unknown relevant ids: PDFs were not ingested under their file names", r.Documents, r.UnknownRelevant)
	}
	if r.Retrieval.MRR10 < 0.5 {
		t.Errorf("MRR@10 %.3f: the PDF text does not reach retrieval", r.Retrieval.MRR10)
	}
}
