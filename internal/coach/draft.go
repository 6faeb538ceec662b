package coach

import (
	"fmt"
	"hash/fnv"
	"strings"
	"time"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/playbook"
	"github.com/calmdesk/calmdesk/internal/textkit"
)

// Draft writes a reply that follows the method: greeting by name, the
// feeling acknowledged at the customer's anger level, each concern repeated
// back, a sincere apology, ownership, the category's resolution options with
// a concrete date, a follow-up and thanks. Phrases come from the playbook's
// phrase bank; the choice among them is a pure function of the context, so
// the same case always gets the same draft and different cases read
// differently. The draft passes its own review.
func (c *Coach) Draft(ctx Context) (string, error) {
	if c.err != nil {
		return "", c.err
	}
	cat := c.category(ctx)
	if cat == nil || len(cat.Options) == 0 {
		return "", ErrNoResolutions
	}
	var last string
	// First with the concerns quoted where there is no paraphrase, then
	// without quotes: the customer's own words may trip a rule.
	for _, quote := range []bool{true, false} {
		text := c.draft(ctx, cat, quote)
		rv, err := c.Review(text, ctx)
		if err == nil && rv.Ready {
			return text, nil
		}
		last = text
	}
	return last, nil
}

func (c *Coach) draft(ctx Context, cat *playbook.Category, quote bool) string {
	lvl := level(ctx)
	h := fnv.New32a()
	h.Write([]byte(ctx.CustomerName + "\x00" + ctx.Category))
	for _, r := range ctx.Readings {
		for _, cn := range r.Concerns {
			h.Write([]byte(cn.Text))
		}
	}
	seed := int(h.Sum32() & 0x7fffffff)
	slot := 0
	pick := func(name string, vars map[string]string) string {
		slot++
		var cands []string
		for _, p := range c.pb.Phrases[name] {
			if p.For(lvl) {
				cands = append(cands, p.Text)
			}
		}
		if len(cands) == 0 {
			return ""
		}
		s := cands[(seed/(slot*7+1)+slot)%len(cands)]
		for k, v := range vars {
			s = strings.ReplaceAll(s, "{"+k+"}", v)
		}
		return s
	}

	cal := ctx.calendar()
	opt := cat.Options[0]
	due := fmt.Sprintf("within %d business days", opt.BusinessDays)
	if opt.BusinessDays == 1 {
		due = "by the end of the next business day"
	}
	check := "once it is done"
	if !ctx.SentAt.IsZero() {
		sent := ctx.SentAt.In(cal.Location)
		d := cal.CloseOf(cal.AddBusinessDays(sent, opt.BusinessDays))
		due += " (by " + dayName(d) + ")"
		check = dayName(d)
	}
	if opt.BusinessDays <= 0 {
		due, check = "today", "tomorrow"
	}

	var paras []string
	name := firstNameTitle(ctx.CustomerName)
	if name != "" {
		paras = append(paras, pick("greeting", map[string]string{"name": name}))
	} else {
		paras = append(paras, "Hello,")
	}

	var first []string
	first = append(first, pick("empathy", nil))
	// Repeat the concerns back in one sentence, questions quoted.
	var acks, questions []string
	for _, r := range ctx.Readings {
		for _, cn := range r.Concerns {
			k := concernKind(c, r, cn)
			text := strings.TrimSpace(cn.Text)
			para := strings.TrimRight(strings.TrimSpace(cn.Paraphrase), ".!? ")
			switch {
			case k == "feeling" || k == kindThreat:
			case k == "question" && text != "":
				questions = append(questions, textkit.Shorten(strings.TrimRight(text, "?!. ")+"?", 160))
			case para != "" && statement(para) && (k != "request" || strings.HasPrefix(para, "you ")):
				acks = append(acks, para)
			case quote && text != "" && k != "request" && para == "":
				first = append(first, fmt.Sprintf("You wrote: \u201c%s\u201d — I have read it carefully.", textkit.Shorten(strings.TrimRight(text, ".!? "), 160)))
			}
		}
	}
	if len(acks) > 0 {
		first = append(first, pick("acknowledge", map[string]string{"concern": joinList(acks)}))
	}
	for _, q := range questions[:min(2, len(questions))] {
		first = append(first, fmt.Sprintf("You asked \u201c%s\u201d — here is where things stand.", q))
	}
	if playbook.LevelIndex(lvl) >= 1 || hasProblem(ctx) {
		first = append(first, pick("apology", nil))
	}
	paras = append(paras, strings.Join(first, " "))

	act := []string{pick("ownership", nil), pick("action", map[string]string{"action": opt.Offer, "due": due})}
	if len(cat.Options) > 1 {
		act = append(act, pick("option", map[string]string{"action": cat.Options[1].Offer}))
	}
	if hasSignal(ctx, analyze.SignalManagerRequest) {
		act = append(act, pick(analyze.SignalManagerRequest, nil))
	}
	paras = append(paras, strings.Join(act, " "))
	paras = append(paras, pick("follow_up", map[string]string{"due": check})+" "+pick("thanks", nil))
	sign := pick("signoff", map[string]string{"agent": ctx.AgentName})
	paras = append(paras, strings.TrimSpace(sign))
	return strings.Join(paras, "\n\n")
}

func hasSignal(ctx Context, kind string) bool {
	for _, r := range ctx.Readings {
		for _, sg := range r.Signals {
			if sg.Kind == kind {
				return true
			}
		}
	}
	return false
}

func hasProblem(ctx Context) bool {
	for _, r := range ctx.Readings {
		for _, cn := range r.Concerns {
			if cn.Kind == "problem" {
				return true
			}
		}
	}
	return false
}

// dayName writes a due day the way a customer reads it: "Wednesday 2 December".
func dayName(t time.Time) string {
	return t.Format("Monday 2 January")
}

// firstNameTitle is the first word of a name as written.
func firstNameTitle(name string) string {
	f := strings.Fields(name)
	if len(f) == 0 {
		return ""
	}
	return strings.Trim(f[0], ",.;:")
}

// category is the case's category, or the one whose keywords the
// customer's concerns use most when the case has none.
func (c *Coach) category(ctx Context) *playbook.Category {
	if ctx.Category != "" {
		if cat := c.pb.Category(ctx.Category); cat != nil && cat.ID != "other" {
			return cat
		}
	}
	// The concerns' words, read once for every category.
	var words []string
	for _, r := range ctx.Readings {
		for _, cn := range r.Concerns {
			words = append(words, c.wordsOf(cn.Text)...)
		}
	}
	if len(words) == 0 {
		return c.pb.Category("")
	}
	var counts [maxGuessCategories]int
	for _, w := range words {
		for _, ci := range c.keywordCats[w] {
			counts[ci]++
		}
	}
	best, bestN := "", 0
	for ci := range min(len(c.pb.Categories), maxGuessCategories) {
		if counts[ci] > bestN {
			best, bestN = c.pb.Categories[ci].ID, counts[ci]
		}
	}
	return c.pb.Category(best)
}

// maxGuessCategories bounds the categories a draft guesses among.
const maxGuessCategories = 64

// wordsOf is the words of a customer's concern, remembered: the same
// concerns are read on every keystroke of a reply.
func (c *Coach) wordsOf(s string) []string {
	if v, ok := c.wordMemo.Load(s); ok {
		return v.([]string)
	}
	var words []string
	for _, t := range tokenize(s) {
		if t.kind == kWord {
			words = append(words, t.norm)
		}
	}
	if c.wordMemoSize.Add(1) > maxMemo {
		c.wordMemo.Clear()
		c.wordMemoSize.Store(0)
	}
	c.wordMemo.Store(s, words)
	return words
}

// joinList writes "a, b and c".
func joinList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// statement reports whether a paraphrase reads as a statement that can
// follow "I understand that": not "you asked: …" nor "can we fix it".
func statement(p string) bool {
	if strings.HasPrefix(p, "you asked") {
		return false
	}
	first, _, _ := strings.Cut(strings.ToLower(p), " ")
	switch first {
	case "can", "could", "would", "will", "please", "is", "are", "do", "does", "did", "why", "how", "what", "when", "where", "who", "which", "should", "shall", "may":
		return false
	}
	return true
}
