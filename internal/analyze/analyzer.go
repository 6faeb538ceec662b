package analyze

import (
	_ "embed"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/calmdesk/calmdesk/internal/textkit"
)

// MaxTextBytes is the longest text Read accepts. Customer messages are far
// shorter; anything longer is an attachment or an attack.
const MaxTextBytes = 1 << 20

// Errors Read returns for input it refuses.
var (
	ErrEmpty   = errors.New("analyze: empty text")
	ErrTooLong = fmt.Errorf("analyze: text longer than %d bytes", MaxTextBytes)
)

// emotionModelBin is the emotion model trained by tools/train-emotions.
//
//go:embed data/emotions.bin
var emotionModelBin []byte

// Analyzer reads customer messages. It is safe for concurrent use.
type Analyzer struct {
	emo *linearModel
	lx  *lexicon
	cat *CategoryModel
	// reading is the learned stage that decides anger, complaint,
	// sentiment and signals from the rules' findings and the words (nil:
	// the rules decide).
	reading    *ReadingModel
	readingRow []int32 // per emotion-vocabulary word: its row in reading, or -1
	pool       *sync.Pool
	label      struct {
		aa, anger, annoyance, neutral int
		positive, negative, other     []int
		praise                        []int // positive without gratitude
	}
}

// New returns an Analyzer using the given emotion model.
func New(m *EmotionModel) *Analyzer {
	a := &Analyzer{emo: m.m, lx: defaultLexicon()}
	a.pool = &sync.Pool{New: func() any { return &scratch{} }}
	a.label.aa = m.m.labelIndex("anger_or_annoyance")
	a.label.anger = m.m.labelIndex("anger")
	a.label.annoyance = m.m.labelIndex("annoyance")
	a.label.neutral = m.m.labelIndex("neutral")
	for _, n := range []string{"gratitude", "joy", "love", "admiration", "approval", "optimism", "relief", "excitement", "amusement", "caring", "pride"} {
		if i := m.m.labelIndex(n); i >= 0 {
			a.label.positive = append(a.label.positive, i)
			if n != "gratitude" {
				a.label.praise = append(a.label.praise, i)
			}
		}
	}
	for _, n := range []string{"disapproval", "disappointment", "disgust"} {
		if i := m.m.labelIndex(n); i >= 0 {
			a.label.other = append(a.label.other, i)
		}
	}
	for _, n := range []string{"anger", "annoyance", "disapproval", "disappointment", "sadness", "disgust", "fear", "remorse", "grief", "nervousness"} {
		if i := m.m.labelIndex(n); i >= 0 {
			a.label.negative = append(a.label.negative, i)
		}
	}
	return a
}

var rulesAnalyzer = sync.OnceValue(func() *Analyzer {
	// Read in place: LoadEmotionModel would copy the 8 MB.
	m, err := parseLinearModel(emotionModelBin)
	if err != nil {
		panic("analyze: embedded emotion model: " + err.Error())
	}
	return New(&EmotionModel{m: m})
})

var defaultAnalyzer = sync.OnceValue(func() *Analyzer { return loadDefaultReading(rulesAnalyzer()) })

// Default returns the Analyzer with the embedded models, loaded on first use.
func Default() *Analyzer { return defaultAnalyzer() }

// DefaultRules returns the Analyzer with the embedded emotion model and
// the rules but no reading model: what a reading model is trained over,
// loaded even when the embedded reading model no longer fits the code.
func DefaultRules() *Analyzer { return rulesAnalyzer() }

// Read is Default().Read.
func Read(text string) (Reading, error) { return Default().Read(text) }

// WithCategories returns a copy of a that also assigns categories with m
// (nil: none).
func (a *Analyzer) WithCategories(m *CategoryModel) *Analyzer {
	b := *a
	b.cat = m
	return &b
}

// Read analyses one customer message (plain text, quotes already removed).
// It refuses empty and over-long text; text it cannot read (another
// language, no words) yields a Reading with Supported false.
func (a *Analyzer) Read(text string) (Reading, error) {
	s := a.pool.Get().(*scratch)
	defer a.pool.Put(s)
	return a.readWith(text, s)
}

// readWith is Read with the given working memory.
func (a *Analyzer) readWith(text string, s *scratch) (Reading, error) {
	if len(text) > MaxTextBytes {
		return Reading{}, ErrTooLong
	}
	if strings.TrimFunc(text, unicode.IsSpace) == "" {
		return Reading{}, ErrEmpty
	}
	work := text
	if textkit.LooksLikeMarkup(text) {
		work = textkit.BlankMarkup(text)
	}
	s.toks = tokenize(work, s.toks[:0])
	r := Reading{Level: Calm, Sentiment: "neutral", Emotions: make(map[string]float64, len(a.emo.labels)),
		Labels: []string{}, Reasons: []Reason{}, Concerns: []Concern{}, Signals: []Signal{}, Sentences: []Sentence{}}
	r.Language = textkit.Language(work, len(s.toks), func(i int) (uint64, bool) {
		return s.toks[i].hash, s.toks[i].flags&tokNumber != 0
	})
	if r.Language != "en" || len(s.toks) == 0 {
		return r, nil
	}
	r.Supported = true
	a.read(work, text, s, &r)
	return r, nil
}

// calibrate maps a probability to 0-100 so that the label's threshold t
// lands on 50.
func calibrate(p, t float32) float64 {
	if t <= 0 || t >= 1 {
		return float64(p) * 100
	}
	if p < t {
		return 50 * float64(p/t)
	}
	return 50 + 50*float64((p-t)/(1-t))
}

// sentenceAnger scores one sentence for anger or annoyance only.
//
// A sentence is read on its anger-or-annoyance score alone, through its
// own sigmoid and threshold: the second stage would need every label's
// score and probability for every sentence, a fifth of a Reading's time.
func (a *Analyzer) sentenceAnger(acc *accumulator) (float32, float32) {
	m := a.emo
	if l := a.label.aa; l >= 0 {
		return m.prob(l, m.decision(acc, l)), m.threshPlatt[l]
	}
	la, ln := a.label.anger, a.label.annoyance
	return max(m.prob(la, m.decision(acc, la)), m.prob(ln, m.decision(acc, ln))), min(m.thresh[la], m.thresh[ln])
}

func (a *Analyzer) angerProb(probs []float32) (float32, float32) {
	m := a.emo
	if a.label.aa >= 0 {
		return probs[a.label.aa], m.thresh[a.label.aa]
	}
	p1, p2 := probs[a.label.anger], probs[a.label.annoyance]
	return max(p1, p2), min(m.thresh[a.label.anger], m.thresh[a.label.annoyance])
}

// read fills r for text whose words are in s.toks; work is text with any
// markup blanked.
func (a *Analyzer) read(work, text string, s *scratch, r *Reading) {
	m := a.emo
	nl := len(m.labels)
	s.infos = a.lx.lookup(s.toks, s.infos[:0])
	s.sents = sentences(s.toks, s.sents[:0])
	s.vocab = slices.Grow(s.vocab[:0], len(s.toks))[:len(s.toks)]
	msg, sent := s.accumulators(nl)
	dec := s.floats(nl)
	var maxSent float32
	sentModel := make([]float64, len(s.sents))
	s.matches = s.matches[:0]
	for k, se := range s.sents {
		sent.reset()
		m.span(work, s.toks, se[0], se[1], &sent, s)
		limit := len(work)
		if se[1] < len(s.toks) {
			limit = int(s.toks[se[1]].start)
		}
		sent.cues = a.lx.counts(work, s.toks[se[0]:se[1]], s.infos[se[0]:se[1]], limit)
		msg.add(&sent)
		p, t := a.sentenceAnger(&sent)
		maxSent = max(maxSent, p)
		sentModel[k] = calibrate(p, t)
		s.matches = a.lx.findAll(s.toks, s.infos, se[0], se[1], s.matches)
	}
	// Hints are for the reading model only: kept apart, the rules' passes
	// over the matches never see them.
	s.hints = s.hints[:0]
	kept := s.matches[:0]
	for _, mt := range s.matches {
		if mt.p.tag.group == groupHint || mt.p.tag.group == groupCounter {
			s.hints = append(s.hints, mt)
		} else {
			kept = append(kept, mt)
		}
	}
	s.matches = kept
	m.decisions(&msg, dec)
	probs := probsOf(m, dec)
	for l, name := range m.labels {
		if derivedLabel(name) {
			continue
		}
		r.Emotions[name] = math.Round(float64(probs[l])*1000) / 1000
		if probs[l] >= m.thresh[l] {
			r.Labels = append(r.Labels, name)
		}
	}

	s.emoji = findEmoji(work, s.emoji[:0])
	r.Signals = a.signals(work, text, s)
	entities := a.lx.findEntities(work, s.toks, s.infos, nil)
	r.Signals = append(r.Signals, longWaits(work, s, entities, r.Signals)...)
	r.Signals = append(r.Signals, elderly(work, s.toks)...)
	sortSignals(r.Signals)
	r.Reasons = a.reasons(work, text, s, &msg)
	var marks []uint16
	r.Concerns, marks = a.concerns(work, text, s, entities, r.Signals, r.Reasons)

	// The model knows Reddit's anger; customer-service anger also shows in
	// what the customer reports and threatens. Both are read as independent
	// evidence: anger = 1 - (1-model)(1-evidence).
	p, t := a.angerProb(probs)
	model := calibrate(max(p, 0.85*maxSent), t)
	other := a.massOf(probs, a.label.other)
	ev := evidence{capsShare: float64(msg.cues.caps) / float64(max(1, msg.cues.tokens))}
	ev.clauseMarks(marks)
	for _, x := range r.Reasons {
		ev.reason(x)
	}
	for _, x := range r.Signals {
		ev.signal(x)
	}
	points := ev.points(other)
	service := serviceContext(work, s.toks, r.Signals)
	if !service {
		// The rules are written for messages to a business; elsewhere
		// ("that's a horrible take") they would over-read, so they count
		// for less.
		points *= 0.2
	}
	switch {
	case points <= 0:
		// Nothing a customer-service reader would call a complaint: the
		// Reddit-trained model alone over-reads terse requests.
		model *= 0.7
	case ev.softened():
		model *= 0.75
	}
	anger := combine(model, points)

	// Sentiment: VADER's valence and the model's emotions, half each. A
	// request's courtesies ("I'd like…, please, thank you, kind regards")
	// are manners, not praise: in a message that asks for something they
	// count for nothing.
	asks := false
	for _, c := range r.Concerns {
		asks = asks || c.Kind == ConcernRequest || c.Kind == ConcernQuestion
	}
	sum := float64(msg.cues.vaderPos - msg.cues.vaderNeg)
	positive := a.label.positive
	if asks {
		sum -= a.courtesy(s)
		positive = a.label.praise
	}
	compound := sum / math.Sqrt(sum*sum+15)
	pos, neg := a.massOf(probs, positive), a.massOf(probs, a.label.negative)
	if l := a.label.neutral; l >= 0 && ev.problems == 0 && ev.feelings == 0 {
		// A matter-of-fact request ("please update my address") reads as
		// Reddit annoyance; trust the model's own sense that it is neutral.
		neg *= 1 - 0.8*min(1, float64(probs[l]/(2*m.thresh[l])))
	}
	score := 0.5*compound + 0.5*(pos-neg)
	complains := ev.problems > 0 || ev.feelings > 0 || ev.distress > 0
	switch {
	case complains && ev.resolved == 0:
		// A complaint still open is negative, however politely put.
		score = min(score-0.4, -0.25)
	case complains:
		score -= 0.4
	case asks:
		// A plain question or request: neutral unless strongly worded.
		score *= 0.5
	}
	if ev.byKind[reasonIndex("sarcasm")] > 0 {
		score = min(score, -0.3)
	}
	r.Anger = int(math.Round(max(0, min(100, anger))))
	r.Level = LevelOf(r.Anger)
	r.Angry = r.Level != Calm
	if r.Angry {
		score = min(score, -0.3)
	}
	r.SentimentScore = math.Round(max(-1, min(1, score))*1000) / 1000
	switch {
	case score <= -0.2:
		r.Sentiment = "negative"
	case score >= 0.2:
		r.Sentiment = "positive"
	}
	// A problem the message says is put right ("thanks for sorting the
	// double charge") is not a complaint, unless said with heat.
	told := (ev.problems > 0 || ev.feelings > 0 || ev.distress > 0) && (ev.resolved == 0 || ev.heated())
	r.Complaint = told || r.Angry || hasComplaintSignal(r.Signals)

	if a.reading != nil || s.wantInputs {
		v := ruleView{probs: probs, maxSent: maxSent, model: model, points: points, anger: anger,
			sentiment: score, compound: compound, ev: &ev, service: service,
			complaint: r.Complaint, cues: &msg.cues, concerns: r.Concerns, signals: r.Signals,
			entities: entities, emoji: s.emoji, hints: s.hints, infos: s.infos, work: work}
		s.dense = v.dense(s.dense[:0])
		s.ruleAnger = anger
		s.ngrams = ngramsOf(work, s.toks, s.infos, s.ngrams[:0])
		if a.reading != nil {
			a.applyReading(work, text, s, r)
		}
	}

	// Clauses, reasons and signals are in text order: one pass over each.
	ci, ri, si := 0, 0, 0
	for k, se := range s.sents {
		st, en := int(s.toks[se[0]].start), int(s.toks[se[1]-1].end)
		en = sentenceEnd(work, en)
		var sev evidence
		for ; ci < len(s.clauses) && s.clauses[ci][0] < se[1]; ci++ {
			sev.clauseMarks(marks[ci : ci+1])
		}
		for ; ri < len(r.Reasons) && r.Reasons[ri].Start < en; ri++ {
			sev.reason(r.Reasons[ri])
		}
		for ; si < len(r.Signals) && r.Signals[si].Start < en; si++ {
			sev.signal(r.Signals[si])
		}
		sa := combine(sentModel[k], sev.points(0))
		r.Sentences = append(r.Sentences, Sentence{Start: st, End: en, Anger: int(math.Round(max(0, min(100, sa))))})
	}
	if a.reading != nil {
		scaleSentences(r)
	}
	if a.cat != nil {
		r.Category, r.CategoryScore = a.cat.predict(work, s)
	}
}

// courtesy is the positive valence of the words of courtesy in the text.
func (a *Analyzer) courtesy(s *scratch) float64 {
	sum := 0.0
	for i, t := range s.toks {
		if wi := s.infos[i]; wi != nil && wi.kind&lexValence != 0 && wi.valence > 0 && courtesyWords[t.hash] {
			sum += float64(wi.valence)
		}
	}
	return sum
}

var courtesyWords = hashSet(map[string]bool{"thank": true, "thanks": true, "please": true, "like": true,
	"kind": true, "kindly": true, "regards": true, "best": true, "appreciate": true, "appreciated": true,
	"grateful": true, "help": true, "hope": true, "hoping": true, "wish": true, "welcome": true, "sure": true,
	"yes": true, "ok": true, "okay": true, "good": true, "interested": true, "happy": true, "free": true,
	"support": true, "care": true, "dear": true, "share": true, "gift": true})

func probsOf(m *linearModel, dec []float32) []float32 {
	out := make([]float32, len(dec))
	m.probs(dec, out)
	return out
}

// massOf is the strongest of labels, each read as (p/threshold)^2 capped
// at 1: a label at its threshold counts fully, one at half of it a quarter.
func (a *Analyzer) massOf(probs []float32, labels []int) float64 {
	best := 0.0
	for _, l := range labels {
		x := min(1, float64(probs[l]/a.emo.thresh[l]))
		best = max(best, x*x)
	}
	return best
}

// LevelOf names the anger band a 0-100 score falls in; every package that
// shows or decides by a band asks here, so the bands live in one place.
func LevelOf(anger int) Level {
	switch {
	case anger >= 85:
		return Furious
	case anger >= 65:
		return Angry
	case anger >= 50:
		return Annoyed
	}
	return Calm
}

// sentenceEnd extends a sentence over its closing punctuation.
func sentenceEnd(text string, end int) int {
	for end < len(text) && strings.IndexByte(".!?\"')", text[end]) >= 0 {
		end++
	}
	return end
}
