package web

import (
	"fmt"
	"strings"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// chartView is the anger trajectory of a case as inline SVG coordinates,
// computed here so the page needs no chart library and no script. Customer
// messages are dots on the line; the agent's replies are ticks between them,
// so a drop after a good reply shows where it happened.
type chartView struct {
	Width, Height int
	Line          string // polyline points
	Threshold     int    // y of anger 50
	Dots          []chartDot
	Replies       []chartTick
	Summary       string // the same data in words, for screen readers
}

type chartDot struct {
	X, Y, Anger int
	Label       string
}

type chartTick struct {
	X     int
	Label string
}

const chartW, chartH, chartPad = 280, 80, 8

// angerChart plots the case's messages in order; nil when no customer
// message has a reading.
func angerChart(msgs []desk.Message) *chartView {
	var shown []desk.Message
	dots := 0
	for _, m := range msgs {
		switch {
		case m.Direction == desk.Inbound && m.Reading != nil && m.Reading.Supported:
			shown = append(shown, m)
			dots++
		case m.Direction == desk.Outbound:
			shown = append(shown, m)
		}
	}
	if dots == 0 {
		return nil
	}
	c := &chartView{Width: chartW, Height: chartH, Threshold: chartY(50)}
	var line, words []string
	n := 0
	for i, m := range shown {
		x := chartW / 2
		if len(shown) > 1 {
			x = chartPad + i*(chartW-2*chartPad)/(len(shown)-1)
		}
		if m.Direction == desk.Outbound {
			c.Replies = append(c.Replies, chartTick{X: x, Label: "agent reply, " + stamp(m.CreatedAt)})
			words = append(words, "reply")
			continue
		}
		n++
		a := max(0, min(100, m.Reading.Anger))
		y := chartY(a)
		line = append(line, fmt.Sprintf("%d,%d", x, y))
		c.Dots = append(c.Dots, chartDot{X: x, Y: y, Anger: a, Label: fmt.Sprintf("customer message %d: anger %d, %s", n, a, levelOf(a))})
		words = append(words, fmt.Sprintf("%d", a))
	}
	c.Line = strings.Join(line, " ")
	c.Summary = "Anger of the customer's messages, oldest first, with the replies between them: " + strings.Join(words, ", ") + "."
	return c
}

func chartY(anger int) int { return chartPad + (100-anger)*(chartH-2*chartPad)/100 }
