package desk

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/textkit"
)

// How often an instance looks for adjusters learned elsewhere.
const correctionRefreshEvery = time.Minute

// ReadingAdjustment says how the desk's learned adjusters changed a
// reading. It is stored with the message's reading ("adjusted"), so the
// engine's own anger stays on record, and in the message.received audit
// event.
type ReadingAdjustment struct {
	Model     int64               `json:"model"`      // the correction model's id
	AngerRead int                 `json:"anger_read"` // the engine's anger, before the adjustment
	LevelRead analyze.Level       `json:"level_read"`
	Applied   []AppliedAdjustment `json:"applied"`
}

// AppliedAdjustment is one learned adjuster that changed the reading.
type AppliedAdjustment struct {
	Correction CorrectionKind `json:"correction"`
	Signal     string         `json:"signal,omitempty"`
	Confidence float64        `json:"confidence"`
}

// adjuster is one learned adjustment in use.
type adjuster struct {
	kind      CorrectionKind
	signal    string
	messages  int             // corrected messages it learned from
	threshold float64         // the confidence it acts at
	levels    []analyze.Level // anger: the levels the engine read it acts on (nil: any it may move)
	model     *analyze.CategoryModel
}

// learnedCorrections is the newest stored correction model, as this
// instance uses it.
type learnedCorrections struct {
	mu        sync.Mutex
	id        int64
	adjusters []adjuster
	checkedAt time.Time
}

// correctionAdjusters returns the adjusters in use, looking for a newer
// model at most once a minute.
func (d *Desk) correctionAdjusters(ctx context.Context) (int64, []adjuster) {
	l := &d.corrections
	l.mu.Lock()
	stale := time.Since(l.checkedAt) >= correctionRefreshEvery
	if stale {
		l.checkedAt = time.Now()
	}
	l.mu.Unlock()
	if stale {
		if err := d.loadCorrectionModel(ctx); err != nil {
			d.log.WarnContext(ctx, "correction model not loaded", "err", err)
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.id, l.adjusters
}

// loadCorrectionModel makes the newest stored model the one in use, if it
// is not already.
func (d *Desk) loadCorrectionModel(ctx context.Context) error {
	var newest sql.NullInt64
	if err := d.db.Read().QueryRowContext(ctx, `SELECT MAX(id) FROM correction_models`).Scan(&newest); err != nil {
		return fmt.Errorf("desk: load correction model: %w", err)
	}
	d.corrections.mu.Lock()
	current := d.corrections.id
	d.corrections.mu.Unlock()
	if !newest.Valid || newest.Int64 == current {
		return nil
	}
	var blob []byte
	if err := d.db.Read().QueryRowContext(ctx, `SELECT models FROM correction_models WHERE id = $1`, newest.Int64).Scan(&blob); err != nil {
		return fmt.Errorf("desk: load correction model %d: %w", newest.Int64, err)
	}
	var stored []storedAdjuster
	if err := json.Unmarshal(blob, &stored); err != nil {
		return fmt.Errorf("desk: correction model %d: %w", newest.Int64, err)
	}
	adjusters, err := loadAdjusters(stored)
	if err != nil {
		return fmt.Errorf("desk: correction model %d: %w", newest.Int64, err)
	}
	d.useAdjusters(newest.Int64, adjusters)
	return nil
}

func loadAdjusters(stored []storedAdjuster) ([]adjuster, error) {
	out := make([]adjuster, 0, len(stored))
	for _, s := range stored {
		m, err := analyze.LoadCategoryModel(bytes.NewReader(s.Model))
		if err != nil {
			return nil, fmt.Errorf("adjuster %s: %w", adjusterKey(s.Correction, s.Signal), err)
		}
		out = append(out, adjuster{kind: s.Correction, signal: s.Signal, messages: s.Messages, threshold: s.Threshold, levels: s.Levels, model: m})
	}
	return out, nil
}

func (d *Desk) useAdjusters(id int64, a []adjuster) {
	d.corrections.mu.Lock()
	defer d.corrections.mu.Unlock()
	if id > d.corrections.id {
		d.corrections.id, d.corrections.adjusters = id, a
	}
}

// adjustReading applies the learned adjusters to a new message's reading.
// It returns the reading unchanged and nil when none applies.
func (d *Desk) adjustReading(ctx context.Context, text string, r analyze.Reading) (analyze.Reading, *ReadingAdjustment) {
	if !r.Supported {
		return r, nil
	}
	id, adjusters := d.correctionAdjusters(ctx)
	if len(adjusters) == 0 {
		return r, nil
	}
	return applyAdjusters(id, adjusters, text, r)
}

// applyAdjusters adjusts r where an adjuster is confident: anger moves one
// level (not at all when "angrier" and "not angry" both fire), signals are
// added or removed. Each change adds a reason of kind "learned" that says
// why, at the sentence most like the corrected messages.
func applyAdjusters(model int64, adjusters []adjuster, text string, r analyze.Reading) (analyze.Reading, *ReadingAdjustment) {
	clipped := textkit.Clip(text, maxLearnBytes)
	adj := &ReadingAdjustment{Model: model, AngerRead: r.Anger, LevelRead: r.Level}
	kinds := signalKinds(r)
	var anger []*adjuster
	var angerConf []float64
	var reasons []analyze.Reason
	signals := slices.Clone(r.Signals)
	for i := range adjusters {
		a := &adjusters[i]
		var applicable bool
		switch a.kind {
		case CorrectAngrier:
			applicable = r.Level != analyze.Furious
		case CorrectNotAngry:
			applicable = r.Level != analyze.Calm
		case CorrectMissedSignal:
			applicable = !slices.Contains(kinds, a.signal)
		case CorrectWrongSignal:
			applicable = slices.Contains(kinds, a.signal) && !slices.Contains(neverDropped, a.signal)
		}
		if a.levels != nil && !slices.Contains(a.levels, r.Level) {
			applicable = false // people corrected messages read at other levels
		}
		if !applicable {
			continue
		}
		conf := adjusterConfidence(a.model, clipped)
		if conf < a.threshold {
			continue
		}
		switch a.kind {
		case CorrectAngrier, CorrectNotAngry:
			anger, angerConf = append(anger, a), append(angerConf, conf)
			continue
		case CorrectMissedSignal:
			start, end := mostLike(a.model, text, r)
			signals = append(signals, analyze.Signal{Kind: a.signal, Text: text[start:end], Start: start, End: end})
			reasons = append(reasons, analyze.Reason{Kind: "learned", Start: start, End: end, Text: fmt.Sprintf(
				"agents corrected %d similar messages as missing the signal %q: added", a.messages, signalName(a.signal))})
		case CorrectWrongSignal:
			var at analyze.Signal
			signals = slices.DeleteFunc(signals, func(s analyze.Signal) bool {
				if s.Kind == a.signal && at.Kind == "" {
					at = s
				}
				return s.Kind == a.signal
			})
			reasons = append(reasons, analyze.Reason{Kind: "learned", Start: at.Start, End: at.End, Text: fmt.Sprintf(
				"agents corrected %d similar messages as wrongly showing the signal %q: removed", a.messages, signalName(a.signal))})
		}
		adj.Applied = append(adj.Applied, AppliedAdjustment{Correction: a.kind, Signal: a.signal, Confidence: round3(conf)})
	}
	if len(anger) == 1 {
		a := anger[0]
		to := shiftAnger(a.kind, r.Anger)
		start, end := mostLike(a.model, text, r)
		what, moved := "angrier than shown", "raised"
		if a.kind == CorrectNotAngry {
			what, moved = "not angry", "lowered"
		}
		reasons = append([]analyze.Reason{{Kind: "learned", Start: start, End: end, Weight: float64(to - r.Anger), Text: fmt.Sprintf(
			"agents corrected %d similar messages as %s: read %d (%s), %s to %d (%s)",
			a.messages, what, r.Anger, r.Level, moved, to, angerLevel(to))}}, reasons...)
		adj.Applied = append([]AppliedAdjustment{{Correction: a.kind, Confidence: round3(angerConf[0])}}, adj.Applied...)
		r.Anger, r.Level = to, angerLevel(to)
		r.Angry = r.Level != analyze.Calm
		if r.Angry {
			// An annoyed customer is complaining, and not positive about it,
			// as the engine itself reads an angry message.
			r.Complaint = true
			if r.SentimentScore > -0.3 {
				r.SentimentScore, r.Sentiment = -0.3, "negative"
			}
		}
	}
	if len(adj.Applied) == 0 {
		return r, nil
	}
	r.Signals = signals
	r.Reasons = append(slices.Clone(r.Reasons), reasons...)
	return r, adj
}

// shiftAnger is where a learned adjustment moves anger: one level up or
// down, five points inside the next level (calm → 55 annoyed, annoyed →
// 70 angry, angry → 90 furious; furious → 80 angry, angry → 60 annoyed,
// annoyed → 45 calm). A fixed point rather than a number of points: the
// messages people correct are often read far from the line (sarcasm read
// 3–9), and a capped step would leave them where they were.
func shiftAnger(k CorrectionKind, anger int) int {
	switch {
	case k == CorrectAngrier && anger < 50:
		return 55
	case k == CorrectAngrier && anger < 65:
		return 70
	case k == CorrectAngrier && anger < 85:
		return 90
	case k == CorrectNotAngry && anger >= 85:
		return 80
	case k == CorrectNotAngry && anger >= 65:
		return 60
	case k == CorrectNotAngry && anger >= 50:
		return 45
	}
	return anger
}

// angerLevel names the anger band of a score, as the analysis engine does.
func angerLevel(anger int) analyze.Level {
	switch {
	case anger >= 85:
		return analyze.Furious
	case anger >= 65:
		return analyze.Angry
	case anger >= 50:
		return analyze.Annoyed
	}
	return analyze.Calm
}

// mostLike returns the span of the sentence (among the first twenty) the
// model finds most like the corrected messages, or the opening of the
// text when the reading has no sentences.
func mostLike(m *analyze.CategoryModel, text string, r analyze.Reading) (int, int) {
	start, end, best := 0, len(textkit.Clip(text, 200)), -1.0
	for i, s := range r.Sentences {
		if i == 20 {
			break
		}
		if s.Start < 0 || s.End > len(text) || s.Start >= s.End {
			continue
		}
		if conf := adjusterConfidence(m, text[s.Start:s.End]); conf > best {
			start, end, best = s.Start, s.End, conf
		}
	}
	return start, end
}

// signalName is a signal kind in words: "public exposure".
func signalName(kind string) string { return strings.ReplaceAll(kind, "_", " ") }
