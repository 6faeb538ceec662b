package desk

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/textkit"
)

// The desk learns its categories from its agents: every case a person
// filed under a category (SetCategory), and every imported case that came
// with one from the desk it was exported from, is an example of that
// category, read from the case's first customer message.
// LearnCategories trains a model on them in seconds and stores it; every
// instance then reads new cases with the newest stored model.

// Learning needs at least this many examples over at least two categories,
// each with at least minPerCategory: fewer would teach guesses.
const (
	minLearnExamples = 20
	minPerCategory   = 3
	// With this many examples, every tenth is first held out to measure
	// the model before it is trained on all of them.
	minHoldoutExamples = 50
	// How often an instance looks for a model trained elsewhere.
	categoryRefreshEvery = time.Minute
	// Learning reads at most the newest maxLearnExamples filed cases, each
	// up to maxLearnBytes of its first message (the topic is in its
	// opening): memory and time stay bounded on a desk with years of history.
	maxLearnExamples = 50000
	maxLearnBytes    = 2000
)

// CategoryModelInfo describes a stored category model.
type CategoryModelInfo struct {
	ID         int64     `json:"id"`
	TrainedAt  time.Time `json:"trained_at"`
	Examples   int       `json:"examples"`
	Categories []string  `json:"categories"`
	Accuracy   float64   `json:"accuracy"` // on held-out examples; 0 when there were too few to hold any out
}

// CategoryLearning is the outcome of LearnCategories: the model in use and,
// when none was trained, why.
type CategoryLearning struct {
	Model   *CategoryModelInfo `json:"model,omitempty"`
	Trained bool               `json:"trained"`
	Skipped string             `json:"skipped,omitempty"`
}

// categorizer is an Analyzer that can also sort messages into categories
// (analyze.Analyzer is one).
type categorizer interface {
	WithCategories(*analyze.CategoryModel) *analyze.Analyzer
}

// learnedCategories is the newest stored model, as this instance uses it.
type learnedCategories struct {
	mu        sync.Mutex
	id        int64
	analyzer  Analyzer // the desk's analyzer with the model; nil until one is loaded
	checkedAt time.Time
}

// reader returns the analyzer to read customer messages with: the desk's
// own, with the newest learned category model when there is one. It looks
// for a newer model at most once a minute.
func (d *Desk) reader(ctx context.Context) Analyzer {
	l := &d.learned
	l.mu.Lock()
	stale := time.Since(l.checkedAt) >= categoryRefreshEvery
	if stale {
		l.checkedAt = time.Now()
	}
	a := l.analyzer
	l.mu.Unlock()
	if stale {
		if err := d.loadCategoryModel(ctx); err != nil {
			d.log.WarnContext(ctx, "category model not loaded", "err", err)
		}
		l.mu.Lock()
		a = l.analyzer
		l.mu.Unlock()
	}
	if a == nil {
		return d.analyzer
	}
	return a
}

// loadCategoryModel makes the newest stored model the one in use, if it is
// not already.
func (d *Desk) loadCategoryModel(ctx context.Context) error {
	c, ok := d.analyzer.(categorizer)
	if !ok {
		return nil
	}
	var newest sql.NullInt64
	if err := d.db.Read().QueryRowContext(ctx, `SELECT MAX(id) FROM category_models`).Scan(&newest); err != nil {
		return fmt.Errorf("desk: load category model: %w", err)
	}
	d.learned.mu.Lock()
	current := d.learned.id
	d.learned.mu.Unlock()
	if !newest.Valid || newest.Int64 == current {
		return nil
	}
	id := newest.Int64
	var blob []byte
	if err := d.db.Read().QueryRowContext(ctx, `SELECT model FROM category_models WHERE id = $1`, id).Scan(&blob); err != nil {
		return fmt.Errorf("desk: load category model %d: %w", id, err)
	}
	m, err := analyze.LoadCategoryModel(bytes.NewReader(blob))
	if err != nil {
		return fmt.Errorf("desk: category model %d: %w", id, err)
	}
	d.useCategoryModel(id, c.WithCategories(m))
	return nil
}

func (d *Desk) useCategoryModel(id int64, a Analyzer) {
	d.learned.mu.Lock()
	defer d.learned.mu.Unlock()
	if id > d.learned.id {
		d.learned.id, d.learned.analyzer = id, a
	}
}

// CategoryModel describes the newest stored model, or nil when the desk
// has not learned one.
func (d *Desk) CategoryModel(ctx context.Context) (*CategoryModelInfo, error) {
	info, _, err := d.newestCategoryModel(ctx)
	return info, err
}

func (d *Desk) newestCategoryModel(ctx context.Context) (*CategoryModelInfo, int64, error) {
	var info CategoryModelInfo
	var cats string
	var lastEvent int64
	err := d.db.Read().QueryRowContext(ctx,
		`SELECT id, trained_at, examples, categories, accuracy, last_event_id FROM category_models ORDER BY id DESC LIMIT 1`).
		Scan(&info.ID, &info.TrainedAt, &info.Examples, &cats, &info.Accuracy, &lastEvent)
	if err == sql.ErrNoRows {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("desk: category model: %w", err)
	}
	if err := json.Unmarshal([]byte(cats), &info.Categories); err != nil {
		return nil, 0, fmt.Errorf("desk: category model %d: %w", info.ID, err)
	}
	info.TrainedAt = info.TrainedAt.UTC()
	return &info, lastEvent, nil
}

// LearnCategories trains a category model from the cases agents filed,
// stores it and puts it in use, unless nothing was filed since the last
// model or there is too little to learn from (Skipped then says which).
func (d *Desk) LearnCategories(ctx context.Context) (CategoryLearning, error) {
	if _, ok := d.analyzer.(categorizer); !ok {
		return CategoryLearning{Skipped: "this desk's analyzer cannot use category models"}, nil
	}
	current, lastUsed, err := d.newestCategoryModel(ctx)
	if err != nil {
		return CategoryLearning{}, err
	}
	examples, lastEvent, err := d.categoryExamples(ctx)
	if err != nil {
		return CategoryLearning{}, err
	}
	out := CategoryLearning{Model: current}
	if current != nil && lastEvent == lastUsed && len(examples) == current.Examples {
		out.Skipped = "no case was filed under a category since the last model"
		return out, nil
	}
	if why := tooFewToLearn(examples); why != "" {
		out.Skipped = why
		return out, nil
	}
	accuracy := 0.0
	if len(examples) >= minHoldoutExamples {
		var train, test []analyze.Example
		for i, ex := range examples {
			if i%10 == 9 {
				test = append(test, ex)
			} else {
				train = append(train, ex)
			}
		}
		m, err := analyze.TrainCategories(train, analyze.CategoryOptions{})
		if err != nil {
			return CategoryLearning{}, fmt.Errorf("desk: learn categories: %w", err)
		}
		right := 0
		for _, ex := range test {
			if c, _ := m.Predict(ex.Text); c == ex.Category {
				right++
			}
		}
		accuracy = float64(right) / float64(len(test))
	}
	m, err := analyze.TrainCategories(examples, analyze.CategoryOptions{})
	if err != nil {
		return CategoryLearning{}, fmt.Errorf("desk: learn categories: %w", err)
	}
	var blob bytes.Buffer
	if err := m.Save(&blob); err != nil {
		return CategoryLearning{}, fmt.Errorf("desk: learn categories: %w", err)
	}
	cats, _ := json.Marshal(m.Categories())
	info := CategoryModelInfo{TrainedAt: d.clock(), Examples: len(examples), Categories: m.Categories(), Accuracy: accuracy}
	err = d.db.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx,
			`INSERT INTO category_models (trained_at, examples, categories, accuracy, last_event_id, model)
			 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			info.TrainedAt, info.Examples, string(cats), info.Accuracy, lastEvent, blob.Bytes()).Scan(&info.ID)
		if err != nil {
			return err
		}
		return audit(ctx, tx, info.TrainedAt, SystemActor, 0, "categories.learned",
			map[string]any{"model": info.ID, "examples": info.Examples, "categories": info.Categories, "accuracy": info.Accuracy})
	})
	if err != nil {
		return CategoryLearning{}, wrapOp(err, "store category model")
	}
	d.useCategoryModel(info.ID, d.analyzer.(categorizer).WithCategories(m))
	return CategoryLearning{Model: &info, Trained: true}, nil
}

// categoryExamples returns, newest case first, the first customer message
// (clipped) of the newest cases a person filed under a category or that
// were imported with one, and the id of the newest filing.
func (d *Desk) categoryExamples(ctx context.Context) ([]analyze.Example, int64, error) {
	var lastEvent sql.NullInt64
	if err := d.db.Read().QueryRowContext(ctx,
		`SELECT MAX(id) FROM audit_events WHERE action = 'case.categorized'`).Scan(&lastEvent); err != nil {
		return nil, 0, fmt.Errorf("desk: category examples: %w", err)
	}
	rows, err := d.db.Read().QueryContext(ctx, `
		SELECT c.category, m.clean_text
		  FROM cases c
		  JOIN messages m ON m.id = (SELECT MIN(id) FROM messages WHERE case_id = c.id AND direction = 'inbound')
		 WHERE c.category <> ''
		   AND (c.channel = 'import'
		        OR EXISTS (SELECT 1 FROM audit_events a WHERE a.case_id = c.id AND a.action = 'case.categorized' AND a.id <= $1))
		 ORDER BY c.id DESC
		 LIMIT $2`, lastEvent.Int64, maxLearnExamples)
	if err != nil {
		return nil, 0, fmt.Errorf("desk: category examples: %w", err)
	}
	defer rows.Close()
	var out []analyze.Example
	for rows.Next() {
		var ex analyze.Example
		if err := rows.Scan(&ex.Category, &ex.Text); err != nil {
			return nil, 0, fmt.Errorf("desk: category examples: %w", err)
		}
		ex.Text = textkit.Clip(ex.Text, maxLearnBytes)
		out = append(out, ex)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("desk: category examples: %w", err)
	}
	return out, lastEvent.Int64, nil
}

// tooFewToLearn says why examples are not enough, or "" when they are.
func tooFewToLearn(examples []analyze.Example) string {
	per := map[string]int{}
	for _, ex := range examples {
		per[ex.Category]++
	}
	enough := 0
	for _, n := range per {
		if n >= minPerCategory {
			enough++
		}
	}
	switch {
	case len(examples) < minLearnExamples:
		return fmt.Sprintf("%d cases filed under a category; learning needs %d", len(examples), minLearnExamples)
	case enough < 2:
		return fmt.Sprintf("learning needs two categories with %d cases each or more", minPerCategory)
	}
	return ""
}
