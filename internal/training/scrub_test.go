package training

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestScrubReplacesPersonalData(t *testing.T) {
	s := NewScrubber("Dana Reyes", "Sam Okafor")
	in := "Hi, I'm Dana Reyes (dana.reyes@example.com, +44 20 7946 0958). Order 4471 and order #5312 were charged " +
		"to card 4111 1111 1111 1111; my IBAN is GB29 NWBK 6016 1331 9268 19. Account no. AC-889123. " +
		"Send it to 221B Baker Street, London NW1 6XE. Reset link: https://shop.example.com/reset?token=abc123XYZ. " +
		"Sam said he would call. Thanks, Dana"
	out := s.Scrub(in)
	for _, leak := range []string{"Dana", "Reyes", "dana.reyes", "7946", "4471", "5312", "4111", "NWBK", "889123", "Baker", "NW1 6XE", "abc123", "Sam", "Okafor"} {
		if strings.Contains(out, leak) {
			t.Errorf("scrubbed text still holds %q:\n%s", leak, out)
		}
	}
	for _, kept := range []string{"charged", "Send it to", "would call"} {
		if !strings.Contains(out, kept) {
			t.Errorf("scrubbing lost %q:\n%s", kept, out)
		}
	}
	// Consistent: the same datum gets the same fake, in this text and the next.
	again := s.Scrub("Dana again, about order 4471, dana.reyes@example.com")
	first := strings.Fields(s.FakeName("Dana Reyes"))[0]
	if !strings.Contains(again, first) || strings.Count(out+again, "person1@example.net") != 2 {
		t.Errorf("fakes are not consistent:\n%s\n%s", out, again)
	}
	// Money and times are not personal data.
	if got := s.Scrub("I paid $59.90 at 10:30 on 12/03/2026."); got != "I paid $59.90 at 10:30 on 12/03/2026." {
		t.Errorf("amounts and dates were scrubbed: %q", got)
	}
	// Names only where they are names.
	if got := NewScrubber("Will May").Scrub("I will call you in May, Will."); !strings.Contains(got, "I will call you in") {
		t.Errorf("common words taken for names: %q", got)
	}
}

func TestFromCaseMakesAValidScrubbedScenario(t *testing.T) {
	src := CaseSource{CaseID: 7, Subject: "Charged twice for order 4471", Category: "billing", CustomerName: "Dana Reyes",
		OtherNames: []string{"Sam Okafor"},
		Messages:   []string{"This is the third time I write. You charged me twice for order 4471 ($59.90 each). Call me on 0161 496 0000. Dana"},
		Concerns:   []string{"You charged me twice for order 4471 ($59.90 each)."}, Anger: 82, Signals: []string{"repeat_contact"}}
	sc, err := FromCase(src)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(sc)
	for _, leak := range []string{"Dana", "Reyes", "4471", "0161", "Okafor"} {
		if strings.Contains(string(b), leak) {
			t.Errorf("scenario holds %q: %s", leak, b)
		}
	}
	if sc.Persona.Temperament != "repeat" || len(sc.Concerns) != 1 || sc.Source != "case" {
		t.Errorf("scenario %+v", sc)
	}
	// It plays.
	s, err := sim.Start(sc, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sim.Reply(s, "Hi, I'm sorry we charged you twice; I've refunded the second charge today and you'll see it by Friday."); err != nil {
		t.Fatal(err)
	}
}

// TestScrubNameCues: names the scrubber is not told, found by where they
// stand, and the words in the same places that are not names.
func TestScrubNameCues(t *testing.T) {
	for _, tc := range []struct {
		in         string
		gone, kept []string
	}{
		{"@123 Sorry about that, we turned it off tonight. -Priya", []string{"Priya"}, []string{"turned it off"}},
		{"@123 Please DM us your order number. ^Tomasz https://t.co/abc123", []string{"Tomasz", "abc123"}, []string{"order number"}},
		{"@123 Check the link, it should help. 2/2^Oskar", []string{"Oskar"}, nil},
		{"@123 Hey, Ingrid. Your refund is on its way.", []string{"Ingrid"}, []string{"refund is on its way"}},
		{"@123 Thanks for waiting, Dmitri! It ships Monday.", []string{"Dmitri"}, []string{"ships Monday"}},
		{"@123 Odile, I am sorry for the delay.", []string{"Odile"}, []string{"sorry for the delay"}},
		{"@123 We can look at the bill tomorrow. Fenna", []string{"Fenna"}, nil},
		{"Fixed now, thanks.\n\nOn Tue, Mar 1, 2011 at 6:02 PM, Anouk Verbeek <av@example.org> wrote:\n> it broke", []string{"Anouk", "Verbeek", "av@example.org"}, []string{"Fixed now"}},
		{"Sure.\n\nFrom: Rasmus Olsen [mailto:r@example.org]\nTo: Ilse\nSubject: Test", []string{"Rasmus", "Olsen", "Ilse"}, []string{"Subject: Test"}},
		{"Call me: 503-203-1539\n503-709-5942 (mobile)\n1234 N.E. Alder Drive\nPortland, Oregon 97225-2668", []string{"203-1539", "709-5942", "Alder", "97225"}, []string{"Portland"}},
		// Not names: words that close or open a message the same way.
		{"@123 The app keeps crashing. Unfortunately", nil, []string{"Unfortunately"}},
		{"@AmericanAir Like, any?", nil, []string{"Like"}},
		{"@123 I waited 2 hours - Thanks", nil, []string{"Thanks"}},
	} {
		out := NewScrubber().Scrub(tc.in)
		for _, g := range tc.gone {
			if strings.Contains(out, g) {
				t.Errorf("%q: %q left in %q", tc.in, g, out)
			}
		}
		for _, k := range tc.kept {
			if !strings.Contains(out, k) {
				t.Errorf("%q: %q lost in %q", tc.in, k, out)
			}
		}
	}
}
