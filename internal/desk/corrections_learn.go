package desk

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/textkit"
)

// The desk learns from its agents' corrections of readings as it learns
// categories from their filing: per kind of correction (angrier, not
// angry, each missed or wrong signal) a small linear model, the category
// learner's (analyze.TrainCategories, over the engine's own word and
// character n-gram features), trained to tell the messages people
// corrected from similar ones nobody corrected. At ingest it adjusts the
// reading of a new message it is confident about (corrections_adjust.go).
//
// Guard rails, so a handful of clicks cannot swing the readings:
//   - a kind is learned only once minCorrectedMessages messages were
//     corrected that way by at least minCorrectingPeople different people;
//   - it is measured by k-fold cross-validation on the corrected messages
//     and up to ten times as many uncorrected ones, and acts only at a
//     confidence chosen out of fold (chooseThreshold: at least
//     minAdjustConfidence, at most maxFalseAdjust of the uncorrected
//     messages reach it, and at least minPrecision of those that do were
//     corrected);
//   - it applies only when, at that confidence and out of fold, it puts
//     right at least minAgreement of the corrected messages;
//   - it moves anger by one level at most (shiftAnger), and never drops a
//     safety or vulnerable-customer signal.
const (
	minCorrectedMessages = 5
	minCorrectingPeople  = 2
	// The uncorrected messages a kind is learned against: at least
	// minUncorrected, at most uncorrectedPerCorrected per corrected message
	// and maxUncorrected in all, newest first, among the newest
	// maxCorrectionCandidates customer messages.
	minUncorrected          = 10
	uncorrectedPerCorrected = 10
	maxUncorrected          = 2000
	maxCorrectionCandidates = 5000
	maxLearnCorrections     = 50000
	correctionFolds         = 5
	minAgreement            = 0.4
	minAdjustConfidence     = 0.6
	minPrecision            = 0.7
	maxFalseAdjust          = 0.05
	// The model: 2^16 hashed buckets are plenty for the tens to thousands
	// of messages an adjuster learns from; C 0.1 regularises more than the
	// category learner's 1, as there are fewer examples (on the tests'
	// first 12 deadpan messages against the everyday ones, out-of-fold
	// AUC .92 at C 0.05 and 0.1, .90 at 1).
	adjusterBits = 16
	adjusterC    = 0.1
	// Labels of the two classes an adjuster tells apart.
	labelCorrected   = "corrected"
	labelUncorrected = "uncorrected"
)

// neverDropped are the signals no learned adjustment removes: missing a
// real one costs far more than showing a wrong one.
var neverDropped = []string{analyze.SignalSafetyIssue, analyze.SignalVulnerableCustomer}

// AdjusterInfo describes what the desk learned from one kind of
// correction and how it measured out of fold.
type AdjusterInfo struct {
	Correction CorrectionKind `json:"correction"`
	Signal     string         `json:"signal,omitempty"`
	// Corrections of this kind, the messages they settle (where people
	// disagree the majority counts) and the people who made them.
	Corrections int `json:"corrections"`
	Messages    int `json:"messages"`
	People      int `json:"people"`
	// Compared is how many uncorrected messages it learned against.
	Compared int  `json:"compared"`
	Measured bool `json:"measured"`
	// Out of fold: corrected messages it adjusts as people did
	// (Agreement = Adjusted / Messages) and uncorrected ones it would
	// adjust too (FalseRate = Falsely / Compared).
	// Threshold is the confidence at which it adjusts a reading, chosen
	// out of fold.
	Threshold float64 `json:"threshold"`
	Adjusted  int     `json:"adjusted"`
	Agreement float64 `json:"agreement"`
	Falsely   int     `json:"falsely"`
	FalseRate float64 `json:"false_rate"`
	// Precision estimates, out of fold, the share of the messages it
	// would adjust that people corrected (counting the uncorrected ones it
	// was not compared with too).
	Precision float64 `json:"precision"`
	// For anger: the mean anger the engine read on the corrected messages,
	// and the mean with the adjustment out of fold.
	AngerBefore float64 `json:"anger_before,omitempty"`
	AngerAfter  float64 `json:"anger_after,omitempty"`
	// Levels are, for anger, the levels the engine read that it learned
	// at and acts on: from calm up to the highest level people said was
	// too low ("angrier"), or from the lowest they said was too high
	// ("not angry") up. A message read annoyed agrees with people who
	// said calm ones should read annoyed; it is no counter-example.
	Levels  []analyze.Level `json:"levels,omitempty"`
	Applies bool            `json:"applies"`
	Why     string          `json:"why,omitempty"` // why it does not apply
}

func (a AdjusterInfo) key() string { return adjusterKey(a.Correction, a.Signal) }

func adjusterKey(k CorrectionKind, signal string) string {
	if signal != "" {
		return string(k) + ":" + signal
	}
	return string(k)
}

// CorrectionModelInfo describes a stored set of learned adjusters.
type CorrectionModelInfo struct {
	ID          int64          `json:"id"`
	TrainedAt   time.Time      `json:"trained_at"`
	Corrections int            `json:"corrections"` // corrections of readings it learned from
	Adjusters   []AdjusterInfo `json:"adjusters"`
}

// CorrectionLearning is the outcome of LearnCorrections: the model in use
// and, when none was trained, why.
type CorrectionLearning struct {
	Model   *CorrectionModelInfo `json:"model,omitempty"`
	Trained bool                 `json:"trained"`
	Skipped string               `json:"skipped,omitempty"`
}

// storedAdjuster is one adjuster in correction_models.models.
type storedAdjuster struct {
	Correction CorrectionKind  `json:"correction"`
	Signal     string          `json:"signal,omitempty"`
	Messages   int             `json:"messages"`
	Threshold  float64         `json:"threshold"`
	Levels     []analyze.Level `json:"levels,omitempty"` // anger: the levels it acts on (none stored: all it may move)
	Model      []byte          `json:"model"`            // analyze.CategoryModel.Save
}

// LearnCorrections learns the desk's adjustment of readings from what
// people corrected, stores it and puts it in use, unless no reading was
// corrected since the last time or no kind has enough corrections
// (Skipped then says which).
func (d *Desk) LearnCorrections(ctx context.Context) (CorrectionLearning, error) {
	current, lastUsed, err := d.newestCorrectionModel(ctx)
	if err != nil {
		return CorrectionLearning{}, err
	}
	votes, lastID, err := d.readingCorrections(ctx)
	if err != nil {
		return CorrectionLearning{}, err
	}
	out := CorrectionLearning{Model: current}
	if current != nil && lastID == lastUsed {
		out.Skipped = "no reading was corrected since the last model"
		return out, nil
	}
	groups := groupCorrections(votes)
	ready := 0
	for _, g := range groups {
		if g.enough() {
			ready++
		}
	}
	if ready == 0 {
		out.Skipped = fmt.Sprintf("%d corrections of readings; the desk learns a kind once %d messages were corrected that way by %d people",
			len(votes), minCorrectedMessages, minCorrectingPeople)
		return out, nil
	}
	var corrected []int64
	for _, g := range groups {
		if g.enough() {
			corrected = append(corrected, g.messages...)
		}
	}
	msgs, err := d.correctionCandidates(ctx, corrected)
	if err != nil {
		return CorrectionLearning{}, err
	}
	info := CorrectionModelInfo{TrainedAt: d.clock(), Corrections: len(votes)}
	var stored []storedAdjuster
	for _, g := range groups {
		a, model, err := learnAdjuster(g, groups, msgs)
		if err != nil {
			return CorrectionLearning{}, err
		}
		info.Adjusters = append(info.Adjusters, a)
		if model != nil {
			stored = append(stored, storedAdjuster{Correction: a.Correction, Signal: a.Signal, Messages: a.Messages, Threshold: a.Threshold, Levels: a.Levels, Model: model})
		}
	}
	summary, _ := json.Marshal(info.Adjusters)
	models, _ := json.Marshal(stored)
	err = d.db.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx,
			`INSERT INTO correction_models (trained_at, corrections, last_correction_id, summary, models)
			 VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			info.TrainedAt, info.Corrections, lastID, string(summary), models).Scan(&info.ID)
		if err != nil {
			return err
		}
		brief := make([]map[string]any, 0, len(info.Adjusters))
		for _, a := range info.Adjusters {
			if a.Measured {
				brief = append(brief, map[string]any{"correction": a.key(), "messages": a.Messages, "people": a.People,
					"agreement": a.Agreement, "false_rate": a.FalseRate, "applies": a.Applies})
			}
		}
		return audit(ctx, tx, info.TrainedAt, SystemActor, 0, "corrections.learned",
			map[string]any{"model": info.ID, "corrections": info.Corrections, "adjusters": brief})
	})
	if err != nil {
		return CorrectionLearning{}, wrapOp(err, "store correction model")
	}
	adjusters, err := loadAdjusters(stored)
	if err != nil {
		return CorrectionLearning{}, err
	}
	d.useAdjusters(info.ID, adjusters)
	return CorrectionLearning{Model: &info, Trained: true}, nil
}

// CorrectionStatus is what the desk has learned from corrections and what
// waits to be learned.
type CorrectionStatus struct {
	// Model is the newest learned model, nil before the first.
	Model *CorrectionModelInfo `json:"model"`
	// Since counts the corrections of readings made after it.
	Since int `json:"since"`
	// Kinds counts, per kind of reading correction, what has been said so
	// far, and whether it is enough to learn from.
	Kinds []AdjusterInfo `json:"kinds"`
	// The guard rails in force.
	Rules CorrectionRules `json:"rules"`
}

// CorrectionRules are the guard rails of learning from corrections.
type CorrectionRules struct {
	MinMessages   int     `json:"min_messages"`
	MinPeople     int     `json:"min_people"`
	MinAgreement  float64 `json:"min_agreement"`
	MaxFalseRate  float64 `json:"max_false_rate"`
	MinPrecision  float64 `json:"min_precision"`
	MinConfidence float64 `json:"min_confidence"`
	Folds         int     `json:"folds"`
	MaxLevelsMove int     `json:"max_levels_moved"`
}

// CorrectionLearningStatus reports the newest model and the corrections
// waiting to be learned from.
func (d *Desk) CorrectionLearningStatus(ctx context.Context) (CorrectionStatus, error) {
	model, lastUsed, err := d.newestCorrectionModel(ctx)
	if err != nil {
		return CorrectionStatus{}, err
	}
	votes, _, err := d.readingCorrections(ctx)
	if err != nil {
		return CorrectionStatus{}, err
	}
	st := CorrectionStatus{Model: model, Kinds: []AdjusterInfo{}, Rules: CorrectionRules{
		MinMessages: minCorrectedMessages, MinPeople: minCorrectingPeople, MinAgreement: minAgreement,
		MaxFalseRate: maxFalseAdjust, MinPrecision: minPrecision, MinConfidence: minAdjustConfidence, Folds: correctionFolds, MaxLevelsMove: 1}}
	for _, v := range votes {
		if v.id > lastUsed {
			st.Since++
		}
	}
	for _, g := range groupCorrections(votes) {
		st.Kinds = append(st.Kinds, g.info())
	}
	return st, nil
}

// correctionVote is one person's correction of a reading.
type correctionVote struct {
	id, user, message int64
	kind              CorrectionKind
	signal            string
}

// readingCorrections returns the newest corrections of readings and the
// id of the newest.
func (d *Desk) readingCorrections(ctx context.Context) ([]correctionVote, int64, error) {
	rows, err := d.db.Read().QueryContext(ctx,
		`SELECT id, user_id, message_id, kind, target FROM corrections
		  WHERE kind IN ('not_angry', 'angrier', 'missed_signal', 'wrong_signal')
		  ORDER BY id DESC LIMIT $1`, maxLearnCorrections)
	if err != nil {
		return nil, 0, fmt.Errorf("desk: reading corrections: %w", err)
	}
	defer rows.Close()
	var out []correctionVote
	var last int64
	for rows.Next() {
		var v correctionVote
		if err := rows.Scan(&v.id, &v.user, &v.message, &v.kind, &v.signal); err != nil {
			return nil, 0, fmt.Errorf("desk: reading corrections: %w", err)
		}
		last = max(last, v.id)
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("desk: reading corrections: %w", err)
	}
	return out, last, nil
}

// correctionGroup is everything said of one kind (and signal).
type correctionGroup struct {
	kind     CorrectionKind
	signal   string
	rows     int
	messages []int64 // where this kind has the majority, ascending
	people   map[int64]bool
}

func (g *correctionGroup) key() string { return adjusterKey(g.kind, g.signal) }

func (g *correctionGroup) enough() bool {
	return len(g.messages) >= minCorrectedMessages && len(g.people) >= minCorrectingPeople
}

func (g *correctionGroup) info() AdjusterInfo {
	a := AdjusterInfo{Correction: g.kind, Signal: g.signal, Corrections: g.rows, Messages: len(g.messages), People: len(g.people)}
	if !g.enough() {
		a.Why = fmt.Sprintf("needs %d corrected messages from %d people; has %d from %d",
			minCorrectedMessages, minCorrectingPeople, len(g.messages), len(g.people))
	}
	return a
}

// opposite is the kind of correction that says the reverse.
func opposite(k CorrectionKind) CorrectionKind {
	switch k {
	case CorrectAngrier:
		return CorrectNotAngry
	case CorrectNotAngry:
		return CorrectAngrier
	case CorrectMissedSignal:
		return CorrectWrongSignal
	}
	return CorrectMissedSignal
}

// groupCorrections sorts votes into groups by kind and signal, in a fixed
// order. Where people disagree about a message, the majority's kind
// counts it; a tie counts for neither.
func groupCorrections(votes []correctionVote) []*correctionGroup {
	type slotKey struct {
		message int64
		slot    string
	}
	tally := map[slotKey]map[CorrectionKind][]int64{}
	groups := map[string]*correctionGroup{}
	for _, v := range votes {
		slot := v.signal
		if slot == "" {
			slot = "anger"
		}
		sk := slotKey{v.message, slot}
		if tally[sk] == nil {
			tally[sk] = map[CorrectionKind][]int64{}
		}
		tally[sk][v.kind] = append(tally[sk][v.kind], v.user)
		k := adjusterKey(v.kind, v.signal)
		if groups[k] == nil {
			groups[k] = &correctionGroup{kind: v.kind, signal: v.signal, people: map[int64]bool{}}
		}
		groups[k].rows++
	}
	for sk, byKind := range tally {
		for kind, users := range byKind {
			if len(users) <= len(byKind[opposite(kind)]) {
				continue
			}
			signal := sk.slot
			if signal == "anger" {
				signal = ""
			}
			g := groups[adjusterKey(kind, signal)]
			g.messages = append(g.messages, sk.message)
			for _, u := range users {
				g.people[u] = true
			}
		}
	}
	out := make([]*correctionGroup, 0, len(groups))
	for _, g := range groups {
		slices.Sort(g.messages)
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b *correctionGroup) int {
		ia, ib := slices.Index(CorrectionKinds, a.kind), slices.Index(CorrectionKinds, b.kind)
		if ia != ib {
			return ia - ib
		}
		return slices.Index(SignalKinds, a.signal) - slices.Index(SignalKinds, b.signal)
	})
	return out
}

// readMessage is a customer message as the learner sees it.
type readMessage struct {
	id       int64
	text     string // clipped to maxLearnBytes
	level    analyze.Level
	read     int // the anger the engine read, before any learned adjustment
	signals  []string
	adjusted []string // keys of the adjusters that changed its reading
}

// storedReading is a reading as stored with a message: the engine's
// reading and, when the desk adjusted it, how.
type storedReading struct {
	analyze.Reading
	Adjusted *ReadingAdjustment `json:"adjusted,omitempty"`
}

// correctionCandidates reads the newest customer messages and the
// corrected ones, newest first.
func (d *Desk) correctionCandidates(ctx context.Context, corrected []int64) ([]readMessage, error) {
	seen := map[int64]bool{}
	var out []readMessage
	scan := func(rows *sql.Rows) error {
		defer rows.Close()
		for rows.Next() {
			var id int64
			var text, reading string
			if err := rows.Scan(&id, &text, &reading); err != nil {
				return err
			}
			var r storedReading
			if seen[id] || json.Unmarshal([]byte(reading), &r) != nil || !r.Supported {
				continue
			}
			seen[id] = true
			c := readMessage{id: id, text: textkit.Clip(text, maxLearnBytes), level: r.Level, read: r.Anger, signals: signalKinds(r.Reading)}
			if a := r.Adjusted; a != nil {
				c.read = a.AngerRead
				for _, ap := range a.Applied {
					c.adjusted = append(c.adjusted, adjusterKey(ap.Correction, ap.Signal))
				}
			}
			out = append(out, c)
		}
		return rows.Err()
	}
	// Rows are read one at a time and only a clipped text kept, so memory
	// stays small however long the messages; substr counts characters on
	// both engines, Clip then cuts to bytes.
	columns := `SELECT id, substr(clean_text, 1, ` + strconv.Itoa(maxLearnBytes) + `), reading FROM messages WHERE direction = 'inbound' AND reading IS NOT NULL`
	rows, err := d.db.Read().QueryContext(ctx, columns+` ORDER BY id DESC LIMIT $1`, maxCorrectionCandidates)
	if err == nil {
		err = scan(rows)
	}
	if err != nil {
		return nil, fmt.Errorf("desk: correction candidates: %w", err)
	}
	// Corrected messages older than the newest are read by id, a page at a time.
	var missing []int64
	for _, id := range corrected {
		if !seen[id] {
			missing = append(missing, id)
		}
	}
	slices.Sort(missing)
	missing = slices.Compact(missing)
	for page := range slices.Chunk(missing, 500) {
		ids := make([]string, len(page))
		for i, id := range page {
			ids[i] = strconv.FormatInt(id, 10)
		}
		// The ids are integers formatted here, not text from outside.
		rows, err := d.db.Read().QueryContext(ctx, columns+` AND id IN (`+strings.Join(ids, ",")+`)`)
		if err == nil {
			err = scan(rows)
		}
		if err != nil {
			return nil, fmt.Errorf("desk: correction candidates: %w", err)
		}
	}
	slices.SortFunc(out, func(a, b readMessage) int { return cmp.Compare(b.id, a.id) })
	return out, nil
}

// eligible reports whether a correction of the group's kind could have
// been made on the message: only those are compared with the corrected.
func (g *correctionGroup) eligible(c readMessage) bool {
	switch g.kind {
	case CorrectAngrier:
		return c.level != analyze.Furious
	case CorrectNotAngry:
		return c.level != analyze.Calm
	case CorrectMissedSignal:
		return !slices.Contains(c.signals, g.signal)
	}
	return slices.Contains(c.signals, g.signal)
}

// learnAdjuster measures one group out of fold and, when it passes the
// guard rails, returns the saved model trained on all its examples.
func learnAdjuster(g *correctionGroup, all []*correctionGroup, msgs []readMessage) (AdjusterInfo, []byte, error) {
	a := g.info()
	if !g.enough() {
		return a, nil, nil
	}
	// Messages people corrected the opposite way are fair comparisons even
	// when an earlier adjuster changed them; other adjusted ones are not:
	// people had no reason to correct what the adjuster already put right.
	contrary := map[int64]bool{}
	for _, o := range all {
		if o.kind == opposite(g.kind) && o.signal == g.signal {
			for _, id := range o.messages {
				contrary[id] = true
			}
		}
	}
	isPos := map[int64]bool{}
	for _, id := range g.messages {
		isPos[id] = true
	}
	var pos, neg []readMessage
	for _, c := range msgs {
		if isPos[c.id] {
			pos = append(pos, c)
		}
	}
	a.Levels = angerSpan(g.kind, pos)
	eligible := 0 // uncorrected messages it could change, kept or not
	for _, c := range msgs {
		switch {
		case isPos[c.id]:
		case !g.eligible(c) || (slices.Contains(c.adjusted, g.key()) && !contrary[c.id]):
		case a.Levels != nil && !slices.Contains(a.Levels, angerLevel(c.read)):
		default:
			eligible++
			if len(neg) < min(maxUncorrected, uncorrectedPerCorrected*len(g.messages)) {
				neg = append(neg, c)
			}
		}
	}
	slices.SortFunc(pos, func(x, y readMessage) int { return cmp.Compare(x.id, y.id) })
	a.Messages, a.Compared = len(pos), len(neg)
	switch {
	case len(pos) < minCorrectedMessages:
		a.Why = fmt.Sprintf("only %d of the corrected messages are still readable", len(pos))
		return a, nil, nil
	case len(neg) < minUncorrected:
		a.Why = fmt.Sprintf("only %d uncorrected messages to compare with; needs %d", len(neg), minUncorrected)
		return a, nil, nil
	}
	// The corrected messages are fewer than the others: each is given
	// `weight` times, so both sides weigh about the same in training (the
	// learner has no class weights; a repeated example is one weighted up).
	weight := min(10, max(1, (len(neg)+len(pos)/2)/len(pos)))
	texts := func(cs []readMessage, label string, keep func(i int) bool) []analyze.Example {
		var out []analyze.Example
		times := 1
		if label == labelCorrected {
			times = weight
		}
		for i, c := range cs {
			if keep(i) {
				for range times {
					out = append(out, analyze.Example{Text: c.text, Category: label})
				}
			}
		}
		return out
	}
	// Out of fold: each message is scored by a model trained on the other
	// folds.
	k := min(correctionFolds, len(pos))
	posConf, negConf := make([]float64, len(pos)), make([]float64, len(neg))
	for fold := range k {
		train := append(texts(pos, labelCorrected, func(i int) bool { return i%k != fold }),
			texts(neg, labelUncorrected, func(i int) bool { return i%k != fold })...)
		m, err := trainAdjuster(train)
		if err != nil {
			return a, nil, err
		}
		for i := fold; i < len(pos); i += k {
			posConf[i] = adjusterConfidence(m, pos[i].text)
		}
		for i := fold; i < len(neg); i += k {
			negConf[i] = adjusterConfidence(m, neg[i].text)
		}
	}
	// The threshold is the lowest confidence at which it changes few
	// uncorrected messages (maxFalseAdjust) and mostly corrected ones
	// (minPrecision); the agreement is measured at it. Compared with all
	// the uncorrected messages it could change, the kept ones are a
	// sample: each stands for scale of them.
	scale := float64(eligible) / float64(len(neg))
	a.Threshold = chooseThreshold(posConf, negConf, scale)
	for _, c := range negConf {
		if c >= a.Threshold {
			a.Falsely++
		}
	}
	angerSum, before := 0.0, 0.0
	for i, c := range pos {
		after := c.read
		if posConf[i] >= a.Threshold {
			a.Adjusted++
			after = shiftAnger(g.kind, c.read)
		}
		before += float64(c.read)
		angerSum += float64(after)
	}
	a.Measured = true
	a.Agreement = round3(float64(a.Adjusted) / float64(len(pos)))
	a.FalseRate = round3(float64(a.Falsely) / float64(len(neg)))
	a.Precision = round3(precision(a.Adjusted, a.Falsely, scale))
	if g.kind == CorrectAngrier || g.kind == CorrectNotAngry {
		a.AngerBefore = round1(before / float64(len(pos)))
		a.AngerAfter = round1(angerSum / float64(len(pos)))
	}
	switch {
	case g.kind == CorrectWrongSignal && slices.Contains(neverDropped, g.signal):
		a.Why = "the desk never learns to drop this signal: missing a real one costs more than a wrong one"
	case a.Agreement < minAgreement:
		a.Why = fmt.Sprintf("out of fold it adjusts %d of %d corrected messages; it needs %.0f%%", a.Adjusted, len(pos), 100*minAgreement)
	case a.FalseRate > maxFalseAdjust:
		a.Why = fmt.Sprintf("out of fold it would also adjust %d of %d uncorrected messages; at most %.0f%% may be", a.Falsely, len(neg), 100*maxFalseAdjust)
	case a.Precision < minPrecision:
		a.Why = fmt.Sprintf("out of fold only %.0f%% of the messages it would adjust are ones people corrected; it needs %.0f%%", 100*a.Precision, 100*minPrecision)
	default:
		a.Applies = true
	}
	if !a.Applies {
		return a, nil, nil
	}
	every := func(int) bool { return true }
	m, err := trainAdjuster(append(texts(pos, labelCorrected, every), texts(neg, labelUncorrected, every)...))
	if err != nil {
		return a, nil, err
	}
	var blob bytes.Buffer
	if err := m.Save(&blob); err != nil {
		return a, nil, fmt.Errorf("desk: save adjuster %s: %w", g.key(), err)
	}
	return a, blob.Bytes(), nil
}

// angerLevels are the levels in order.
var angerLevels = []analyze.Level{analyze.Calm, analyze.Annoyed, analyze.Angry, analyze.Furious}

// angerSpan is, for an anger correction, the levels the engine read that
// an adjuster learned from messages people corrected (read as corrected)
// learns at and acts on: "angrier" from calm up to the highest level
// among them, "not angry" from the lowest up to furious. Nil for signals.
func angerSpan(k CorrectionKind, corrected []readMessage) []analyze.Level {
	if len(corrected) == 0 || (k != CorrectAngrier && k != CorrectNotAngry) {
		return nil
	}
	lo, hi := len(angerLevels)-1, 0
	for _, c := range corrected {
		i := slices.Index(angerLevels, angerLevel(c.read))
		lo, hi = min(lo, i), max(hi, i)
	}
	if k == CorrectAngrier {
		return slices.Clone(angerLevels[:min(hi+1, len(angerLevels)-1)]) // never furious: it cannot go higher
	}
	return slices.Clone(angerLevels[max(lo, 1):]) // never calm: it cannot go lower
}

func trainAdjuster(examples []analyze.Example) (*analyze.CategoryModel, error) {
	m, err := analyze.TrainCategories(examples, analyze.CategoryOptions{Bits: adjusterBits, C: adjusterC})
	if err != nil {
		return nil, fmt.Errorf("desk: learn from corrections: %w", err)
	}
	return m, nil
}

// adjusterConfidence is the model's confidence that text is like the
// messages people corrected.
func adjusterConfidence(m *analyze.CategoryModel, text string) float64 {
	label, conf := m.Predict(text)
	if label == labelCorrected {
		return conf
	}
	return 1 - conf
}

// newestCorrectionModel describes the newest stored model, with the id of
// the newest correction it learned from.
func (d *Desk) newestCorrectionModel(ctx context.Context) (*CorrectionModelInfo, int64, error) {
	var info CorrectionModelInfo
	var summary string
	var last int64
	err := d.db.Read().QueryRowContext(ctx,
		`SELECT id, trained_at, corrections, last_correction_id, summary FROM correction_models ORDER BY id DESC LIMIT 1`).
		Scan(&info.ID, &info.TrainedAt, &info.Corrections, &last, &summary)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("desk: correction model: %w", err)
	}
	if err := json.Unmarshal([]byte(summary), &info.Adjusters); err != nil {
		return nil, 0, fmt.Errorf("desk: correction model %d: %w", info.ID, err)
	}
	info.TrainedAt = info.TrainedAt.UTC()
	return &info, last, nil
}

// chooseThreshold returns the lowest confidence, to a thousandth and at
// least minAdjustConfidence, at which, out of fold, at most maxFalseAdjust
// of the uncorrected messages would be adjusted and at least minPrecision
// of the adjusted ones were corrected; above every uncorrected message
// when none is.
func chooseThreshold(posConf, negConf []float64, scale float64) float64 {
	candidates := []float64{minAdjustConfidence}
	for _, c := range negConf {
		// Just above an uncorrected message's confidence.
		if t := math.Floor(c*1000)/1000 + 0.001; t > minAdjustConfidence {
			candidates = append(candidates, t)
		}
	}
	slices.Sort(candidates)
	candidates = slices.Compact(candidates)
	reaching := func(conf []float64, t float64) int {
		n := 0
		for _, c := range conf {
			if c >= t {
				n++
			}
		}
		return n
	}
	for _, t := range candidates {
		adjusted, falsely := reaching(posConf, t), reaching(negConf, t)
		if float64(falsely) <= maxFalseAdjust*float64(len(negConf)) && adjusted > 0 && precision(adjusted, falsely, scale) >= minPrecision {
			return t
		}
	}
	return candidates[len(candidates)-1]
}

// precision estimates the share of the messages an adjuster changes that
// people corrected, counting each uncorrected one it changes scale times.
func precision(adjusted, falsely int, scale float64) float64 {
	if adjusted == 0 {
		return 0
	}
	return float64(adjusted) / (float64(adjusted) + float64(falsely)*scale)
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }
func round1(x float64) float64 { return math.Round(x*10) / 10 }
