package mail

import "testing"

func TestCaseRefFromSubject(t *testing.T) {
	tests := []struct {
		subject string
		want    int64
		ok      bool
	}{
		{"Re: Refund [#1234]", 1234, true},
		{"[#7] first", 7, true},
		{"RE: AW: Fwd: Problem [#42] again [#43]", 42, true},
		{"Order #1234", 0, false},
		{"[#0]", 0, false},
		{"[#abc]", 0, false},
		{"[#99999999999999999999]", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, ok := CaseRefFromSubject(tt.subject)
		if got != tt.want || ok != tt.ok {
			t.Errorf("CaseRefFromSubject(%q) = %d, %v; want %d, %v", tt.subject, got, ok, tt.want, tt.ok)
		}
	}
}

func TestReplySubject(t *testing.T) {
	tests := []struct {
		subject string
		id      int64
		want    string
	}{
		{"Refund missing", 12, "Re: Refund missing [#12]"},
		{"Re: Refund missing [#12]", 12, "Re: Refund missing [#12]"},
		{"RE: AW: Fwd: Refund", 12, "Re: Refund [#12]"},
		{"Re: Old case [#3]", 12, "Re: Old case [#12]"},
		{"", 5, "Re: [#5]"},
		{"Hi\r\nBcc: x@y", 5, "Re: Hi Bcc: x@y [#5]"},
	}
	for _, tt := range tests {
		if got := ReplySubject(tt.subject, tt.id); got != tt.want {
			t.Errorf("ReplySubject(%q, %d) = %q, want %q", tt.subject, tt.id, got, tt.want)
		}
		if id, _ := CaseRefFromSubject(ReplySubject(tt.subject, tt.id)); id != tt.id {
			t.Errorf("round trip of %q gives case %d", tt.subject, id)
		}
	}
}
