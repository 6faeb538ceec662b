package coach

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/calendar"
	"github.com/calmdesk/calmdesk/internal/playbook"
)

var friday2310 = time.Date(2026, 11, 27, 23, 10, 0, 0, time.UTC)

func rules(rv Review) map[string]bool {
	m := map[string]bool{}
	for _, f := range rv.Findings {
		m[f.Rule] = true
	}
	return m
}

func TestReviewFindsPitfallsWithSpans(t *testing.T) {
	c := New(nil)
	tests := []struct {
		name, reply, rule, span string
	}{
		{"blame", "Hi, you should have read the terms. I will refund you today.", playbook.RuleBlame, "you should have read"},
		{"deflection", "Sorry for the wait. That's our policy, I'm afraid.", playbook.RuleDeflection, "That's our policy"},
		{"minimizing", "Please calm down, I will refund it today.", playbook.RuleMinimizing, "calm down"},
		{"arguing", "As I already explained, the refund was sent.", playbook.RuleArguing, "As I already explained"},
		{"non-apology", "I'm sorry if you feel let down.", playbook.RuleNonApology, "sorry if"},
		{"non-apology however", "I am sorry to hear that, Ana, however we would not offer a refund for this.", playbook.RuleNonApology, "sorry to hear that, Ana, however"},
		{"non-apology but policy", "Sorry for the wait but we can't change the fare.", playbook.RuleNonApology, "Sorry for the wait but we can't"},
		{"no worries", "No worries, it's on its way!", playbook.RuleMinimizing, "No worries"},
		{"vague", "I'm sorry. We will refund you shortly.", playbook.RuleVagueTiming, "shortly"},
		{"overpromise", "I'm sorry, this will never happen again.", playbook.RuleOverpromise, "this will never happen again"},
		{"shouting caps", "You MUST reply to the email.", playbook.RuleShouting, "MUST"},
		{"shouting marks", "Your refund is done!!!", playbook.RuleShouting, "!!!"},
		{"sarcasm", "Obviously the parcel can't fly to you.", playbook.RuleSarcasm, "Obviously"},
		{"jargon code", "I'm sorry, the log says ERR_AUTH_51.", playbook.RuleJargon, "ERR_AUTH_51"},
		{"robotic", "We apologize for any inconvenience this may have caused.", playbook.RuleRobotic, "We apologize for any inconvenience this may have caused"},
		{"curly apostrophe", "Sorry, it’s not a big deal.", playbook.RuleMinimizing, "it’s not a big deal"},
		{"cancelled it yourself", "Our records show you cancelled the subscription yourself.", playbook.RuleBlame, "you cancelled the subscription yourself"},
		{"hands tied", "Sorry, my hands are tied.", playbook.RuleDeflection, "my hands are tied"},
		{"causal blame", "You skipped the verification step, so the order was held.", playbook.RuleBlame, "You skipped the verification step, so"},
		{"what happens when", "That's what happens when you skip the update.", playbook.RuleBlame, "That's what happens when you"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rv, err := c.Review(tt.reply, Context{Level: analyze.Angry})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range rv.Findings {
				if f.Rule == tt.rule {
					if got := tt.reply[f.Start:f.End]; got != tt.span {
						t.Errorf("span = %q, want %q", got, tt.span)
					}
					if f.Message == "" || f.Suggestion == "" || f.Severity == playbook.None {
						t.Errorf("finding lacks message, suggestion or severity: %+v", f)
					}
					return
				}
			}
			t.Errorf("no %s finding in %+v", tt.rule, rv.Findings)
		})
	}
}

func TestReviewDoesNotCryWolf(t *testing.T) {
	c := New(nil)
	tests := []struct {
		name, reply string
		not         []string
	}{
		{"you will receive", "I'm sorry. You will receive the refund within 3 business days.", []string{playbook.RuleBlame}},
		{"you should have received", "I'm sorry, you should have received an email from us.", []string{playbook.RuleBlame}},
		{"real apology", "I'm so sorry we charged you twice.", []string{playbook.RuleNonApology, playbook.RuleMissingApology}},
		{"apology but later", "I'm sorry for the delay, but the good news is that I have refunded you today.", []string{playbook.RuleNonApology}},
		{"not your fault", "This is not your fault, and I'm sorry.", []string{playbook.RuleBlame}},
		{"policy exception", "I'm sorry; I have made an exception to our policy and refunded you today.", []string{playbook.RuleDeflection}},
		{"talk soon", "I'm sorry. I have refunded you today. Talk soon!", []string{playbook.RuleVagueTiming}},
		{"asap with a date", "I'm sorry. I will fix it as soon as possible, and by Friday at the latest.", []string{playbook.RuleVagueTiming}},
		{"acronyms", "I'm sorry, the UPS driver has your PIN and the SMS with the ETA.", []string{playbook.RuleShouting}},
		{"tracking number", "I'm sorry. Your tracking number is 1Z999AA10123456784.", []string{playbook.RuleJargon}},
		{"should never have to", "I'm sorry, you should never have to wait this long.", []string{playbook.RuleBlame}},
		{"should always receive", "I'm sorry. You should always receive a receipt by email.", []string{playbook.RuleBlame}},
		{"you asked so I", "I'm sorry. You asked for a refund, so I have processed it today.", []string{playbook.RuleBlame}},
		{"when you arrived", "I'm sorry the room was dirty when you arrived, and I understand why you are upset.", []string{playbook.RuleBlame}},
		{"hands not tied", "I'm sorry. I have my hands full today but I will refund you by Friday.", []string{playbook.RuleDeflection}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rv, err := c.Review(tt.reply, Context{Level: analyze.Angry})
			if err != nil {
				t.Fatal(err)
			}
			got := rules(rv)
			for _, r := range tt.not {
				if got[r] {
					t.Errorf("false %s: %+v", r, rv.Findings)
				}
			}
		})
	}
}

func TestSeverityFollowsAnger(t *testing.T) {
	c := New(nil)
	reply := "Your new card will arrive by Tuesday."
	tests := []struct {
		level analyze.Level
		want  playbook.Severity // of missing_apology
	}{{analyze.Calm, playbook.None}, {analyze.Annoyed, playbook.Warning}, {analyze.Angry, playbook.Error}, {analyze.Furious, playbook.Error}}
	for _, tt := range tests {
		rv, err := c.Review(reply, Context{Level: tt.level})
		if err != nil {
			t.Fatal(err)
		}
		var got playbook.Severity
		for _, f := range rv.Findings {
			if f.Rule == playbook.RuleMissingApology {
				got = f.Severity
			}
		}
		if got != tt.want {
			t.Errorf("%s: missing_apology severity %q, want %q", tt.level, got, tt.want)
		}
		if rv.Ready != (tt.want != playbook.Error) {
			t.Errorf("%s: ready = %v", tt.level, rv.Ready)
		}
	}
	// The level comes from the Readings when not given.
	rv, _ := c.Review(reply, Context{Readings: []analyze.Reading{{Supported: true, Level: analyze.Calm}, {Supported: true, Level: analyze.Furious}}})
	if rv.Level != "furious" {
		t.Errorf("level from readings = %s, want furious", rv.Level)
	}
	// A venting wave makes a missing acknowledgement weigh more.
	calm, _ := c.Review(reply, Context{Level: analyze.Annoyed})
	wave, _ := c.Review(reply, Context{Level: analyze.Annoyed, VentingWave: true})
	if sev(calm, playbook.RuleMissingEmpathy).Rank() >= sev(wave, playbook.RuleMissingEmpathy).Rank() {
		t.Errorf("venting wave did not raise missing_empathy: %s vs %s", sev(calm, playbook.RuleMissingEmpathy), sev(wave, playbook.RuleMissingEmpathy))
	}
}

func sev(rv Review, rule string) playbook.Severity {
	for _, f := range rv.Findings {
		if f.Rule == rule {
			return f.Severity
		}
	}
	return playbook.None
}

func TestCommitments(t *testing.T) {
	c := New(nil)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip(err)
	}
	tests := []struct {
		name   string
		reply  string
		sent   time.Time
		cal    calendar.Calendar
		action string
		amount string
		due    string // RFC 3339, "" for vague
	}{
		{"business days from friday", "I will refund the duplicate $59.90 within 3 business days.", friday2310, calendar.Default(), "refund the duplicate $59.90", "59.90 USD", "2026-12-02T17:00:00Z"},
		{"story 1 on monday", "I'll refund the duplicate $59.90 within 3 business days.", time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC), calendar.Default(), "refund the duplicate $59.90", "59.90 USD", "2026-12-03T17:00:00Z"},
		{"weekday and date", "We will send a replacement by Friday 28 November.", time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC), calendar.Default(), "send a replacement", "", "2026-11-28T17:00:00Z"},
		{"customer's zone", "I will call you tomorrow at 10am.", friday2310, calendar.Default().In(ny), "call you", "", "2026-11-28T10:00:00-05:00"},
		{"hours", "You will receive the link within 24 hours.", friday2310, calendar.Default(), "You will receive the link", "", "2026-11-28T23:10:00Z"},
		{"range takes the upper bound", "The refund will reach you in 3-5 business days.", friday2310, calendar.Default(), "refund will reach you", "", "2026-12-04T17:00:00Z"},
		{"next business day", "I'll ship it on the next business day.", friday2310, calendar.Default(), "ship it", "", "2026-11-30T17:00:00Z"},
		{"end of week", "I will email the invoice by the end of the week.", time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC), calendar.Default(), "email the invoice", "", "2026-11-27T17:00:00Z"},
		{"iso date", "We will credit €30 by 2026-12-10.", friday2310, calendar.Default(), "credit €30", "30.00 EUR", "2026-12-10T17:00:00Z"},
		{"month first", "I will repair it by December 3rd.", friday2310, calendar.Default(), "repair it", "", "2026-12-03T17:00:00Z"},
		{"vague", "I will send you a new card soon.", friday2310, calendar.Default(), "send you a new card soon", "", ""},
		{"amount after", "I will refund 40 dollars today.", time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC), calendar.Default(), "refund 40 dollars", "40.00 USD", "2026-11-26T17:00:00Z"},
		{"today after closing", "I will refund you today.", friday2310, calendar.Default(), "refund you", "", "2026-11-27T23:59:00Z"},
		{"close of business friday", "I will send the contract by close of business Friday.", time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC), calendar.Default(), "send the contract", "", "2026-11-27T17:00:00Z"},
		{"end of day tomorrow", "I will call you by end of day tomorrow.", time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC), calendar.Default(), "call you", "", "2026-11-25T17:00:00Z"},
		{"the 3rd", "We will ship it by the 3rd.", time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC), calendar.Default(), "ship it", "", "2026-12-03T17:00:00Z"},
		{"the 28th this month", "We will ship it by the 28th.", time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC), calendar.Default(), "ship it", "", "2026-11-28T17:00:00Z"},
		{"holiday skipped", "I will refund you within 2 business days.", time.Date(2026, 12, 24, 10, 0, 0, 0, time.UTC), calendar.Calendar{Location: time.UTC, Workdays: calendar.Default().Workdays, Open: 9 * time.Hour, Close: 17 * time.Hour, Holidays: []calendar.Date{{Year: 2026, Month: 12, Day: 25}}}, "refund you", "", "2026-12-29T17:00:00Z"},
		{"business hours", "We will call you within 4 business hours.", friday2310, calendar.Default(), "call you", "", "2026-11-30T13:00:00Z"},
		{"which should appear", "We've issued a refund of $25, which should appear within 5 business days.", friday2310, calendar.Default(), "which should appear", "25.00 USD", "2026-12-04T17:00:00Z"},
		{"subject with an amount", "Your refund of $59.90 will be back on your card within 3 business days.", friday2310, calendar.Default(), "refund of $59.90 will be back on your card", "59.90 USD", "2026-12-02T17:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rv, err := c.Review(tt.reply, Context{SentAt: tt.sent, Calendar: tt.cal, Level: analyze.Annoyed})
			if err != nil {
				t.Fatal(err)
			}
			if len(rv.Promises) != 1 {
				t.Fatalf("commitments = %+v, want one", rv.Promises)
			}
			cm := rv.Promises[0]
			if cm.Action != tt.action || cm.Amount != tt.amount {
				t.Errorf("action %q amount %q, want %q %q", cm.Action, cm.Amount, tt.action, tt.amount)
			}
			switch {
			case tt.due == "" && (cm.DueAt != nil || !cm.Vague):
				t.Errorf("want vague, got due %v vague %v", cm.DueAt, cm.Vague)
			case tt.due != "" && (cm.DueAt == nil || cm.DueAt.Format(time.RFC3339) != tt.due || cm.Vague):
				t.Errorf("due %v (vague %v), want %s", cm.DueAt, cm.Vague, tt.due)
			}
		})
	}
}

func TestNotCommitments(t *testing.T) {
	c := New(nil)
	for _, reply := range []string{
		"Would you like me to refund you?",
		"Let me know if you need anything else.",
		"I will not be able to refund this order.",
		"The system won't let me change the date.",
		"You will need to send us a photo.",
		"I have refunded the charge.",
	} {
		rv, err := c.Review(reply, Context{SentAt: friday2310})
		if err != nil {
			t.Fatal(err)
		}
		if len(rv.Promises) != 0 {
			t.Errorf("%q: commitments %+v, want none", reply, rv.Promises)
		}
	}
}

func TestReviewJSONContract(t *testing.T) {
	c := New(nil)
	rv, err := c.Review("Hi Dana, I'm sorry. I will refund $59.90 within 3 business days.", Context{CustomerName: "Dana", SentAt: friday2310,
		Readings: []analyze.Reading{{Supported: true, Level: analyze.Angry, Concerns: []analyze.Concern{{Kind: "problem", Text: "charged twice", Paraphrase: "you were charged twice"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(rv)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"score", "ready", "steps", "findings", "concerns", "commitments", "asap", "language"} {
		if _, ok := m[k]; !ok {
			t.Errorf("review JSON lacks %q", k)
		}
	}
	steps := m["steps"].([]any)
	if len(steps) != len(playbook.StepIDs) {
		t.Fatalf("steps = %d, want %d", len(steps), len(playbook.StepIDs))
	}
	for i, s := range steps {
		st := s.(map[string]any)
		if st["id"] != playbook.StepIDs[i] {
			t.Errorf("step %d id %v, want %s", i, st["id"], playbook.StepIDs[i])
		}
		for _, k := range []string{"done", "start", "end"} {
			if _, ok := st[k]; !ok {
				t.Errorf("step lacks %q", k)
			}
		}
	}
	cm := m["commitments"].([]any)[0].(map[string]any)
	if cm["due_at"] != "2026-12-02T17:00:00Z" || cm["amount"] != "59.90 USD" || cm["vague"] != false {
		t.Errorf("commitment JSON = %v", cm)
	}
	cn := m["concerns"].([]any)[0].(map[string]any)
	if _, ok := cn["addressed"]; !ok {
		t.Errorf("concern JSON lacks addressed: %v", cn)
	}
	for _, f := range m["findings"].([]any) {
		fm := f.(map[string]any)
		for _, k := range []string{"rule", "severity", "start", "end", "message", "suggestion"} {
			if _, ok := fm[k]; !ok {
				t.Errorf("finding lacks %q: %v", k, fm)
			}
		}
	}
	// A vague commitment has due_at null.
	rv, _ = c.Review("I will refund you soon.", Context{SentAt: friday2310})
	b, _ = json.Marshal(rv.Promises[0])
	if !strings.Contains(string(b), `"due_at":null`) || !strings.Contains(string(b), `"vague":true`) {
		t.Errorf("vague commitment JSON = %s", b)
	}
}

func TestBadInput(t *testing.T) {
	c := New(nil)
	tests := []struct {
		name  string
		reply string
		err   error
		lang  string
	}{
		{"empty", "", ErrEmptyReply, ""},
		{"blank", " \n\t ", ErrEmptyReply, ""},
		{"only punctuation", "!!! ... ???", ErrEmptyReply, ""},
		{"only tags", "<p><br></p>", ErrEmptyReply, ""},
		{"huge", strings.Repeat("I am sorry. ", MaxReplyBytes/12+10), ErrReplyTooLong, ""},
		{"html", "<p>Hi Dana,</p><p>I&rsquo;m <b>so sorry</b>. I will refund you by Friday.</p>", nil, "en"},
		{"invalid utf-8", "Hi \xff\xfe Dana, I'm sorry \xc3 we will refund you \xe2\x82 today.", nil, "en"},
		{"french", "Bonjour Madame, nous sommes désolés pour le retard de votre commande. Nous vous rembourserons dans les trois jours.", nil, "fr"},
		{"german", "Hallo Herr Müller, es tut uns leid, dass die Lieferung nicht angekommen ist. Wir werden das Geld zurückzahlen.", nil, "de"},
		{"russian", "Здравствуйте, мы приносим извинения за задержку заказа.", nil, "ru"},
		{"japanese", "ご迷惑をおかけして申し訳ございません。返金いたします。", nil, "ja"},
		// Kanji with a little kana is Japanese, not Chinese; a German or
		// Spanish reply that opens "Hi" or names a product in English is
		// still German or Spanish (the coach used to read these as zh/en).
		{"japanese, mostly kanji", "ご注文の商品は本日発送済です。", nil, "ja"},
		{"german with hi", "Hi, das ist so nicht richtig, aber wir kümmern uns in Kürze darum. Gruß", nil, "de"},
		{"spanish with a product name", "@ana_r Por favor sigue el enlace del Smart TV Box para el reembolso, gracias.", nil, "es"},
		{"katakana", "アマゾンカスタマーサービス", nil, "ja"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rv, err := c.Review(tt.reply, Context{SentAt: friday2310})
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if err != nil {
				return
			}
			if rv.Language != tt.lang {
				t.Errorf("language = %q, want %q", rv.Language, tt.lang)
			}
			if tt.lang != "en" {
				if rv.Supported || !rules(rv)[playbook.RuleUnsupportedLanguage] {
					t.Errorf("other language not reported: %+v", rv)
				}
			}
			for _, f := range rv.Findings {
				if f.Start < 0 || f.End > len(tt.reply) || f.Start > f.End {
					t.Errorf("finding span %d:%d outside the reply", f.Start, f.End)
				}
			}
		})
	}
	// HTML tags do not hide the apology, and spans point into the HTML.
	rv, _ := c.Review("<p>Hi,</p><p>I&rsquo;m <b>so sorry</b>. Please <b>CALM DOWN</b>.</p>", Context{Level: analyze.Angry})
	for _, f := range rv.Findings {
		if f.Rule == playbook.RuleMinimizing && f.Text != "CALM DOWN" {
			t.Errorf("span in HTML = %q", f.Text)
		}
	}
	if rules(rv)[playbook.RuleMissingApology] {
		t.Errorf("apology inside HTML not seen")
	}
}

func TestDraftPassesItsOwnReview(t *testing.T) {
	c := New(nil)
	concerns := []analyze.Concern{
		{Kind: "problem", Text: "I was charged twice for order 4471", Paraphrase: "you were charged twice for order 4471"},
		{Kind: "problem", Text: "nobody answered my last TWO emails!!!"},
		{Kind: "feeling", Text: "I am furious", Paraphrase: "you are furious"},
	}
	seen := map[string]bool{}
	for _, lvl := range []analyze.Level{analyze.Calm, analyze.Annoyed, analyze.Angry, analyze.Furious} {
		for _, cat := range []string{"billing", "delivery", "product", "subscription", "account", "technical", "service", "other", "unknown-category"} {
			for _, name := range []string{"Dana Reyes", ""} {
				for _, sent := range []time.Time{friday2310, {}} {
					ctx := Context{CustomerName: name, Category: cat, Level: lvl, SentAt: sent, AgentName: "Sam", VentingWave: lvl == analyze.Furious,
						Readings: []analyze.Reading{{Supported: true, Level: lvl, Concerns: concerns}}}
					d, err := c.Draft(ctx)
					if err != nil {
						t.Fatalf("%s/%s: %v", lvl, cat, err)
					}
					rv, err := c.Review(d, ctx)
					if err != nil {
						t.Fatal(err)
					}
					if !rv.Ready || len(rv.Findings) > 0 {
						t.Errorf("%s/%s/%q: draft not clean (score %d): %+v\n%s", lvl, cat, name, rv.Score, rv.Findings, d)
					}
					if name != "" && !strings.HasPrefix(strings.SplitN(d, "\n", 2)[0], "H") && !strings.HasPrefix(d, "Dear") {
						t.Errorf("draft does not open with a greeting: %q", d)
					}
					seen[d] = true
				}
			}
		}
	}
	if len(seen) < 20 {
		t.Errorf("only %d different drafts: the phrase bank is not varied", len(seen))
	}
	// The same context always gives the same draft.
	ctx := Context{CustomerName: "Dana", Category: "billing", SentAt: friday2310}
	a, _ := c.Draft(ctx)
	b, _ := c.Draft(ctx)
	if a != b {
		t.Errorf("Draft is not deterministic")
	}
}

func TestBrokenPlaybook(t *testing.T) {
	pb, err := playbook.Parse(playbook.DefaultJSON())
	if err != nil {
		t.Fatal(err)
	}
	pb.Rules[0].Cues = append(pb.Rules[0].Cues, "(unclosed group")
	c := New(pb)
	if _, err := c.Review("hello", Context{}); !errors.Is(err, ErrBadPlaybook) {
		t.Errorf("Review with a broken playbook: %v, want ErrBadPlaybook", err)
	}
	if _, err := c.Draft(Context{}); !errors.Is(err, ErrBadPlaybook) {
		t.Errorf("Draft with a broken playbook: %v, want ErrBadPlaybook", err)
	}
}

// TestWithAnalyzer runs the coach on Readings from the real analyzer.
func TestWithAnalyzer(t *testing.T) {
	r, err := analyze.Read("I was charged TWICE for order 4471 and this is the third time I'm writing. Fix it NOW.")
	if err != nil {
		t.Fatal(err)
	}
	c := New(nil)
	ctx := Context{CustomerName: "Dana Reyes", Readings: []analyze.Reading{r}, SentAt: friday2310, Category: r.Category}
	good := "Hi Dana,\n\nI'm so sorry you were charged twice for order 4471, and that you had to write three times. I understand how frustrating that is.\n\nI will refund the duplicate $59.90 within 3 business days, and I'll check back with you on Wednesday.\n\nThank you for your patience."
	rv, err := c.Review(good, ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !rv.Ready {
		t.Errorf("good reply not ready: %+v", rv.Findings)
	}
	bad := "Dana, as I said, you should have checked your statement. We will refund it soon."
	rv, err = c.Review(bad, ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := rules(rv)
	for _, want := range []string{playbook.RuleArguing, playbook.RuleBlame, playbook.RuleVagueTiming, playbook.RuleMissingApology} {
		if !got[want] {
			t.Errorf("bad reply: no %s in %+v", want, rv.Findings)
		}
	}
	if rv.Ready {
		t.Errorf("bad reply is ready")
	}
	d, err := c.Draft(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rv, _ := c.Review(d, ctx); !rv.Ready {
		t.Errorf("draft from a real reading not ready: %+v\n%s", rv.Findings, d)
	}
}

func TestConcernKinds(t *testing.T) {
	c := New(nil)
	text := "You cancelled my subscription without notice. Really disappointed. I'll do a chargeback."
	r := analyze.Reading{Supported: true, Level: analyze.Angry,
		Concerns: []analyze.Concern{
			{Kind: "problem", Text: "You cancelled my subscription without notice.", Start: 0, End: 45, Paraphrase: "we cancelled your subscription without notice"},
			{Kind: "problem", Text: "Really disappointed.", Start: 46, End: 66},
			{Kind: "problem", Text: "I'll do a chargeback.", Start: 67, End: 88},
		},
		Signals: []analyze.Signal{{Kind: analyze.SignalChargeback, Text: "chargeback", Start: 77, End: 87}}}
	if text[77:87] != "chargeback" {
		t.Fatalf("fixture offsets are off: %q", text[77:87])
	}
	ctx := Context{Readings: []analyze.Reading{r}, SentAt: friday2310}
	reply := "I'm so sorry we cancelled your subscription without notice, and I understand how frustrating that is. I have restored it and I will refund the charge within 3 business days."
	rv, err := c.Review(reply, ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, cn := range rv.Concerns {
		if !cn.Addressed {
			t.Errorf("concern %q not addressed: a feeling is answered by empathy, a threat by the fix", cn.Text)
		}
	}
	if got := c.category(ctx); got == nil || got.ID != "subscription" {
		t.Errorf("category inferred = %v, want subscription", got)
	}
	d, err := c.Draft(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(d, "chargeback") {
		t.Errorf("draft repeats the threat back:\n%s", d)
	}
}

func TestQuotedHistoryIsNotReviewed(t *testing.T) {
	c := New(nil)
	tests := []string{
		"Hi Dana, I'm so sorry. I will refund you today.\n\nOn Fri, 27 Nov 2026 at 23:10, Dana Reyes <dana@example.com> wrote:\n> FIX IT NOW!!! You should have refunded me. Calm down? No.",
		"Hi Dana, I'm so sorry. I will refund you today.\n> FIX IT NOW!!! You should have refunded me.\n> Calm down? No.\nThanks, Sam",
		"Hi Dana, I'm so sorry. I will refund you today.\n\n-----Original Message-----\nFrom: Dana\nFIX IT NOW!!! calm down",
	}
	for _, reply := range tests {
		rv, err := c.Review(reply, Context{CustomerName: "Dana Reyes", Level: analyze.Angry, SentAt: friday2310})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range rv.Findings {
			switch f.Rule {
			case playbook.RuleShouting, playbook.RuleBlame, playbook.RuleMinimizing:
				t.Errorf("quoted history reviewed: %+v", f)
			}
		}
	}
	rv, _ := c.Review("Dear Ms Reyes, I'm sorry.", Context{CustomerName: "Dana Reyes"})
	if !rv.Steps[0].Done {
		t.Errorf("greeting by surname not seen")
	}
}

func TestVentingWave(t *testing.T) {
	angry, calm := analyze.Reading{Angry: true}, analyze.Reading{}
	tests := []struct {
		rs   []analyze.Reading
		want bool
	}{
		{nil, false},
		{[]analyze.Reading{angry, angry}, false},
		{[]analyze.Reading{angry, angry, angry}, true},
		{[]analyze.Reading{calm, angry, angry, angry}, true},
		{[]analyze.Reading{angry, angry, calm}, true},
		{[]analyze.Reading{angry, calm, calm}, false},
	}
	for i, tt := range tests {
		if got := VentingWave(tt.rs); got != tt.want {
			t.Errorf("%d: VentingWave = %v, want %v", i, got, tt.want)
		}
	}
}

func TestSocialReplies(t *testing.T) {
	c := New(nil)
	reply := "@jess_k @Support_Team Sorry for the wait, Jess! I've refunded order #4471 today, see https://example.com/help/REF_CODE_123 or www.example.com/FAQ_PAGE, or write to billing_team@example.co.uk about invoice_2026.pdf. #CustomerCare ^MR"
	rv, err := c.Review(reply, Context{Level: analyze.Annoyed, SentAt: friday2310,
		Readings: []analyze.Reading{{Supported: true, Concerns: []analyze.Concern{{Kind: "problem", Text: "where is the refund for order 4471"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rv.Findings {
		if f.Rule == playbook.RuleJargon || f.Rule == playbook.RuleShouting {
			t.Errorf("handle, link or hashtag flagged: %+v", f)
		}
	}
	if !rv.Concerns[0].Addressed {
		t.Errorf("order #4471 not matched to the concern")
	}
	if !rv.Steps[2].Done {
		t.Errorf("apology after a handle not seen")
	}
}

func TestEditedPlaybookChangesTheReview(t *testing.T) {
	pb, err := playbook.Parse(playbook.DefaultJSON())
	if err != nil {
		t.Fatal(err)
	}
	reply := "I'm sorry. Chin up, I will refund you today."
	if rules(mustReview(t, New(pb), reply))[playbook.RuleMinimizing] {
		t.Fatalf("default playbook already flags the phrase; pick another")
	}
	pb.Rule(playbook.RuleMinimizing).Cues = append(pb.Rule(playbook.RuleMinimizing).Cues, "chin up => I know this has been hard.")
	rv := mustReview(t, New(pb), reply)
	found := false
	for _, f := range rv.Findings {
		if f.Rule == playbook.RuleMinimizing {
			// The rewrite ends the clause it replaces; the hint stays the
			// rule's advice.
			applied := reply[:f.RewriteStart] + f.Rewrite + reply[f.RewriteEnd:]
			found = f.Text == "Chin up" && applied == "I'm sorry. I know this has been hard. I will refund you today." &&
				f.Hint == pb.Rule(playbook.RuleMinimizing).Suggestion && f.Suggestion == f.Hint
		}
	}
	if !found {
		t.Errorf("edited cue not used: %+v", rv.Findings)
	}
	if rv.Playbook != pb.Version {
		t.Errorf("review names playbook %q, want %q", rv.Playbook, pb.Version)
	}
}

func mustReview(t *testing.T, c *Coach, reply string) Review {
	t.Helper()
	rv, err := c.Review(reply, Context{Level: analyze.Angry})
	if err != nil {
		t.Fatal(err)
	}
	return rv
}

func TestConcurrentReviews(t *testing.T) {
	c := New(nil)
	cases := loadCorpus(t)
	want := make([]int, len(cases))
	for i, cc := range cases {
		rv, err := c.Review(cc.reply, cc.ctx)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = rv.Score
	}
	done := make(chan error, 4)
	for w := 0; w < 4; w++ {
		go func() {
			for i, cc := range cases {
				rv, err := c.Review(cc.reply, cc.ctx)
				if err == nil && rv.Score != want[i] {
					err = fmt.Errorf("%s: score %d, then %d", cc.id, want[i], rv.Score)
				}
				if err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for w := 0; w < 4; w++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// TestRealApologies: no real apology is ever called a non-apology, and each
// counts as the apology step.
func TestRealApologies(t *testing.T) {
	c := New(nil)
	for _, reply := range []string{
		"I'm sorry that happened.",
		"I'm so sorry you were charged twice.",
		"Sorry, we messed up on this one.",
		"I'm sorry, that's on us.",
		"Sorry! I've fixed it now.",
		"I'm really sorry you had to chase us.",
		"I apologise for the delay in replying.",
		"Please accept our apologies for the mix-up.",
		"My apologies — the invoice was wrong.",
		"I'm sorry you're having trouble with the app.",
		"We're very sorry about the damaged parcel.",
		"I'm sorry for the trouble, but the good news is it's fixed.",
		"I am truly sorry for how we handled your call.",
		"So sorry about this!",
		"I'm sorry to hear the heater stopped working.",
		"We sincerely regret the error on your bill.",
	} {
		rv, err := c.Review(reply, Context{Level: analyze.Angry})
		if err != nil {
			t.Fatal(err)
		}
		got := rules(rv)
		if got[playbook.RuleNonApology] || got[playbook.RuleMissingApology] {
			t.Errorf("%q: %+v", reply, rv.Findings)
		}
	}
}

// TestYouWillReceiveIsNotBlame: promises addressed to the customer are not
// blame, however they are phrased.
func TestYouWillReceiveIsNotBlame(t *testing.T) {
	c := New(nil)
	for _, reply := range []string{
		"I'm sorry. You will receive a full refund within 3 business days.",
		"I'm sorry. You'll receive an email with the label today.",
		"I'm sorry. You should receive the replacement by Friday.",
		"I'm sorry. You will get a call from our engineer tomorrow.",
		"I'm sorry. You should have received a confirmation, and I've resent it.",
		"I'm sorry. You'll be refunded automatically.",
		"I'm sorry. You will see the credit on your next bill.",
		"I'm sorry you didn't receive the invoice.",
		"I'm sorry, you shouldn't have had to ask twice.",
		"I'm sorry, you should never have been charged.",
	} {
		rv, err := c.Review(reply, Context{Level: analyze.Angry, SentAt: friday2310})
		if err != nil {
			t.Fatal(err)
		}
		if rules(rv)[playbook.RuleBlame] {
			t.Errorf("%q: false blame %+v", reply, rv.Findings)
		}
	}
}
