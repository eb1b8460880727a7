package eval

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"
)

// echartsJS is Apache ECharts 6.0.0 (dist/echarts.common.min.js of the npm
// package, Apache-2.0, see assets/LICENSE and assets/NOTICE), inlined in
// every HTML report so that the page needs no network.
//
//go:embed assets/echarts.common.min.js
var echartsJS string

// EChartsVersion is the version of the inlined chart library.
const EChartsVersion = "6.0.0"

// chart is one chart of the page: a div id and its ECharts option.
type chart struct {
	ID     string
	Title  string
	Note   string
	Option template.JS
	Height int
}

type htmlSuite struct {
	*SuiteReport
	Langs []htmlLang
	Floor *Floor
}

type htmlLang struct {
	Lang string
	B    Breakdown
}

type htmlPage struct {
	Title   string
	Engine  map[string]string
	Suites  []htmlSuite
	Charts  []chart
	JS      template.JS
	Version string
}

// WriteHTML writes a self-contained HTML page for the report: summary
// tables, a reliability diagram, risk–coverage curves, per-language bars,
// latency by stage, and the worst failures of each suite.
func WriteHTML(w io.Writer, r *Report) error {
	p := htmlPage{Title: "answerdesk eval", Engine: r.Engine, JS: template.JS(echartsJS), Version: EChartsVersion}
	var names []string
	for i := range r.Suites {
		s := &r.Suites[i]
		names = append(names, s.Name)
		hs := htmlSuite{SuiteReport: s}
		for _, l := range sortedLangs(s.ByLanguage) {
			hs.Langs = append(hs.Langs, htmlLang{l, s.ByLanguage[l]})
		}
		if f, ok := Floors[s.Name]; ok {
			hs.Floor = &f
		}
		p.Suites = append(p.Suites, hs)
	}
	p.Title = "answerdesk eval: " + strings.Join(names, ", ")
	charts := []struct {
		id, title, note string
		height          int
		opt             map[string]any
	}{
		{"reliability", "Reliability diagram", "Share of right answers against the stated confidence, per confidence decile; a calibrated engine lies on the diagonal. Point size is the number of queries in the bin.", 420, reliabilityOption(r)},
		{"riskcoverage", "Risk–coverage", "Answering the most confident share of queries (coverage) and how many of those answers are wrong (risk). Lower is better; the dashed line is 5% risk (95% precision).", 420, riskCoverageOption(r)},
		{"retrieval", "Retrieval by language", "Document-level metrics over answerable queries; floor = the reference plain BM25.", 0, retrievalOption(r)},
		{"decision", "Decisions by language", "AUROC of confidence against correctness, answer rate at 95% precision, escalation precision and recall, ECE.", 0, decisionOption(r)},
		{"latency", "Latency by stage (ms)", "p50 and p95 of each stage of the answer path.", 0, latencyOption(r)},
	}
	for _, c := range charts {
		b, err := json.Marshal(c.opt)
		if err != nil {
			return fmt.Errorf("html report: chart %s: %w", c.id, err)
		}
		h := c.height
		if h == 0 {
			h = 360
		}
		p.Charts = append(p.Charts, chart{ID: c.id, Title: c.title, Note: c.note, Option: template.JS(b), Height: h})
	}
	if err := pageTmpl.Execute(w, p); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	return nil
}

// num turns a Metric into a JSON number, or nil (a gap in the chart).
func num(m Metric) any {
	if !m.Defined() {
		return nil
	}
	return math.Round(float64(m)*1e4) / 1e4
}

func reliabilityOption(r *Report) map[string]any {
	series := []any{map[string]any{
		"name": "perfect calibration", "type": "line", "data": [][]float64{{0, 0}, {1, 1}},
		"showSymbol": false, "lineStyle": map[string]any{"type": "dashed", "color": "#999"},
	}}
	for _, s := range r.Suites {
		var pts []any
		for _, b := range s.Reliability {
			if b.Count == 0 {
				continue
			}
			pts = append(pts, []any{num(b.Confidence), num(b.Accuracy), b.Count})
		}
		// symbolSize grows with the count; JSON cannot carry that function,
		// so the page sets it (see the template).
		series = append(series, map[string]any{"name": s.Name, "type": "line", "data": pts})
	}
	return map[string]any{
		"tooltip": map[string]any{"trigger": "item"},
		"legend":  map[string]any{"top": 0},
		"grid":    map[string]any{"left": 60, "right": 30, "top": 50, "bottom": 50},
		"xAxis":   map[string]any{"type": "value", "min": 0, "max": 1, "name": "confidence", "nameLocation": "middle", "nameGap": 28},
		"yAxis":   map[string]any{"type": "value", "min": 0, "max": 1, "name": "share right"},
		"series":  series,
	}
}

func riskCoverageOption(r *Report) map[string]any {
	var series []any
	for i, s := range r.Suites {
		var pts []any
		for _, p := range s.RiskCoverage {
			pts = append(pts, []any{num(p.Coverage), num(p.Risk), num(p.Threshold)})
		}
		ser := map[string]any{"name": s.Name, "type": "line", "data": pts, "showSymbol": false}
		if i == 0 {
			ser["markLine"] = map[string]any{"silent": true, "symbol": "none", "data": []any{map[string]any{"yAxis": 0.05, "name": "5% risk"}},
				"lineStyle": map[string]any{"type": "dashed", "color": "#c23531"}}
		}
		series = append(series, ser)
	}
	return map[string]any{
		"tooltip": map[string]any{"trigger": "axis"},
		"legend":  map[string]any{"top": 0},
		"grid":    map[string]any{"left": 60, "right": 30, "top": 50, "bottom": 50},
		"xAxis":   map[string]any{"type": "value", "min": 0, "max": 1, "name": "coverage (share answered)", "nameLocation": "middle", "nameGap": 28},
		"yAxis":   map[string]any{"type": "value", "min": 0, "name": "risk (share wrong)"},
		"series":  series,
	}
}

// groups lists "suite" and "suite · lang" categories with their breakdowns.
func groups(r *Report) (cats []string, bs []Breakdown, floors []*Floor) {
	for _, s := range r.Suites {
		cats = append(cats, s.Name)
		bs = append(bs, s.Breakdown)
		if f, ok := Floors[s.Name]; ok {
			floors = append(floors, &f)
		} else {
			floors = append(floors, nil)
		}
		if len(s.ByLanguage) < 2 {
			continue
		}
		for _, l := range sortedLangs(s.ByLanguage) {
			cats = append(cats, s.Name+" · "+l)
			bs = append(bs, s.ByLanguage[l])
			floors = append(floors, nil)
		}
	}
	return cats, bs, floors
}

func barOption(cats []string, series []any) map[string]any {
	return map[string]any{
		"tooltip": map[string]any{"trigger": "axis", "axisPointer": map[string]any{"type": "shadow"}},
		"legend":  map[string]any{"top": 0},
		"grid":    map[string]any{"left": 60, "right": 30, "top": 50, "bottom": 80},
		"xAxis":   map[string]any{"type": "category", "data": cats, "axisLabel": map[string]any{"interval": 0, "rotate": 20}},
		"yAxis":   map[string]any{"type": "value"},
		"series":  series,
	}
}

func retrievalOption(r *Report) map[string]any {
	cats, bs, floors := groups(r)
	get := func(f func(b Breakdown) Metric) []any {
		out := make([]any, len(bs))
		for i, b := range bs {
			out[i] = num(f(b))
		}
		return out
	}
	floor := make([]any, len(bs))
	for i, f := range floors {
		if f != nil {
			floor[i] = f.NDCG10
		}
	}
	series := []any{
		plainBars("hit@1", get(func(b Breakdown) Metric { return b.Retrieval.Hit1 })),
		plainBars("recall@10", get(func(b Breakdown) Metric { return b.Retrieval.Recall10 })),
		plainBars("MRR@10", get(func(b Breakdown) Metric { return b.Retrieval.MRR10 })),
		plainBars("nDCG@10", get(func(b Breakdown) Metric { return b.Retrieval.NDCG10 })),
		map[string]any{"name": "floor nDCG@10", "type": "scatter", "symbol": "rect", "symbolSize": []int{28, 3}, "data": floor, "itemStyle": map[string]any{"color": "#000"}},
	}
	o := barOption(cats, series)
	o["yAxis"] = map[string]any{"type": "value", "min": 0, "max": 1}
	return o
}

func plainBars(name string, vals []any) map[string]any {
	return map[string]any{"name": name, "type": "bar", "data": vals}
}

func decisionOption(r *Report) map[string]any {
	cats, bs, _ := groups(r)
	get := func(f func(b Breakdown) Metric) []any {
		out := make([]any, len(bs))
		for i, b := range bs {
			out[i] = num(f(b))
		}
		return out
	}
	series := []any{
		plainBars("AUROC", get(func(b Breakdown) Metric { return b.Decision.AUROC })),
		plainBars("answer rate @95%", get(func(b Breakdown) Metric { return b.Decision.AnswerRateAt95 })),
		plainBars("escalation precision", get(func(b Breakdown) Metric { return b.Decision.EscalationPrecision })),
		plainBars("escalation recall", get(func(b Breakdown) Metric { return b.Decision.EscalationRecall })),
		plainBars("ECE", get(func(b Breakdown) Metric { return b.Decision.ECE })),
	}
	o := barOption(cats, series)
	o["yAxis"] = map[string]any{"type": "value", "min": 0, "max": 1}
	return o
}

func latencyOption(r *Report) map[string]any {
	var cats []string
	stages := []string{"triage", "retrieve", "generate", "verify"}
	var series []any
	for _, s := range r.Suites {
		cats = append(cats, s.Name)
	}
	for _, st := range stages {
		for _, pct := range []string{"p50", "p95"} {
			vals := make([]any, len(r.Suites))
			for i, s := range r.Suites {
				p := s.Latency.Stages[st]
				if pct == "p50" {
					vals[i] = num(p.P50)
				} else {
					vals[i] = num(p.P95)
				}
			}
			series = append(series, map[string]any{"name": st + " " + pct, "type": "bar", "data": vals, "stack": pct})
		}
	}
	return barOption(cats, series)
}

var pageTmpl = template.Must(template.New("page").Funcs(template.FuncMap{
	"m":  fmtMetric,
	"ms": fmtMs,
	"f3": func(v float64) string { return fmt.Sprintf("%.3f", v) },
	"above": func(v Metric, floor float64) string {
		if !v.Defined() {
			return ""
		}
		if float64(v) >= floor {
			return "good"
		}
		return "bad"
	},
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#222;background:#f6f7f9}
main{max-width:1200px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}h3{font-size:15px;margin:18px 0 6px}
.card{background:#fff;border:1px solid #e3e5e8;border-radius:8px;padding:16px;margin:12px 0}
table{border-collapse:collapse;width:100%;font-size:13px;font-variant-numeric:tabular-nums}
.scroll{overflow-x:auto}
th,td{padding:4px 8px;border-bottom:1px solid #eee;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}
td.q{white-space:normal;text-align:left;max-width:420px}
.good{color:#1a7f37}.bad{color:#cf222e;font-weight:600}.muted{color:#777}
.note{color:#555;margin:2px 0 8px}
details summary{cursor:pointer;font-weight:600}
code{background:#f0f1f3;padding:1px 4px;border-radius:3px}
.chart{width:100%}
</style></head><body><main>
<h1>{{.Title}}</h1>
<p class="muted">{{range $k, $v := .Engine}}{{$k}}: <code>{{$v}}</code> {{end}}charts: Apache ECharts {{.Version}} (inlined)</p>

{{range .Charts}}
<div class="card"><h3>{{.Title}}</h3><p class="note">{{.Note}}</p><div id="{{.ID}}" class="chart" style="height:{{.Height}}px"></div></div>
{{end}}

{{range .Suites}}
<div class="card" id="suite-{{.Name}}">
<h2>{{.Name}}</h2>
<p class="note">{{.Documents}} documents, {{.Queries}} queries ({{.Answerable}} answerable), {{.Errors}} errors{{if .UnknownRelevant}}, <span class="bad">{{.UnknownRelevant}} relevant ids not in the corpus</span>{{end}}; ingest {{printf "%.1f" .IngestSeconds}} s, run {{printf "%.1f" .RunSeconds}} s.</p>
<div class="scroll"><table>
<tr><th>lang</th><th>n</th><th>hit@1</th><th>recall@5</th><th>recall@10</th><th>MRR@10</th><th>nDCG@10</th><th>AUROC</th><th>ECE</th><th>esc. precision</th><th>esc. recall</th><th>answer rate @95%</th><th>answered</th><th>answer precision</th><th>citation precision</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th></tr>
{{$floor := .Floor}}
<tr><td><b>all</b></td><td>{{.Queries}}</td>
{{if $floor}}<td class="{{above .Retrieval.Hit1 $floor.Hit1}}">{{m .Retrieval.Hit1}}</td>{{else}}<td>{{m .Retrieval.Hit1}}</td>{{end}}
<td>{{m .Retrieval.Recall5}}</td>
{{if $floor}}<td class="{{above .Retrieval.Recall10 $floor.Recall10}}">{{m .Retrieval.Recall10}}</td><td class="{{above .Retrieval.MRR10 $floor.MRR10}}">{{m .Retrieval.MRR10}}</td><td class="{{above .Retrieval.NDCG10 $floor.NDCG10}}">{{m .Retrieval.NDCG10}}</td>{{else}}<td>{{m .Retrieval.Recall10}}</td><td>{{m .Retrieval.MRR10}}</td><td>{{m .Retrieval.NDCG10}}</td>{{end}}
<td>{{m .Decision.AUROC}}</td><td>{{m .Decision.ECE}}</td><td>{{m .Decision.EscalationPrecision}}</td><td>{{m .Decision.EscalationRecall}}</td><td>{{m .Decision.AnswerRateAt95}}</td><td>{{m .Decision.AnswerRate}}</td><td>{{m .Decision.AnswerPrecision}}</td><td>{{m .Citations.Precision}}</td><td>{{ms .Latency.P50}}</td><td>{{ms .Latency.P95}}</td><td>{{ms .Latency.P99}}</td></tr>
{{range .Langs}}<tr><td>{{.Lang}}</td>{{with .B}}<td>{{.Queries}}</td><td>{{m .Retrieval.Hit1}}</td><td>{{m .Retrieval.Recall5}}</td><td>{{m .Retrieval.Recall10}}</td><td>{{m .Retrieval.MRR10}}</td><td>{{m .Retrieval.NDCG10}}</td><td>{{m .Decision.AUROC}}</td><td>{{m .Decision.ECE}}</td><td>{{m .Decision.EscalationPrecision}}</td><td>{{m .Decision.EscalationRecall}}</td><td>{{m .Decision.AnswerRateAt95}}</td><td>{{m .Decision.AnswerRate}}</td><td>{{m .Decision.AnswerPrecision}}</td><td>{{m .Citations.Precision}}</td><td>{{ms .Latency.P50}}</td><td>{{ms .Latency.P95}}</td><td>{{ms .Latency.P99}}</td>{{end}}</tr>{{end}}
{{if $floor}}<tr class="muted"><td>reference floor</td><td></td><td>{{f3 $floor.Hit1}}</td><td></td><td>{{f3 $floor.Recall10}}</td><td>{{f3 $floor.MRR10}}</td><td>{{f3 $floor.NDCG10}}</td><td colspan="11" style="text-align:left">abstention AUROC of the top-1 score {{f3 $floor.AbstentionAUROC}} (ours, against answerability: {{m .Decision.AUROCAnswerable}})</td></tr>{{end}}
</table></div>
{{if .Failures}}
<details><summary>Worst failures ({{len .Failures}})</summary>
<div class="scroll"><table>
<tr><th>query</th><th>lang</th><th>kind</th><th>decision</th><th>confidence</th><th>question</th><th>relevant</th><th>top hits</th></tr>
{{range .Failures}}<tr><td>{{.ID}}</td><td>{{.Lang}}</td><td>{{.Kind}}</td><td>{{.Decision}}{{if .Reason}} ({{.Reason}}){{end}}</td><td>{{printf "%.2f" .Confidence}}</td><td class="q">{{.Question}}{{if .Error}}<br><span class="bad">{{.Error}}</span>{{end}}</td><td class="q">{{range .Relevant}}{{.}} {{end}}</td>
<td class="q">{{range .TopHits}}<span class="{{if .Relevant}}good{{end}}">{{.DocumentID}}{{if .Title}} — {{.Title}}{{end}} ({{printf "%.2f" .Score}})</span><br>{{end}}</td></tr>
{{end}}</table></div></details>
{{end}}
</div>
{{end}}

<script>{{.JS}}</script>
<script>
(function(){
var charts = [];
{{range .Charts}}
(function(){
  var opt = {{.Option}};
  if ({{.ID}} === "reliability") {
    opt.series.forEach(function(s, i){ if (i > 0) { s.symbolSize = function(v){ return Math.max(4, Math.min(30, 3*Math.sqrt(v[2]))); }; } });
  }
  var c = echarts.init(document.getElementById({{.ID}}));
  c.setOption(opt);
  charts.push(c);
})();
{{end}}
window.addEventListener("resize", function(){ charts.forEach(function(c){ c.resize(); }); });
})();
</script>
</main></body></html>
`))
