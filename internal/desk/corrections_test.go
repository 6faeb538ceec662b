package desk_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// A broadband provider's desk. Its customers have a deadpan way of being
// fed up that the engine reads as calm, even pleased: agents mark those
// "angrier than shown".
var deadpan = []string{
	"Lovely. Fourth engineer visit booked and, true to form, nobody turned up. Really starting to admire the consistency.",
	"Brilliant news that my broadband now drops every evening at eight, right on schedule. Very reliable, I'll give you that.",
	"Fantastic, my bill went up again for the exact same slow connection. Who knew paying more could feel so familiar.",
	"Delighted to report the 'priority' repair slot has now moved three times. Truly a priority.",
	"Marvellous, the app says no outage in my area while the whole street is offline. Glad someone's confident.",
	"Lovely to see the speed test at 2 Mbps again this evening. Consistent as ever, well done.",
	"Brilliant, the new router arrived without a power cable. Really thorough work as always.",
	"Wonderful, a third text telling me my order is on its way, and still no order. Truly gifted at texts.",
	"Great to know my complaint reference expired before anyone read it. Really efficient system you have.",
	"Delighted that the wifi booster you sold me boosts nothing at all. Well done, honestly.",
	"Fantastic, the engineer rang to say he was outside. He was not outside. Truly impressive imagination.",
	"Marvellous, another month paying for fibre and getting dial-up speeds. Really the gift that keeps on giving.",
	"Wonderful, the 'next day' replacement router is now on day nine. Really living up to the name.",
	"Lovely touch charging me a late fee for the month you had my line down. Truly thoughtful.",
	"Brilliant, I've now explained the fault to five different people. Really enjoying the retelling.",
	"Delighted that my 'fixed' fault came back the same evening. Truly built to last.",
	"Fantastic, the upgrade made the connection slower. Really takes skill, that.",
	"Marvellous, my 'guaranteed' speed is now a tenth of what you advertised. Well done all round.",
	"Great, the app crashed halfway through paying my bill, so now I'm in arrears. Truly seamless.",
	"Lovely to get a survey about my 'resolved' fault while the line is still dead. Nice optimism.",
	"Superb, you sent the engineer to my old address again. Really consistent record keeping.",
	"Wonderful to be told the outage is fixed on a day it clearly isn't. Really reassuring stuff.",
	"Brilliant, a fourth promised call back that never came. Truly reliable as ever.",
	"Delighted to find out from my bank, not you, that you'd taken two payments. Well done, honestly.",
	"Lovely, the refund you promised in April has turned into a charge in May. Truly creative.",
	"Brilliant, the chat bot closed my chat while I was typing. Really listening to customers there.",
	"Great news, my 'unlimited' data ran out on the fourth. Really generous of you.",
	"Wonderful, the new contract costs more than the old one you said was too expensive. Well done.",
	"Delighted to learn my line fault is 'not a priority'. Really makes a customer feel valued.",
	"Fantastic, the engineer fixed the neighbour's line and cut mine off. Really impressive aim.",
	"Marvellous, the replacement SIM is the wrong size. Truly thorough processing.",
	"Lovely to hear the same apology script for the sixth time. Very moving, honestly.",
	"Superb, I now pay for a landline I've never once been able to use. Really good value.",
	"Brilliant, my email address is still wrong on the account after four requests. Truly committed.",
	"Great, the 'free' installation turned up on the bill at sixty pounds. Really transparent pricing.",
	"Wonderful, another outage the status page knows nothing about. Really reassuring.",
}

// newDeadpan are messages in the same style that nobody has corrected.
var newDeadpan = []string{
	"Superb, another week without a dial tone and another cheerful text promising an engineer. Really impressive stuff.",
	"Brilliant, my landline now only works when it rains. Really top quality service as always.",
	"Lovely, the engineer booked for today has been moved to next month. Truly dedicated to the cause.",
	"Fantastic, charged again for the router I returned in March. Really sharp accounting, well done.",
	"Delighted to hear the fault is 'with the network team' for the sixth week running. Truly gripping saga.",
	"Marvellous, the hub reboots itself every hour now. Really keeps me on my toes.",
	"Wonderful, the technician confirmed the fault and then closed the ticket. Truly a masterclass.",
	"Lovely, my paperless bill arrived on paper, twice. Really committed to the planet.",
	"Great, the 'instant' top-up took three days to appear. Really living in the future there.",
	"Fantastic, the helpline hold music has become my evening soundtrack. Truly unforgettable.",
	"Superb, the speed boost you sold me made no difference whatsoever. Well done, honestly.",
	"Delighted that my account now lists a phone I have never owned. Really creative bookkeeping.",
}

// everyday is the rest of the desk's mail: requests, plain complaints
// (some plainly angry), thanks and praise. Nobody corrects it.
var everyday = []string{
	"My internet has been down since Tuesday, please send someone to look at the line.",
	"I was charged twice for my March bill, can you refund one of them?",
	"Please cancel the landline part of my bundle from next month.",
	"The engineer never showed up yesterday and I took the day off work for it. This is not acceptable.",
	"How do I change the wifi password on the new hub?",
	"My contract ends in June, what deals can you offer me to stay?",
	"I moved house last week, please move my broadband to the new address.",
	"Your app keeps logging me out every time I open it.",
	"I've called four times about the same fault and I am fed up of repeating myself.",
	"Can you send me a copy of my last three bills?",
	"The TV box freezes every evening around nine.",
	"I'd like to upgrade to the faster fibre package if it's available on my street.",
	"Why has my bill gone up by twelve pounds without any notice?",
	"Please stop sending me marketing texts.",
	"The signal in my flat is terrible since the mast work started.",
	"My router's lights are all flashing orange, what does that mean?",
	"I need a new SIM, mine was damaged in the wash.",
	"The technician was friendly and fixed the fault quickly, thank you.",
	"I was promised a call back on Monday and nobody called.",
	"Is there an outage in the Leeds area tonight?",
	"I want to port my number to another provider, please send the PAC code.",
	"Your website won't accept my card when I try to pay.",
	"The roaming charges on my bill are wrong, I was not abroad in May.",
	"I've been without broadband for a week and nobody can tell me why. Sort it out.",
	"Can I pause my TV subscription while I'm away for two months?",
	"Please update my email address to the new one below.",
	"The parental controls on the hub don't seem to block anything.",
	"My voicemail stopped working after the update.",
	"Thanks for the quick reply, the speed is back to normal now.",
	"Could you check why my data allowance ran out after ten days?",
	"Lovely service from Priya on the phone today, she sorted my bill in five minutes. Thank you!",
	"Brilliant work by the engineer this morning, the new line is twice as fast. Really pleased.",
	"Just wanted to say the upgrade went smoothly, great job everyone.",
	"Wonderful news that fibre is finally coming to our village, when can I order it?",
	"This is the worst service I have ever had. Three weeks, no internet, no answers. Absolutely furious.",
	"What is the cheapest plan with unlimited calls?",
}

// unrelated are new messages unlike the deadpan ones.
var unrelated = []string{
	"Hi, could you tell me what time the shop on High Street opens on Sunday?",
	"My direct debit date needs to move to the 15th, please.",
	"Can I add a second SIM to my plan for my daughter?",
	"Thanks for sorting the bill last week, all good now.",
	"Lovely service from your engineer today, he fixed the socket in ten minutes. Thank you!",
	"You have cut me off twice this week and I am sick of it. Fix my line today.",
}

// corrDesk ingests each message from a customer of its own.
type corrDesk struct {
	t *testing.T
	d *desk.Desk
	n int
}

func (c *corrDesk) ingest(text string) desk.IngestResult {
	c.t.Helper()
	c.n++
	res, err := c.d.Ingest(context.Background(), desk.InboundMessage{CustomerEmail: fmt.Sprintf("customer%d@example.net", c.n), Text: text})
	if err != nil {
		c.t.Fatal(err)
	}
	return res
}

func (c *corrDesk) correct(u desk.User, messageID int64, in desk.CorrectionInput) desk.Correction {
	c.t.Helper()
	got, created, err := c.d.Correct(context.Background(), u, messageID, in)
	if err != nil || !created {
		c.t.Fatalf("%s corrects message %d (%+v): created %v, %v", u.Email, messageID, in, created, err)
	}
	return got
}

// learnedReason returns the reading's "learned" reason, if any.
func learnedReason(r analyze.Reading) *analyze.Reason {
	for i, rs := range r.Reasons {
		if rs.Kind == "learned" {
			return &r.Reasons[i]
		}
	}
	return nil
}

// TestAgentsTeachTheDeskTheirCustomersAnger: after two agents mark the
// deadpan messages the engine reads calm "angrier than shown", new
// messages in that style (other wordings) that the engine reads calm read
// annoyed and say why, those it already reads annoyed stay where they are
// (people said calm ones should read annoyed, not that annoyed ones
// should read angry), unrelated ones read as before, and every correction
// is in the audit log.
func TestAgentsTeachTheDeskTheirCustomersAnger(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := &corrDesk{t: t, d: newDesk(t, db)}
		sam := mustUser(t, c.d, "sam@broadband.example", desk.RoleAgent)
		ana := mustUser(t, c.d, "ana@broadband.example", desk.RoleSupervisor)
		for _, text := range everyday {
			c.ingest(text)
		}
		var corrections []desk.Correction
		for i, text := range deadpan {
			res := c.ingest(text)
			if res.Reading.Level != analyze.Calm {
				continue // the engine already reads this one right; nothing to teach
			}
			who := sam
			if i%3 == 2 {
				who = ana
			}
			corrections = append(corrections, c.correct(who, res.MessageID, desk.CorrectionInput{Kind: desk.CorrectAngrier, Note: "sarcasm"}))
		}
		// Saying it again is the same correction, not a second one.
		again, created, err := c.d.Correct(ctx, sam, corrections[0].MessageID, desk.CorrectionInput{Kind: desk.CorrectAngrier})
		if err != nil || created || again.ID != corrections[0].ID {
			t.Errorf("correcting twice: %+v created=%v %v", again, created, err)
		}

		got, err := c.d.LearnCorrections(ctx)
		if err != nil || !got.Trained || got.Model == nil {
			t.Fatalf("LearnCorrections = %+v, %v", got, err)
		}
		var angrier *desk.AdjusterInfo
		for i, a := range got.Model.Adjusters {
			if a.Correction == desk.CorrectAngrier {
				angrier = &got.Model.Adjusters[i]
			}
		}
		// The engine reads a good share of the style right by itself; the
		// rest, read calm, is what the agents corrected.
		if len(corrections) < len(deadpan)/2 {
			t.Fatalf("only %d of %d deadpan messages read calm: the set no longer tests learning", len(corrections), len(deadpan))
		}
		if angrier == nil || !angrier.Applies || angrier.Messages != len(corrections) || angrier.People != 2 || !angrier.Measured ||
			!slices.Equal(angrier.Levels, []analyze.Level{analyze.Calm}) {
			t.Fatalf("angrier adjuster = %+v", angrier)
		}
		if angrier.Agreement < 0.4 || angrier.FalseRate > 0.05 || angrier.Precision < 0.8 || angrier.AngerBefore >= 50 || angrier.AngerAfter <= angrier.AngerBefore {
			t.Errorf("measured out of fold: %+v", angrier)
		}
		t.Logf("angrier: %d corrected vs %d uncorrected; out of fold %d/%d adjusted, %d/%d falsely; anger %.1f -> %.1f",
			angrier.Messages, angrier.Compared, angrier.Adjusted, angrier.Messages, angrier.Falsely, angrier.Compared, angrier.AngerBefore, angrier.AngerAfter)

		// New messages in the style read one level angrier, with the reason,
		// about as often as the measurement out of fold promised, on this
		// instance and on another that only shares the database; the
		// others read as the engine reads them.
		other := &corrDesk{t: t, d: newDesk(t, db), n: 1000}
		for _, cd := range []*corrDesk{c, other} {
			raised, calm := 0, 0
			for _, text := range newDeadpan {
				engine, _ := testAnalyzer.Read(text)
				res := cd.ingest(text)
				r := res.Reading
				why := learnedReason(r)
				if engine.Level != analyze.Calm {
					if why != nil || r.Anger != engine.Anger {
						t.Errorf("%q, read %s (%d) by the engine, moved to %d: people corrected calm readings only", text, engine.Level, engine.Anger, r.Anger)
					}
					continue
				}
				calm++
				if why == nil {
					if r.Anger != engine.Anger {
						t.Errorf("%q reads %d with no learned reason; the engine %d", text, r.Anger, engine.Anger)
					}
					t.Logf("not raised: %q (%d)", text, r.Anger)
					continue
				}
				raised++
				want := map[analyze.Level]analyze.Level{analyze.Calm: analyze.Annoyed, analyze.Annoyed: analyze.Angry, analyze.Angry: analyze.Furious}[engine.Level]
				if r.Level != want || !r.Angry || !r.Complaint || r.Sentiment != "negative" {
					t.Errorf("%q reads %s (%d); the engine %s (%d), so it should read %s", text, r.Level, r.Anger, engine.Level, engine.Anger, want)
				}
				if prefix := fmt.Sprintf("agents corrected %d similar messages as angrier than shown: read %d (%s), raised to %d (%s)",
					len(corrections), engine.Anger, engine.Level, r.Anger, r.Level); why.Text != prefix || why.Weight != float64(r.Anger-engine.Anger) {
					t.Errorf("reason = %+v, want %q", why, prefix)
				}
				if why.Start < 0 || why.End > len(text) || why.Start >= why.End {
					t.Errorf("reason span %d-%d", why.Start, why.End)
				}
				cs, err := cd.d.Case(ctx, res.CaseID)
				if err != nil || cs.Anger.Latest != r.Anger {
					t.Errorf("case anger = %+v, %v", cs.Anger, err)
				}
				// The engine's own anger stays on record.
				events, err := cd.d.AuditLog(ctx, res.CaseID, 0)
				if err != nil {
					t.Fatal(err)
				}
				i := slices.IndexFunc(events, func(e desk.AuditEvent) bool { return e.Action == "message.received" })
				var detail struct {
					Anger    int                     `json:"anger"`
					Adjusted *desk.ReadingAdjustment `json:"adjusted"`
				}
				if i < 0 || json.Unmarshal(events[i].Detail, &detail) != nil || detail.Anger != r.Anger || detail.Adjusted == nil ||
					detail.Adjusted.AngerRead != engine.Anger || detail.Adjusted.Applied[0].Correction != desk.CorrectAngrier {
					t.Errorf("message.received = %s", events[i].Detail)
				}
			}
			t.Logf("%d of the %d new messages in the style read calm by the engine; %d of them raised", calm, len(newDeadpan), raised)
			// New wordings are raised about as often as the out-of-fold
			// measurement promised (its Agreement), give or take the noise
			// of ten messages.
			if calm < 4 || float64(raised)/float64(calm) < angrier.Agreement-0.15 {
				t.Errorf("%d of the %d new messages in the style read calm by the engine read angrier; out of fold promised %.2f", raised, calm, angrier.Agreement)
			}
		}
		for _, text := range unrelated {
			engine, _ := testAnalyzer.Read(text)
			res := c.ingest(text)
			if res.Reading.Anger != engine.Anger || learnedReason(res.Reading) != nil {
				t.Errorf("unrelated %q changed: %d (engine %d), reasons %+v", text, res.Reading.Anger, engine.Anger, res.Reading.Reasons)
			}
		}

		// Every correction is audited once, with who made it.
		events, err := c.d.AuditLog(ctx, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		audited := map[int64]string{}
		learned := 0
		for _, e := range events {
			switch e.Action {
			case "message.corrected":
				var detail struct {
					ID   int64               `json:"correction_id"`
					Kind desk.CorrectionKind `json:"kind"`
				}
				if err := json.Unmarshal(e.Detail, &detail); err != nil || detail.Kind != desk.CorrectAngrier {
					t.Errorf("message.corrected detail %s", e.Detail)
				}
				if _, dup := audited[detail.ID]; dup {
					t.Errorf("correction %d audited twice", detail.ID)
				}
				audited[detail.ID] = e.Actor
			case "corrections.learned":
				learned++
			}
		}
		for _, cr := range corrections {
			if want := fmt.Sprintf("user:%d", cr.UserID); audited[cr.ID] != want {
				t.Errorf("correction %d audited as %q, want %q", cr.ID, audited[cr.ID], want)
			}
		}
		if len(audited) != len(corrections) || learned != 1 {
			t.Errorf("%d corrections audited (want %d), %d corrections.learned (want 1)", len(audited), len(corrections), learned)
		}
		list, err := c.d.Corrections(ctx, desk.CorrectionQuery{Kind: desk.CorrectAngrier})
		if err != nil || len(list) != len(corrections) || list[0].ID < list[1].ID || list[0].Note != "sarcasm" {
			t.Errorf("Corrections = %d rows, %v", len(list), err)
		}
		if again, err := c.d.LearnCorrections(ctx); err != nil || again.Trained || !strings.Contains(again.Skipped, "since the last model") {
			t.Errorf("relearning with nothing new = %+v, %v", again, err)
		}
	})
}

// Customers of a town council's waste service threaten to shame it on
// "Millbrook Matters", the town's community page that half the town reads;
// the engine does not know that as going public. Agents mark "missed
// signal: public exposure".
var neighbourhood = []string{
	"If my bins are skipped again this goes on Millbrook Matters with photos.",
	"Third missed collection. I'm posting the lot on Millbrook Matters tonight.",
	"Half of Millbrook Matters already knows about your bin crews, want the other half to?",
	"Sort the recycling out or I'll share this whole thread on Millbrook Matters.",
	"Millbrook Matters will hear how you've left Orchard Close with overflowing bins for a fortnight.",
	"I've drafted a post for Millbrook Matters about the garden waste fiasco, it goes up Friday.",
	"Everyone on Millbrook Matters is asking why our street gets skipped. Shall I tell them?",
	"The Millbrook Matters admins said they'd pin my post about your collections if I send it.",
	"Keep ignoring me and the screenshots of your replies go straight onto Millbrook Matters.",
	"Our whole road is on Millbrook Matters and I'm about to tell them all how this went.",
}

// newNeighbourhood are new threats of the same kind.
var newNeighbourhood = []string{
	"Two weeks of bins on the pavement. Millbrook Matters gets the photos tonight.",
	"I'll be putting your reply up on Millbrook Matters so everyone can see it.",
	"Fix the food waste collection or my next post on Millbrook Matters is about you.",
}

// TestAHandfulOfCorrectionsChangesNothing: four corrections from two
// people, or eight from one, teach the desk nothing.
func TestAHandfulOfCorrectionsChangesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := &corrDesk{t: t, d: newDesk(t, db)}
		sam := mustUser(t, c.d, "sam@broadband.example", desk.RoleAgent)
		ana := mustUser(t, c.d, "ana@broadband.example", desk.RoleAgent)
		for _, text := range everyday {
			c.ingest(text)
		}
		for i, text := range deadpan[:4] {
			who := sam
			if i%2 == 1 {
				who = ana
			}
			c.correct(who, c.ingest(text).MessageID, desk.CorrectionInput{Kind: desk.CorrectAngrier})
		}
		for _, text := range neighbourhood[:8] {
			c.correct(sam, c.ingest(text).MessageID, desk.CorrectionInput{Kind: desk.CorrectMissedSignal, Signal: analyze.SignalPublicExposure})
		}
		got, err := c.d.LearnCorrections(ctx)
		if err != nil || got.Trained || got.Model != nil || !strings.Contains(got.Skipped, "once 5 messages were corrected that way by 2 people") {
			t.Fatalf("LearnCorrections = %+v, %v", got, err)
		}
		st, err := c.d.CorrectionLearningStatus(ctx)
		if err != nil || st.Model != nil || len(st.Kinds) != 2 || st.Since != 12 {
			t.Fatalf("status = %+v, %v", st, err)
		}
		if k := st.Kinds[0]; k.Correction != desk.CorrectAngrier || k.Messages != 4 || k.People != 2 || k.Applies ||
			k.Why != "needs 5 corrected messages from 2 people; has 4 from 2" {
			t.Errorf("angrier = %+v", k)
		}
		if k := st.Kinds[1]; k.Correction != desk.CorrectMissedSignal || k.Signal != analyze.SignalPublicExposure || k.Messages != 8 || k.People != 1 || k.Applies {
			t.Errorf("missed public exposure = %+v", k)
		}
		for _, text := range append(slices.Clone(newDeadpan), newNeighbourhood...) {
			engine, _ := testAnalyzer.Read(text)
			if r := c.ingest(text).Reading; r.Anger != engine.Anger || len(r.Signals) != len(engine.Signals) || learnedReason(r) != nil {
				t.Errorf("%q changed: %+v", text, r)
			}
		}
	})
}

// TestAgentsTeachTheDeskAMissedSignal: after agents mark neighbourhood
// threats as going public, new ones carry the signal, with the words that
// raised it, and escalate like any public-exposure threat.
func TestAgentsTeachTheDeskAMissedSignal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := &corrDesk{t: t, d: newDesk(t, db)}
		sam := mustUser(t, c.d, "sam@council.example", desk.RoleAgent)
		ana := mustUser(t, c.d, "ana@council.example", desk.RoleAgent)
		for _, text := range everyday {
			c.ingest(text)
		}
		for i, text := range neighbourhood {
			res := c.ingest(text)
			if slices.Contains(signalsOf(res.Reading), analyze.SignalPublicExposure) {
				t.Fatalf("%q already reads as going public: the test needs the engine to miss it", text)
			}
			who := sam
			if i%2 == 1 {
				who = ana
			}
			c.correct(who, res.MessageID, desk.CorrectionInput{Kind: desk.CorrectMissedSignal, Signal: analyze.SignalPublicExposure})
		}
		got, err := c.d.LearnCorrections(ctx)
		if err != nil || !got.Trained || len(got.Model.Adjusters) != 1 || !got.Model.Adjusters[0].Applies {
			t.Fatalf("LearnCorrections = %+v, %v", got.Model, err)
		}
		a := got.Model.Adjusters[0]
		t.Logf("missed public exposure: out of fold %d/%d added, %d/%d falsely", a.Adjusted, a.Messages, a.Falsely, a.Compared)
		added := 0
		for _, text := range newNeighbourhood {
			res := c.ingest(text)
			i := slices.IndexFunc(res.Reading.Signals, func(s analyze.Signal) bool { return s.Kind == analyze.SignalPublicExposure })
			if i < 0 {
				t.Logf("not added: %q", text)
				continue
			}
			added++
			s := res.Reading.Signals[i]
			if s.Start < 0 || s.End > len(text) || text[s.Start:s.End] != s.Text || s.Text == "" {
				t.Errorf("signal span %+v in %q", s, text)
			}
			why := learnedReason(res.Reading)
			if why == nil || why.Text != fmt.Sprintf("agents corrected %d similar messages as missing the signal %q: added", len(neighbourhood), "public exposure") {
				t.Errorf("reason = %+v", why)
			}
			cs, err := c.d.Case(ctx, res.CaseID)
			if err != nil || cs.Status != desk.StatusEscalated || !slices.Contains(cs.Signals, analyze.SignalPublicExposure) {
				t.Errorf("case = %s %v, %v", cs.Status, cs.Signals, err)
			}
		}
		if added != len(newNeighbourhood) {
			t.Errorf("%d of %d new threats carry the signal", added, len(newNeighbourhood))
		}
		for _, text := range unrelated {
			engine, _ := testAnalyzer.Read(text)
			if r := c.ingest(text).Reading; len(r.Signals) != len(engine.Signals) || learnedReason(r) != nil {
				t.Errorf("unrelated %q changed: %+v", text, r.Signals)
			}
		}
	})
}

func signalsOf(r analyze.Reading) []string {
	var out []string
	for _, s := range r.Signals {
		out = append(out, s.Kind)
	}
	return out
}

// TestCorrectionRules: who may correct what, what is refused, and the
// coach's findings and promises.
func TestCorrectionRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := newDesk(t, db)
		sam := mustUser(t, d, "sam@broadband.example", desk.RoleAgent)
		ana := mustUser(t, d, "ana@broadband.example", desk.RoleSupervisor)
		trainee := mustUser(t, d, "tom@broadband.example", desk.RoleTrainee)
		calm, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "a@example.net", Text: "Can you send me a copy of my last three bills?"})
		if err != nil {
			t.Fatal(err)
		}
		hot, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "dana@example.net", CustomerName: "Dana",
			Text: "This is the third time I write about my broken router and nobody has answered. Please sort it out."})
		if err != nil || hot.Reading.Level != analyze.Angry {
			t.Fatalf("the router complaint reads %s, %v: the test needs it angry", hot.Reading.Level, err)
		}
		var forbidden *desk.ForbiddenError
		var invalid *desk.ValidationError
		var conflict *desk.ConflictError
		for _, id := range []int64{calm.MessageID, 99999} {
			if _, _, err := d.Correct(ctx, trainee, id, desk.CorrectionInput{Kind: desk.CorrectAngrier}); !errors.As(err, &forbidden) || forbidden.Permission != desk.PermCorrectionsWrite {
				t.Errorf("trainee correcting message %d: %v", id, err)
			}
		}
		if _, _, err := d.Correct(ctx, sam, 99999, desk.CorrectionInput{Kind: desk.CorrectAngrier}); !errors.Is(err, desk.ErrNotFound) {
			t.Errorf("no such message: %v", err)
		}
		for _, tc := range []struct {
			id    int64
			in    desk.CorrectionInput
			field string
		}{
			{calm.MessageID, desk.CorrectionInput{Kind: "wrong"}, "kind"},
			{calm.MessageID, desk.CorrectionInput{Kind: desk.CorrectNotAngry}, "kind"},
			{calm.MessageID, desk.CorrectionInput{Kind: desk.CorrectMissedSignal}, "signal"},
			{calm.MessageID, desk.CorrectionInput{Kind: desk.CorrectMissedSignal, Signal: "bored"}, "signal"},
			{calm.MessageID, desk.CorrectionInput{Kind: desk.CorrectAngrier, Signal: analyze.SignalChurnThreat}, "signal"},
			{calm.MessageID, desk.CorrectionInput{Kind: desk.CorrectWrongSignal, Signal: analyze.SignalChurnThreat}, "signal"},
			{hot.MessageID, desk.CorrectionInput{Kind: desk.CorrectMissedSignal, Signal: analyze.SignalRepeatContact}, "signal"},
			{calm.MessageID, desk.CorrectionInput{Kind: desk.CorrectNotFinding, Rule: "deflection"}, "kind"},
			{calm.MessageID, desk.CorrectionInput{Kind: desk.CorrectAngrier, Note: strings.Repeat("x", 501)}, "note"},
		} {
			_, _, err := d.Correct(ctx, sam, tc.id, tc.in)
			if !errors.As(err, &invalid) || invalid.Fields[tc.field] == "" {
				t.Errorf("%+v: %v, want a complaint about %s", tc.in, err, tc.field)
			}
		}
		// One person says one thing about the anger of a message; another
		// may disagree.
		c, created, err := d.Correct(ctx, sam, hot.MessageID, desk.CorrectionInput{Kind: desk.CorrectAngrier})
		if err != nil || !created || c.CaseID != hot.CaseID || !strings.Contains(string(c.Shown), `"level":"`) {
			t.Fatalf("angrier: %+v %v", c, err)
		}
		if _, _, err := d.Correct(ctx, sam, hot.MessageID, desk.CorrectionInput{Kind: desk.CorrectNotAngry}); !errors.As(err, &conflict) {
			t.Errorf("sam says the opposite: %v", err)
		}
		if _, created, err := d.Correct(ctx, ana, hot.MessageID, desk.CorrectionInput{Kind: desk.CorrectNotAngry}); err != nil || !created {
			t.Errorf("ana disagrees: %v", err)
		}
		w, _, err := d.Correct(ctx, sam, hot.MessageID, desk.CorrectionInput{Kind: desk.CorrectWrongSignal, Signal: analyze.SignalRepeatContact, Note: "first time they wrote"})
		if err != nil || w.Signal != analyze.SignalRepeatContact || !strings.Contains(string(w.Shown), "third time") {
			t.Errorf("wrong signal: %+v %v", w, err)
		}

		// The coach's findings and promises, on a sent reply.
		reply, err := d.Reply(ctx, sam, desk.ReplyInput{CaseID: hot.CaseID,
			Text: "Hi Dana, sorry for the trouble. That's our policy, I'm afraid. I will send you a new router by Friday."})
		if err != nil || reply.Review == nil || len(reply.Promises) != 1 {
			t.Fatalf("reply: %+v, %v", reply, err)
		}
		rules := map[string]bool{}
		for _, f := range reply.Review.Findings {
			rules[f.Rule] = true
		}
		if !rules["deflection"] {
			t.Fatalf("the coach found %v, the test needs deflection", rules)
		}
		if _, _, err := d.Correct(ctx, sam, reply.Message.ID, desk.CorrectionInput{Kind: desk.CorrectNotFinding, Rule: "blame"}); !errors.As(err, &invalid) || invalid.Fields["rule"] == "" {
			t.Errorf("not a finding it made: %v", err)
		}
		if _, _, err := d.Correct(ctx, sam, reply.Message.ID, desk.CorrectionInput{Kind: desk.CorrectAngrier}); !errors.As(err, &invalid) {
			t.Errorf("a reading correction on a reply: %v", err)
		}
		f, created, err := d.Correct(ctx, sam, reply.Message.ID, desk.CorrectionInput{Kind: desk.CorrectNotFinding, Rule: "deflection"})
		if err != nil || !created || f.Rule != "deflection" || !strings.Contains(string(f.Shown), "policy") {
			t.Errorf("not deflection: %+v %v", f, err)
		}
		p, created, err := d.Correct(ctx, ana, reply.Message.ID, desk.CorrectionInput{Kind: desk.CorrectNotPromise})
		if err != nil || !created || p.PromiseID != reply.Promises[0].ID {
			t.Fatalf("not a promise: %+v %v", p, err)
		}
		promises, err := d.Promises(ctx, desk.PromiseQuery{CaseID: hot.CaseID})
		if err != nil || len(promises) != 1 || promises[0].Status != "cancelled" || !strings.Contains(promises[0].Note, "not a promise") {
			t.Errorf("the promise after 'not a promise': %+v %v", promises, err)
		}
		if again, created, err := d.Correct(ctx, ana, reply.Message.ID, desk.CorrectionInput{Kind: desk.CorrectNotPromise, PromiseID: p.PromiseID}); err != nil || created || again.ID != p.ID {
			t.Errorf("not a promise again: %+v %v %v", again, created, err)
		}

		list, err := d.Corrections(ctx, desk.CorrectionQuery{CaseID: hot.CaseID})
		if err != nil || len(list) != 5 {
			t.Fatalf("corrections on the case: %d, %v", len(list), err)
		}
		events, err := d.AuditLog(ctx, hot.CaseID, 0)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range events {
			if e.Action == "message.corrected" || e.Action == "promise.cancelled" {
				actions = append(actions, e.Action+" "+e.Actor)
			}
		}
		want := []string{
			fmt.Sprintf("message.corrected user:%d", sam.ID), fmt.Sprintf("message.corrected user:%d", ana.ID),
			fmt.Sprintf("message.corrected user:%d", sam.ID), fmt.Sprintf("message.corrected user:%d", sam.ID),
			fmt.Sprintf("message.corrected user:%d", ana.ID), fmt.Sprintf("promise.cancelled user:%d", ana.ID),
		}
		if !slices.Equal(actions, want) {
			t.Errorf("audit = %v\nwant %v", actions, want)
		}
	})
}
