package analyze

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
)

// CategoryModel assigns a message one of a business's own categories. It is
// trained from labelled history with TrainCategories, in seconds.
type CategoryModel struct {
	m *linearModel
}

// Example is one labelled message for TrainCategories.
type Example struct {
	Text     string
	Category string
}

// CategoryOptions steer TrainCategories; zero fields take the defaults.
type CategoryOptions struct {
	Bits   uint    // hashed feature space is 2^Bits buckets (default 19)
	C      float64 // SVM cost (default 1)
	Epochs int     // solver passes at most (default 20)
}

// TrainCategories trains a one-vs-rest linear model over the same features
// as the emotion model. It is deterministic and uses all cores.
func TrainCategories(examples []Example, o CategoryOptions) (*CategoryModel, error) {
	if len(examples) == 0 {
		return nil, errors.New("analyze: train categories: no examples")
	}
	if o.Bits == 0 {
		o.Bits = 19
	}
	if o.C == 0 {
		o.C = 1
	}
	if o.Epochs == 0 {
		o.Epochs = 20
	}
	var cats []string
	for _, ex := range examples {
		if ex.Category == "" {
			return nil, fmt.Errorf("analyze: train categories: example %q has no category", ex.Text)
		}
		cats = append(cats, ex.Category)
	}
	slices.Sort(cats)
	cats = slices.Compact(cats)
	if len(cats) < 2 {
		return nil, errors.New("analyze: train categories: need at least two categories")
	}
	texts := make([]string, len(examples))
	y := make([][]bool, len(cats))
	for l := range y {
		y[l] = make([]bool, len(examples))
	}
	for i, ex := range examples {
		texts[i] = ex.Text
		l, _ := slices.BinarySearch(cats, ex.Category)
		y[l][i] = true
	}
	m := trainLinear(defaultLexicon(), texts, cats, y, trainOptions{
		Bits: o.Bits, C: o.C, PosExp: 1e-9, Epochs: o.Epochs, MinCount: 1,
	})
	return &CategoryModel{m: m}, nil
}

// LoadCategoryModel reads a model written by Save.
func LoadCategoryModel(r io.Reader) (*CategoryModel, error) {
	m, err := loadLinearModel(r)
	if err != nil {
		return nil, err
	}
	return &CategoryModel{m: m}, nil
}

// Save writes the model in calmdesk's compact binary format, gzipped.
func (c *CategoryModel) Save(w io.Writer) error { return c.m.save(w, true) }

// Categories returns the categories the model knows, sorted.
func (c *CategoryModel) Categories() []string { return c.m.labels }

// Predict returns the most likely category of text and a confidence 0-1.
func (c *CategoryModel) Predict(text string) (string, float64) {
	var s scratch
	s.toks = tokenize(text, nil)
	s.infos = defaultLexicon().lookup(s.toks, nil)
	return c.predict(text, &s)
}

// predict scores the words already in s.
func (c *CategoryModel) predict(text string, s *scratch) (string, float64) {
	m := c.m
	acc := m.newAccumulator()
	m.scoreAll(text, s, &acc)
	dec := make([]float32, len(m.labels))
	m.decisions(&acc, dec)
	// A softmax over decision values: SVM margins are about ±1, so a
	// temperature of 0.25 separates a clear winner from a tie.
	best, sum := 0, 0.0
	for l, d := range dec {
		if d > dec[best] {
			best = l
		}
		sum += math.Exp(float64(d-dec[0]) * 4)
	}
	conf := math.Exp(float64(dec[best]-dec[0])*4) / sum
	return m.labels[best], math.Round(conf*1000) / 1000
}
