package mail

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/calmdesk/calmdesk/internal/textkit"
)

// HTMLToText renders HTML as plain text for analysis and for clients that
// want no HTML: block elements become lines, list items get "- ",
// blockquotes and mail clients' quote containers get "> " so that
// StripQuotes recognises the quoted history. Scripts, styles and the
// document head are dropped.
func HTMLToText(s string) string {
	c := textRenderer{}
	z := html.NewTokenizer(strings.NewReader(s))
	skip := 0        // depth inside script/style/head/title
	var stack []bool // per open element: does it add a quote level?
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return c.finish()
		case html.TextToken:
			if skip == 0 {
				c.text(string(z.Text()))
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			quote := false
			if hasAttr && (a == atom.Div || a == atom.Blockquote) {
				quote = isQuoteContainer(z)
			}
			switch a {
			case atom.Script, atom.Style, atom.Head, atom.Title, atom.Template:
				if tt == html.StartTagToken {
					skip++
				}
				continue
			case atom.Br:
				c.newline()
			case atom.Li:
				c.block()
				c.text("- ")
			case atom.Blockquote:
				quote = true
			case atom.Img, atom.Hr:
				c.block()
			}
			if isBlock(a) {
				c.block()
			}
			if quote {
				c.block()
				c.quote++
			}
			if tt == html.StartTagToken && !isVoid(a) {
				stack = append(stack, quote)
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch a {
			case atom.Script, atom.Style, atom.Head, atom.Title, atom.Template:
				if skip > 0 {
					skip--
				}
				continue
			}
			if isVoid(a) {
				continue
			}
			if n := len(stack); n > 0 {
				if stack[n-1] && c.quote > 0 {
					c.block()
					c.quote--
				}
				stack = stack[:n-1]
			}
			if isParagraph(a) {
				c.paragraph()
			} else if isBlock(a) {
				c.block()
			}
		}
	}
}

// isParagraph reports whether a's end separates paragraphs with a blank
// line. Divs do not: mail editors wrap every line in one.
func isParagraph(a atom.Atom) bool {
	switch a {
	case atom.P, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Ul, atom.Ol, atom.Table, atom.Pre:
		return true
	}
	return false
}

// quoteClass matches class/id values mail clients give the quoted history.
var quoteClass = textkit.LazyRegexp(`(?i)gmail_quote|yahoo_quoted|moz-cite-prefix|divRplyFwdMsg|protonmail_quote|OutlookMessageHeader`)

func isQuoteContainer(z *html.Tokenizer) bool {
	for {
		k, v, more := z.TagAttr()
		key := string(k)
		if (key == "class" || key == "id" || key == "type") && (quoteClass().Match(v) || string(v) == "cite") {
			return true
		}
		if !more {
			return false
		}
	}
}

func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Tr, atom.Table, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
		atom.Ul, atom.Ol, atom.Pre, atom.Section, atom.Article, atom.Header, atom.Footer, atom.Blockquote,
		atom.Body, atom.Html, atom.Dl, atom.Dt, atom.Dd, atom.Address, atom.Center:
		return true
	}
	return false
}

func isVoid(a atom.Atom) bool {
	switch a {
	case atom.Br, atom.Img, atom.Hr, atom.Meta, atom.Link, atom.Input, atom.Wbr, atom.Col, atom.Area, atom.Base, atom.Source:
		return true
	}
	return false
}

// maxQuoteDepth caps the "> " prefix so that deeply nested blockquotes
// cannot make the text quadratic in size.
const maxQuoteDepth = 8

// textRenderer accumulates lines with collapsed white space and quote
// prefixes.
type textRenderer struct {
	lines []string
	cur   strings.Builder
	quote int
	space bool
}

func (c *textRenderer) text(s string) {
	for _, r := range s {
		if r == '\u00a0' || r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' {
			c.space = true
			continue
		}
		if c.cur.Len() == 0 {
			c.cur.WriteString(strings.Repeat("> ", min(c.quote, maxQuoteDepth)))
			c.space = false
		} else if c.space {
			c.cur.WriteByte(' ')
		}
		c.space = false
		c.cur.WriteRune(r)
	}
}

// newline ends the current line, even when empty (<br>).
func (c *textRenderer) newline() {
	line := c.cur.String()
	if line == "" && c.quote > 0 {
		line = strings.TrimSpace(strings.Repeat("> ", min(c.quote, maxQuoteDepth)))
	}
	c.lines = append(c.lines, strings.TrimRight(line, " "))
	c.cur.Reset()
	c.space = false
}

// block ends the current line if it has text.
func (c *textRenderer) block() {
	if c.cur.Len() > 0 {
		c.newline()
	}
}

// paragraph ends the current line and adds a blank line.
func (c *textRenderer) paragraph() {
	c.block()
	c.newline()
}

func (c *textRenderer) finish() string {
	c.block()
	var out []string
	blank := 0
	for _, l := range c.lines {
		if strings.TrimLeft(l, "> ") == "" {
			blank++
			if blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.Trim(strings.Join(out, "\n"), "\n")
}
