package coach

import (
	"testing"

	"github.com/calmdesk/calmdesk/internal/analyze"
)

func TestSignedOff(t *testing.T) {
	tests := []struct {
		reply string
		want  bool
	}{
		{"@ana_k Sorry for the wait, we've rebooked you on the 9:10. ^JS", true},
		{"@ana_k We've sent a new code to your email. -Mike", true},
		{"@ana_k Please DM us your order number and we'll look. *AB", true},
		{"@ana_k Could you tell us which app version you have? /PB", true},
		{"@ana_k Thanks for waiting, it's fixed now - Ed", true},
		{"@ana_k See you there!-Anwar", true},
		{"@ana_k Please check the router lights for us. KB", true},
		{"@ana_k Refund sent.  ^Tanuj \n", true},
		{"Hi Ana,\n\nYour refund went out today.\n\nKind regards,\nPriya", true},
		{"Hi Ana,\n\nYour refund went out today.\n\nBest,\nPriya Shah", true},
		// Not sign-offs.
		{"@ana_k Please DM us your order number.", false},
		{"@ana_k Is that 1/2", false},
		{"@ana_k Which one, the app and/or the website?", false},
		{"@ana_k Try the self-service page", false},
		{"@ana_k We're on it ASAP", false},
		{"@ana_k It was down for 2 hours. OK", false}, // capitals, but not initials
		{"@ana_k Please send it by DM. SMS", false},
		{"-Mike", false},
		{"", false},
		{"Thanks,\nfor nothing", false},
		{"Sorry about this. - see the link", false},
	}
	for _, tt := range tests {
		if got := signedOff(tt.reply); got != tt.want {
			t.Errorf("signedOff(%q) = %v, want %v", tt.reply, got, tt.want)
		}
	}
}

// TestNoWorriesMinimizes: "no worries" belittles a customer with a problem,
// not one who only praises.
func TestNoWorriesMinimizes(t *testing.T) {
	c := New(nil)
	tests := []struct {
		customer, reply string
		want            bool
	}{
		{"@shop my parcel is 3 weeks late and nobody answers", "@ana No worries, it's on its way! ^KT", true},
		{"@shop charged twice for the same order, fix it", "@ana No worries Ana, DM us and we'll look. -Sam", true},
		{"@shop thank you so much, the team were brilliant today!", "@ana No worries, glad we could help! ^KT", false},
		{"@shop my parcel is 3 weeks late and nobody answers", "@ana Sorry it's late. I've chased the courier and it will arrive Friday. ^KT", false},
	}
	for _, tt := range tests {
		r, err := analyze.Read(tt.customer)
		if err != nil {
			t.Fatal(err)
		}
		rv, err := c.Review(tt.reply, Context{Readings: []analyze.Reading{r}, SentAt: friday2310})
		if err != nil {
			t.Fatal(err)
		}
		if got := rules(rv)["minimizing"]; got != tt.want {
			t.Errorf("customer %q, reply %q: minimizing %v, want %v", tt.customer, tt.reply, got, tt.want)
		}
	}
}
