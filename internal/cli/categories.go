package cli

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	ucli "github.com/urfave/cli/v3"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/desk"
)

// categoriesCommand groups the category model commands.
func categoriesCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "categories",
		Usage: "the model that sorts messages into your own categories: train one from a CSV, or learn the desk's from filed cases",
		Commands: []*ucli.Command{{
			Name:  "train",
			Usage: "train a category model from a CSV with header text,category",
			Flags: []ucli.Flag{
				&ucli.StringFlag{Name: "csv", Usage: "labelled messages: CSV with header text,category", Required: true},
				&ucli.StringFlag{Name: "out", Usage: "where to write the model", Required: true},
				&ucli.Float64Flag{Name: "holdout", Usage: "fraction of rows (every k-th) kept out of training to report accuracy; 0 trains on all", Value: 0},
			},
			Action: categoriesTrain,
		}, {
			Name:   "learn",
			Usage:  "learn the desk's category model now from the cases agents filed (serve does this hourly)",
			Flags:  []ucli.Flag{jsonFlag()},
			Action: deskAction(categoriesLearn),
		}},
	}
}

// categoriesTrain trains a model from a labelled CSV and writes it to --out.
func categoriesTrain(ctx context.Context, cmd *ucli.Command) error {
	examples, err := readCategoryCSV(cmd.String("csv"))
	if err != nil {
		return err
	}
	train, test := splitHoldout(examples, cmd.Float64("holdout"))
	start := time.Now()
	m, err := analyze.TrainCategories(train, analyze.CategoryOptions{})
	if err != nil {
		return err
	}
	w := cmd.Root().ErrWriter
	fmt.Fprintf(w, "trained on %d messages, %d categories, in %s\n", len(train), len(m.Categories()), time.Since(start).Round(time.Millisecond))
	if len(test) > 0 {
		ok := 0
		for _, ex := range test {
			if c, _ := m.Predict(ex.Text); c == ex.Category {
				ok++
			}
		}
		fmt.Fprintf(w, "held-out accuracy %.4f on %d messages\n", float64(ok)/float64(len(test)), len(test))
	}
	f, err := os.Create(cmd.String("out"))
	if err != nil {
		return fmt.Errorf("categories: %w", err)
	}
	if err := m.Save(f); err != nil {
		f.Close()
		return fmt.Errorf("categories: write model: %w", err)
	}
	return f.Close()
}

// categoriesLearn learns the desk's own model from the cases agents filed.
func categoriesLearn(ctx context.Context, cmd *ucli.Command, d *desk.Desk) error {
	res, err := d.LearnCategories(ctx)
	if err != nil {
		return err
	}
	if cmd.Bool("json") {
		return printJSON(cmd, res)
	}
	w := cmd.Root().Writer
	switch m := res.Model; {
	case res.Trained:
		fmt.Fprintf(w, "learned model %d from %d filed cases: %s\n", m.ID, m.Examples, strings.Join(m.Categories, ", "))
		if m.Accuracy > 0 {
			fmt.Fprintf(w, "held-out accuracy %.3f\n", m.Accuracy)
		}
	case m != nil:
		fmt.Fprintf(w, "kept model %d (%d cases): %s\n", m.ID, m.Examples, res.Skipped)
	default:
		fmt.Fprintf(w, "no model: %s\n", res.Skipped)
	}
	return nil
}

// readCategoryCSV reads rows of text,category (header required).
func readCategoryCSV(path string) ([]analyze.Example, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("categories: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReader(f))
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("categories: %s: %w", path, err)
	}
	ti, ci := -1, -1
	for i, h := range header {
		switch strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")) {
		case "text":
			ti = i
		case "category":
			ci = i
		}
	}
	if ti < 0 || ci < 0 {
		return nil, fmt.Errorf("categories: %s: header must name the columns text and category", path)
	}
	var out []analyze.Example
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("categories: %s: %w", path, err)
		}
		if len(rec) <= max(ti, ci) || strings.TrimSpace(rec[ci]) == "" {
			continue
		}
		out = append(out, analyze.Example{Text: rec[ti], Category: strings.TrimSpace(rec[ci])})
	}
	return out, nil
}

// splitHoldout keeps every k-th example out of training, k = 1/fraction.
func splitHoldout(ex []analyze.Example, fraction float64) (train, test []analyze.Example) {
	if fraction <= 0 || fraction >= 1 {
		return ex, nil
	}
	k := int(1/fraction + 0.5)
	for i, e := range ex {
		if i%k == k-1 {
			test = append(test, e)
		} else {
			train = append(train, e)
		}
	}
	return train, test
}
