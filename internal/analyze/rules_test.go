package analyze

import (
	"slices"
	"testing"
)

func TestEntities(t *testing.T) {
	tests := []struct {
		text, kind, span, value string
	}{
		{"order 4471 never came", EntityOrder, "4471", "4471"},
		{"my order number is #A-99812", EntityOrder, "#A-99812", "A-99812"},
		{"see case no. 55120", EntityTicket, "55120", "55120"},
		{"tracking number 1Z999AA10123456784", EntityTracking, "1Z999AA10123456784", "1Z999AA10123456784"},
		{"account 55-1290 is locked", EntityAccount, "55-1290", "55-1290"},
		{"refund $59.90 please", EntityMoney, "$59.90", "59.90 USD"},
		{"it cost €1,299.00", EntityMoney, "€1,299.00", "1299.00 EUR"},
		{"they took 30 pounds", EntityMoney, "30 pounds", "30 GBP"},
		{"I paid 45,50 EUR", EntityMoney, "45,50 EUR", "45.50 EUR"},
		{"waiting three weeks now", EntityDuration, "three weeks", "P21D"},
		{"on hold for 2 hours", EntityDuration, "2 hours", "PT2H"},
		{"a couple of days ago", EntityDuration, "couple of days", "P2D"},
		{"within 3 business days", EntityDuration, "3 business days", "P3D"},
		{"the third time I ask", EntityCount, "third time", "3"},
		{"I called 5 times", EntityCount, "5 times", "5"},
		{"charged twice", EntityCount, "twice", "2"},
		{"promised by Friday", EntityDate, "Friday", "friday"},
		{"since last week", EntityDate, "last week", "last week"},
		{"delivery on 28 November 2026", EntityDate, "28 November 2026", "2026-11-28"},
		{"delivery on Nov 28th", EntityDate, "Nov 28th", "--11-28"},
		{"billed on 2026-11-03", EntityDate, "2026-11-03", "2026-11-03"},
		{"billed on 28/11/2026", EntityDate, "28/11/2026", "2026-11-28"},
	}
	lx := defaultLexicon()
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			toks := tokenize(tt.text, nil)
			ents := lx.findEntities(tt.text, toks, lx.lookup(toks, nil), nil)
			for _, e := range ents {
				if e.Kind == tt.kind {
					if e.Text != tt.span || e.Value != tt.value || tt.text[e.Start:e.End] != e.Text {
						t.Errorf("got %+v, want %s %q = %s", e, tt.kind, tt.span, tt.value)
					}
					return
				}
			}
			t.Errorf("no %s in %+v", tt.kind, ents)
		})
	}
}

func TestNoEntities(t *testing.T) {
	lx := defaultLexicon()
	for _, text := range []string{
		"I may be late", "a great day", "thanks a lot", "the order of events", "one of them",
	} {
		toks := tokenize(text, nil)
		if ents := lx.findEntities(text, toks, lx.lookup(toks, nil), nil); len(ents) > 0 {
			t.Errorf("%q: unexpected %+v", text, ents)
		}
	}
}

func TestParaphrase(t *testing.T) {
	tests := []struct{ text, kind, want string }{
		{"I was charged twice for order 4471", ConcernProblem, "you were charged twice for order 4471"},
		{"Charged twice for order 4471", ConcernProblem, "you were charged twice for order 4471"},
		{"You cancelled my subscription without telling me", ConcernProblem, "we cancelled your subscription without telling you"},
		{"The heater you sold me caught fire", ConcernProblem, "the heater we sold you caught fire"},
		{"I'm really disappointed", ConcernFeeling, "you're really disappointed"},
		{"Really disappointed", ConcernFeeling, "you're really disappointed"},
		{"Fix it NOW", ConcernRequest, "you want us to fix it now"},
		{"Please refund me", ConcernRequest, "you want us to refund you"},
		{"Can you send a replacement by Friday", ConcernRequest, "you're asking us to send a replacement by Friday"},
		{"Why was I charged twice", ConcernQuestion, "you're asking why you were charged twice"},
		{"Where is my order", ConcernQuestion, "you're asking where your order is"},
		{"Is my refund on its way", ConcernQuestion, "you're asking whether your refund is on its way"},
		{"I want to speak to your manager", ConcernRequest, "you want to speak to our manager"},
		{`the "free delivery" promo still charged me`, ConcernProblem, `the "free delivery" promo still charged you`},
		{"My claim (CL-88201) has been pending", ConcernProblem, "your claim (CL-88201) has been pending"},
		{"My flight AA2291 and my IBAN are WRONG", ConcernProblem, "your flight AA2291 and your IBAN are wrong"},
		{"Thank you to your team", ConcernProblem, "thank you to our team"},
		{"loyalty means nothing to you people", ConcernProblem, "loyalty means nothing to us"},
		{"@Acme charged me twice", ConcernProblem, "we charged you twice"},
		{"the download keeps stopping at 87%", ConcernProblem, "the download keeps stopping at 87%"},
		{"hi there, the voucher code WELCOME10 isn't working", ConcernProblem, "the voucher code WELCOME10 isn't working"},
		{"Could someone please call him on the number on file", ConcernRequest, "you're asking for someone to call him on the number on file"},
	}
	lx := defaultLexicon()
	for _, tt := range tests {
		toks := tokenize(tt.text, nil)
		if got := paraphrase(tt.text, toks, lx.lookup(toks, nil), tt.kind); got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestSentences(t *testing.T) {
	tests := []struct {
		text string
		want int
	}{
		{"I paid $59.90. Nothing happened.", 2},
		{"See e.g. the invoice. Thanks", 2},
		{"Hi\nMy order is late\nPlease help", 3},
		{"This line is long enough that it wraps in the middle of a sentence\nand goes on.", 1},
		{"What?! Really!!! Why", 3},
	}
	for _, tt := range tests {
		toks := tokenize(tt.text, nil)
		if got := len(sentences(toks, nil)); got != tt.want {
			t.Errorf("%q: %d sentences, want %d", tt.text, got, tt.want)
		}
	}
}

func TestSignals(t *testing.T) {
	tests := []struct{ text, kind, span string }{
		{"I demand to speak with a supervisor.", SignalManagerRequest, "speak with a supervisor"},
		{"Put me through to someone senior please.", SignalManagerRequest, "someone senior"},
		{"I'll be contacting my solicitor about this.", SignalLegalThreat, "solicitor"},
		{"I'm going to report this to trading standards.", SignalRegulatorComplaint, "trading standards"},
		{"I filed a complaint with the FCA yesterday.", SignalRegulatorComplaint, "FCA"},
		{"I've asked my bank to reverse the payment.", SignalChargeback, "bank to reverse"},
		{"I will be posting about this on Twitter.", SignalPublicExposure, "Twitter"},
		{"I'm taking my business elsewhere.", SignalChurnThreat, "taking my business elsewhere"},
		{"The charger started smoking and melted.", SignalSafetyIssue, "smoking"},
		{"This is my fourth email about this issue.", SignalRepeatContact, "fourth email"},
		{"I have written to you three times already.", SignalRepeatContact, "written to you three times"},
		{"It's been over a month and still nothing.", SignalLongWait, "over a month"},
		{"I'm 84 and I don't use the internet, please call me.", SignalVulnerableCustomer, "I'm 84"},
	}
	for _, tt := range tests {
		r, err := Read(tt.text)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, s := range r.Signals {
			if s.Kind == tt.kind && s.Text == tt.span && tt.text[s.Start:s.End] == s.Text {
				found = true
			}
		}
		if !found {
			t.Errorf("%q: no %s %q in %+v", tt.text, tt.kind, tt.span, r.Signals)
		}
	}
	// Calm words that must not raise signals.
	for _, text := range []string{
		"I've been a loyal customer for ten years, thank you.",
		"My phone battery dies in 2 hours, is that normal?",
		"The last time I ordered it arrived in two days.",
		"I am 25 and this is my first order.",
		"Could you tell me the opening hours of the store?",
	} {
		r, _ := Read(text)
		if len(r.Signals) > 0 {
			t.Errorf("%q: unexpected signals %+v", text, r.Signals)
		}
	}
}

// TestConcernsLeaveOutMentions: the @name a tweet opens or closes with
// addresses the company; the concern is what the customer says.
func TestConcernsLeaveOutMentions(t *testing.T) {
	text := "@PixelForgeGames getting error 4031 every time I log in. not ok @PixelForgeGames"
	r, err := Default().Read(text)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range r.Concerns {
		got = append(got, c.Text+" => "+c.Paraphrase)
	}
	want := []string{"getting error 4031 every time I log in. => getting error 4031 every time you log in", "not ok => not ok"}
	if !slices.Equal(got, want) {
		t.Errorf("concerns = %q, want %q", got, want)
	}
}
