package web

import (
	"fmt"
	"strings"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// chartView is the anger trajectory of a case as inline SVG coordinates,
// computed here so the page needs no chart library and no script.
type chartView struct {
	Width, Height int
	Line          string // polyline points
	Threshold     int    // y of anger 50
	Dots          []chartDot
	Summary       string // the same data in words, for screen readers
}

type chartDot struct {
	X, Y, Anger int
	Label       string
	MessageID   int64
}

const (
	chartW, chartH, chartPad = 280, 80, 8
)

// angerChart plots the anger of each customer message, oldest first; nil
// when no message has a reading.
func angerChart(msgs []desk.Message) *chartView {
	var pts []desk.Message
	for _, m := range msgs {
		if m.Direction == desk.Inbound && m.Reading != nil && m.Reading.Supported {
			pts = append(pts, m)
		}
	}
	if len(pts) == 0 {
		return nil
	}
	c := &chartView{Width: chartW, Height: chartH, Threshold: chartY(50)}
	var line, words []string
	for i, m := range pts {
		x := chartW / 2
		if len(pts) > 1 {
			x = chartPad + i*(chartW-2*chartPad)/(len(pts)-1)
		}
		a := max(0, min(100, m.Reading.Anger))
		y := chartY(a)
		line = append(line, fmt.Sprintf("%d,%d", x, y))
		label := fmt.Sprintf("message %d: anger %d, %s", i+1, a, levelOf(a))
		c.Dots = append(c.Dots, chartDot{X: x, Y: y, Anger: a, Label: label, MessageID: m.ID})
		words = append(words, fmt.Sprintf("%d", a))
	}
	c.Line = strings.Join(line, " ")
	c.Summary = "Anger of the customer's messages, oldest first: " + strings.Join(words, ", ") + "."
	return c
}

func chartY(anger int) int { return chartPad + (100-anger)*(chartH-2*chartPad)/100 }
