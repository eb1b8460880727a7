package eval

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestWriteHTML(t *testing.T) {
	s, a := smallSuite()
	// A failing question with markup must come out escaped.
	evil := `two <script>alert("x")</script>`
	a[evil] = a["two"]
	s.Queries[1].Text = evil
	results, err := Ask(context.Background(), s, a, Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep := &Report{Version: ReportVersion, Engine: map[string]string{"store": "embedded"}, Suites: []SuiteReport{Summarize("xquad-ru", results, 0)}}
	var buf bytes.Buffer
	if err := WriteHTML(&buf, rep); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{
		"<!doctype html>", "Apache ECharts 6.0.0", "echarts.init", `id="reliability"`, `id="riskcoverage"`, `id="retrieval"`, `id="decision"`, `id="latency"`,
		"Worst failures (3)", "two &lt;script&gt;", "reference floor", "xquad-ru · en",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page, `<script>alert`) {
		t.Error("question markup is not escaped")
	}
	if strings.Contains(page, "<script src=") {
		t.Error("page loads a script from elsewhere: it must be self-contained")
	}
	if len(page) < len(echartsJS) {
		t.Errorf("page is %d bytes, smaller than the inlined chart library", len(page))
	}
}
