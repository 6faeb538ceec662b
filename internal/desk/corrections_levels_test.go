package desk

import (
	"slices"
	"testing"

	"github.com/calmdesk/calmdesk/internal/analyze"
)

func TestAngerSpan(t *testing.T) {
	read := func(angers ...int) []readMessage {
		var out []readMessage
		for _, a := range angers {
			out = append(out, readMessage{read: a})
		}
		return out
	}
	calm, annoyed, angry, furious := analyze.Calm, analyze.Annoyed, analyze.Angry, analyze.Furious
	for _, tc := range []struct {
		name string
		kind CorrectionKind
		msgs []readMessage
		want []analyze.Level
	}{
		{"angrier, all read calm", CorrectAngrier, read(3, 20, 49), []analyze.Level{calm}},
		{"angrier, up to annoyed", CorrectAngrier, read(10, 64), []analyze.Level{calm, annoyed}},
		{"angrier, up to angry", CorrectAngrier, read(70, 5), []analyze.Level{calm, annoyed, angry}},
		{"angrier never acts on furious", CorrectAngrier, read(90), []analyze.Level{calm, annoyed, angry}},
		{"not angry, all read furious", CorrectNotAngry, read(85, 99), []analyze.Level{furious}},
		{"not angry, from annoyed", CorrectNotAngry, read(55, 90), []analyze.Level{annoyed, angry, furious}},
		{"not angry never acts on calm", CorrectNotAngry, read(10), []analyze.Level{annoyed, angry, furious}},
		{"signals have no levels", CorrectMissedSignal, read(10), nil},
		{"nothing corrected", CorrectAngrier, nil, nil},
	} {
		if got := angerSpan(tc.kind, tc.msgs); !slices.Equal(got, tc.want) {
			t.Errorf("%s: angerSpan = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestAdjusterLevels: an anger adjuster acts only on readings at the
// levels it learned at; one stored before levels were kept acts on any it
// may move.
func TestAdjusterLevels(t *testing.T) {
	var ex []analyze.Example
	for _, s := range []string{"the router is down again", "still no engineer", "bill is wrong again", "no signal today"} {
		ex = append(ex, analyze.Example{Text: s, Category: labelCorrected})
	}
	for _, s := range []string{"thanks for the help", "what time do you open", "please update my address", "great service today"} {
		ex = append(ex, analyze.Example{Text: s, Category: labelUncorrected})
	}
	m, err := trainAdjuster(ex)
	if err != nil {
		t.Fatal(err)
	}
	text := "the router is down again"
	for _, tc := range []struct {
		name   string
		levels []analyze.Level
		anger  int
		want   int
	}{
		{"calm, learned at calm", []analyze.Level{analyze.Calm}, 30, 55},
		{"annoyed, learned at calm", []analyze.Level{analyze.Calm}, 60, 60},
		{"annoyed, learned up to annoyed", []analyze.Level{analyze.Calm, analyze.Annoyed}, 60, 70},
		{"annoyed, stored without levels", nil, 60, 70},
	} {
		r := analyze.Reading{Supported: true, Anger: tc.anger, Level: angerLevel(tc.anger), Sentiment: "neutral"}
		got, adj := applyAdjusters(1, []adjuster{{kind: CorrectAngrier, messages: 4, threshold: 0, levels: tc.levels, model: m}}, text, r)
		if got.Anger != tc.want || (adj != nil) != (tc.want != tc.anger) {
			t.Errorf("%s: read %d -> %d (adjustment %+v), want %d", tc.name, tc.anger, got.Anger, adj, tc.want)
		}
	}
}
