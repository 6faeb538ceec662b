package insights

import (
	"bytes"
	"context"
	"fmt"
	htmltemplate "html/template"
	"net/url"
	"strings"
	"sync"
	texttemplate "text/template"
	"time"
)

// DigestEmail is the weekly digest as an email to a supervisor: the same
// sections as the digest page, as plain text and HTML, every link on the
// desk's public URL.
type DigestEmail struct {
	Subject, Text, HTML string
}

// DigestMail renders the digest of week w as an email; publicURL (the
// desk's address, e.g. https://support.example) prefixes its links, which
// stay paths when it is empty.
func (in *Insights) DigestMail(ctx context.Context, w Period, publicURL string) (DigestEmail, error) {
	d, err := in.Digest(ctx, w)
	if err != nil {
		return DigestEmail{}, err
	}
	return renderDigestMail(d, strings.TrimRight(publicURL, "/"))
}

// digestMailData is what the mail templates read.
type digestMailData struct {
	Digest
	Base, Link, LessonsLink string
	Figures                 []digestFigure
}

type digestFigure struct{ Name, Now, Before string }

func renderDigestMail(d Digest, base string) (DigestEmail, error) {
	pct := func(v *float64) string {
		if v == nil {
			return "—"
		}
		return fmt.Sprintf("%.0f%%", *v*100)
	}
	mins := func(v *float64) string {
		if v == nil {
			return "—"
		}
		return fmt.Sprintf("%.0f min", *v)
	}
	data := digestMailData{Digest: d, Base: base,
		Link:        base + "/insights/digest?" + url.Values{"week": {d.From}}.Encode(),
		LessonsLink: base + "/insights/lessons",
		Figures: []digestFigure{
			{"Cases", fmt.Sprint(d.Cases), fmt.Sprint(d.Previous.Cases)},
			{"Angry share", pct(d.AngryShare), pct(d.Previous.AngryShare)},
			{"De-escalation rate", pct(d.DeescalationRate), pct(d.Previous.DeescalationRate)},
			{"Time to calm (median)", mins(d.MedianTimeToCalmMinutes), mins(d.Previous.MedianTimeToCalmMinutes)},
			{"Promises kept on time", pct(d.PromiseKeptRate), pct(d.Previous.PromiseKeptRate)},
			{"Escalation rate", pct(d.EscalationRate), pct(d.Previous.EscalationRate)},
			{"CSAT average", avgWords(d.CSATAverage), avgWords(d.Previous.CSATAverage)},
		}}
	var text, html bytes.Buffer
	if err := digestText().Execute(&text, data); err != nil {
		return DigestEmail{}, fmt.Errorf("insights: digest mail: %w", err)
	}
	if err := digestHTML().Execute(&html, data); err != nil {
		return DigestEmail{}, fmt.Errorf("insights: digest mail: %w", err)
	}
	subject := fmt.Sprintf("Weekly digest %s to %s: %d cases, de-escalated %s, promises kept %s", d.From, d.To, d.Cases,
		pct(d.DeescalationRate), pct(d.PromiseKeptRate))
	if n := len(d.Spikes); n > 0 {
		subject += fmt.Sprintf(", %d spiking %s", n, map[bool]string{true: "problem", false: "problems"}[n == 1])
	}
	return DigestEmail{Subject: subject, Text: text.String(), HTML: html.String()}, nil
}

func avgWords(v *float64) string {
	if v == nil {
		return "—"
	}
	return fmt.Sprintf("%.1f", *v)
}

var mailFuncs = map[string]any{
	"day":  func(t time.Time) string { return t.UTC().Format("Mon 2 Jan 15:04 UTC") },
	"join": func(ids []int64) string { return joinIDs(ids, ", #") },
}

func joinIDs(ids []int64, sep string) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprint(id)
	}
	return strings.Join(parts, sep)
}

// The digest templates are parsed on first use, not at every command's start.
var digestText = sync.OnceValue(func() *texttemplate.Template {
	return texttemplate.Must(texttemplate.New("text").Funcs(mailFuncs).Parse(`calmdesk weekly digest: {{.From}} to {{.To}}
{{.Link}}

THE WEEK AGAINST THE WEEK BEFORE
{{range .Figures}}- {{.Name}}: {{.Now}} (was {{.Before}})
{{end}}
SPIKES
{{range .Spikes}}- {{.Label}}: {{.Count}} cases (usually {{printf "%.1f" .Baseline}}): #{{join .CaseIDs}}
{{else}}No problem spiked this week.
{{end}}
PROMISES THAT CAME DUE UNKEPT
{{range .Broken}}- #{{.CaseID}} {{.Action}}{{with .Amount}} ({{.}}){{end}}, {{with .Owner}}{{.}}{{else}}nobody{{end}}, due {{day .DueAt}}: {{$.Base}}/cases/{{.CaseID}}
{{else}}Every promise due this week was kept on time.
{{end}}
WHAT CUSTOMERS WROTE IN THEIR SURVEYS
{{range .Comments}}- #{{.CaseID}} scored {{.Score}}: "{{.Comment}}" {{$.Base}}/cases/{{.CaseID}}
{{else}}No survey comments this week.
{{end}}
LESSONS LEARNED
{{range .Digest.Lessons}}- #{{.CaseID}}{{with .Category}} ({{.}}){{end}}: "{{.Text}}"{{with .By}} ({{.}}){{end}} {{$.Base}}/cases/{{.CaseID}}
{{else}}No lesson was written this week.
{{end}}
Search every lesson: {{.LessonsLink}}
`))
})

var digestHTML = sync.OnceValue(func() *htmltemplate.Template {
	return htmltemplate.Must(htmltemplate.New("html").Funcs(mailFuncs).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>calmdesk weekly digest</title></head>
<body style="font-family: system-ui, sans-serif; color: #1d2733; max-width: 40em">
<h1 style="font-size: 1.3em">Weekly digest: {{.From}} to {{.To}}</h1>
<p><a href="{{.Link}}">Open the digest in calmdesk</a></p>
<h2 style="font-size: 1.1em">The week against the week before</h2>
<table style="border-collapse: collapse"><thead><tr><th align="left">Figure</th><th align="right">This week</th><th align="right">Week before</th></tr></thead>
<tbody>{{range .Figures}}<tr><td>{{.Name}}</td><td align="right">{{.Now}}</td><td align="right">{{.Before}}</td></tr>{{end}}</tbody></table>
<h2 style="font-size: 1.1em">Spikes</h2>
{{with .Spikes}}<ul>{{range .}}<li><strong>{{.Label}}</strong>: {{.Count}} cases (usually {{printf "%.1f" .Baseline}}) — {{range $i, $id := .CaseIDs}}{{if $i}}, {{end}}<a href="{{$.Base}}/cases/{{$id}}">#{{$id}}</a>{{end}}</li>{{end}}</ul>
{{else}}<p>No problem spiked this week.</p>{{end}}
<h2 style="font-size: 1.1em">Promises that came due unkept</h2>
{{with .Broken}}<ul>{{range .}}<li><a href="{{$.Base}}/cases/{{.CaseID}}">#{{.CaseID}}</a> <strong>{{.Action}}</strong>{{with .Amount}} ({{.}}){{end}} — {{with .Owner}}{{.}}{{else}}nobody{{end}}, due {{day .DueAt}}</li>{{end}}</ul>
{{else}}<p>Every promise due this week was kept on time.</p>{{end}}
<h2 style="font-size: 1.1em">What customers wrote in their surveys</h2>
{{with .Comments}}<ul>{{range .}}<li><a href="{{$.Base}}/cases/{{.CaseID}}">#{{.CaseID}}</a> scored {{.Score}}: “{{.Comment}}”</li>{{end}}</ul>
{{else}}<p>No survey comments this week.</p>{{end}}
<h2 style="font-size: 1.1em">Lessons learned</h2>
{{with .Digest.Lessons}}<ul>{{range .}}<li><a href="{{$.Base}}/cases/{{.CaseID}}">#{{.CaseID}}</a>{{with .Category}} ({{.}}){{end}}: “{{.Text}}”{{with .By}} — {{.}}{{end}}</li>{{end}}</ul>
{{else}}<p>No lesson was written this week.</p>{{end}}
<p><a href="{{.LessonsLink}}">Search every lesson</a></p>
</body></html>
`))
})
