package mail

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestStripQuotes(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Hello\nI need help.", "Hello\nI need help."},
		{"gmail one line", "Fine.\n\nOn Mon, Mar 2, 2026 at 4:02 PM Sam <s@x.example> wrote:\n> old\n> text", "Fine."},
		{"gmail wrapped", "Fine.\n\nOn Mon, Mar 2, 2026 at 4:02 PM Calm Support <support@x.example\n> wrote:\n\n> old", "Fine."},
		{"gmail date style", "Ok.\n\n2026-03-02 16:02 GMT+01:00 Sam <s@x.example>:\n> old", "Ok."},
		{"apple", "Yes.\n\n> On 4 Mar 2026, at 09:12, Sam <s@x.example> wrote:\n> \n> old", "Yes."},
		{"french", "Merci.\n\nLe lun. 2 mars 2026 à 16:02, Sam <s@x.example> a écrit :\n> vieux", "Merci."},
		{"german", "Danke.\n\nAm 02.03.2026 um 16:02 schrieb Sam <s@x.example>:\n> alt", "Danke."},
		{"outlook original", "No.\n\n-----Original Message-----\nFrom: Sam\nSent: today\nTo: me\nSubject: x\n\nold", "No."},
		{"outlook spaced original", "No.\n----- Original Message -----\nFrom: Sam\nold", "No."},
		{"outlook rule block", "Bad.\n\n________________________________\nFrom: Sam <s@x.example>\nSent: Monday\nTo: Me\nSubject: x\n\nold", "Bad."},
		{"outlook header block", "Bad.\n\nFrom: Sam <s@x.example>\nSent: Monday, 2 March 2026 17:40\nTo: Me\nSubject: x\n\nold", "Bad."},
		{"outlook bold header block", "Bad.\n\n*From:* Sam <s@x.example>\n*Sent:* Monday\n*To:* Me\n*Subject:* x\n\nold", "Bad."},
		{"from line alone is text", "From: my phone, I cannot log in.\nPlease help.", "From: my phone, I cannot log in.\nPlease help."},
		{"iphone", "Broken again.\n\nSent from my iPhone\n\n> On 5 Mar...", "Broken again."},
		{"android", "Broken.\n\nSent from my Galaxy", "Broken."},
		{"outlook mobile", "Broken.\n\nGet Outlook for Android", "Broken."},
		{"german mobile", "Kaputt.\n\nVon meinem iPhone gesendet", "Kaputt."},
		{"dash signature", "Thanks\n\n-- \nAna\nACME Inc.", "Thanks"},
		{"dash signature no space", "Thanks\n--\nAna", "Thanks"},
		{"quote only", "> all quoted\n> text", "> all quoted\n> text"},
		{"interleaved", "On Fri, 13 Mar 2026, Sam <s@x.example> wrote:\n> q1\n\na1\n\n> q2\n\na2", "a1\n\na2"},
		{"bottom posted", "> question?\n\nanswer", "answer"},
		{"on without wrote kept", "On Monday I was charged twice.\nPlease refund.", "On Monday I was charged twice.\nPlease refund."},
		{"CRLF", "Hi\r\n\r\nOn Mon, Sam <s@x.example> wrote:\r\n> old\r\n", "Hi"},
		{"gmail forward", "See below, still broken!\n\n---------- Forwarded message ---------\nFrom: Sam <s@x.example>\nDate: Mon, 2 Mar 2026 at 16:02\nSubject: Ticket\nTo: <a@x.example>\n\nold", "See below, still broken!"},
		{"apple forward", "FYI\n\nBegin forwarded message:\n\nFrom: Sam <s@x.example>\nold", "FYI"},
		{"yahoo", "Why?\n\nOn Tuesday, March 3, 2026, 10:12:00 AM GMT+1, Sam <s@x.example> wrote:\n\n\nold text unquoted", "Why?"},
		{"thunderbird", "Why?\n\nOn 03/03/2026 10:12, Sam wrote:\n> old", "Why?"},
		{"blank lines collapsed", "a\n\n\n\nb", "a\n\nb"},
		{"outlook rule alone is text", "Line one\n____________________________\nLine two", "Line one\n____________________________\nLine two"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := StripQuotes(tt.in); got != tt.want {
				t.Errorf("StripQuotes(%q) =\n%q\nwant\n%q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzStripQuotes(f *testing.F) {
	for _, s := range []string{
		"Hi\n\nOn Mon, Sam <s@x> wrote:\n> old",
		"a\n-----Original Message-----\nb",
		"From: x\nSent: y\nTo: z\n",
		"x\n-- \nsig",
		"> q\n\na",
		"\r\n\r\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := StripQuotes(s)
		if len(got) > len(s) {
			t.Fatalf("output longer than input: %q -> %q", s, got)
		}
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8 from valid input")
		}
		if strings.TrimSpace(s) != "" && strings.TrimSpace(got) == "" {
			t.Fatalf("non-blank text stripped to nothing: %q", s)
		}
	})
}
