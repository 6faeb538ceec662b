package training

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
)

var sim = NewSimulator()

func play(t *testing.T, id string, seed uint64, replies ...string) *Session {
	t.Helper()
	sc, err := sim.Library.Scenario(id)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sim.Start(sc, seed)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range replies {
		if s.Done {
			break
		}
		if _, err := sim.Reply(s, r); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func TestBuiltinLibrary(t *testing.T) {
	lib := Builtin()
	if len(lib.Scenarios) < 20 {
		t.Errorf("%d scenarios, want at least 20", len(lib.Scenarios))
	}
	industries := map[string]bool{}
	temperaments := map[string]bool{}
	for _, s := range lib.Scenarios {
		industries[s.Industry] = true
		temperaments[s.Persona.Temperament] = true
		for _, rule := range s.Inflames {
			if r := sim.Coach.Playbook().Rule(rule); r == nil || r.Kind != "pitfall" {
				t.Errorf("%s: inflames %q, not a pitfall of the playbook", s.ID, rule)
			}
		}
		for _, step := range s.Satisfies {
			if sim.Coach.Playbook().Step(step) == nil {
				t.Errorf("%s: satisfies %q, not a step of the playbook", s.ID, step)
			}
		}
	}
	for _, want := range []string{"retail", "telecom", "travel", "banking", "SaaS", "utilities", "food delivery"} {
		if !industries[want] {
			t.Errorf("no %s scenario", want)
		}
	}
	for _, want := range Temperaments {
		if !temperaments[want] {
			t.Errorf("no %s persona", want)
		}
	}
	if _, err := lib.Scenario("nope"); err == nil {
		t.Error("an unknown scenario was found")
	}
}

func TestParseRefusesBrokenScenarios(t *testing.T) {
	var lib Library
	if err := json.Unmarshal(builtinJSON, &lib); err != nil {
		t.Fatal(err)
	}
	lib.Scenarios[0].EscalateAt = 10
	lib.Scenarios[1].Concerns = nil
	lib.Scenarios[2].ID = lib.Scenarios[3].ID
	data, _ := json.Marshal(lib)
	_, err := Parse(data)
	if err == nil {
		t.Fatal("a broken library parsed")
	}
	for _, want := range []string{"escalate_at", "at least one concern", "duplicate id"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

const goodParcel = "Hi Dana, I'm so sorry your parcel is late; I can see how frustrating that is after paying for express. " +
	"I've refunded the express fee today and I've asked the courier to trace it; I'll email you the tracking by 5pm tomorrow."

func TestGoodReplyResolves(t *testing.T) {
	s := play(t, "retail-late-parcel", 1, goodParcel)
	if !s.Done || s.Outcome != Resolved {
		t.Fatalf("outcome %q done %v after a good reply; state %+v, customer %q", s.Outcome, s.Done, s.State, s.Last)
	}
	card := sim.Score(s)
	if card.Score < 70 || len(card.Pitfalls) != 0 || card.AngerCurve[1] >= card.AngerCurve[0] {
		t.Errorf("scorecard %+v", card)
	}
}

func TestBadReplyEscalates(t *testing.T) {
	bad := "Calm down. It's not our fault, the courier lost it. We'll look into it soon."
	s := play(t, "retail-late-parcel", 1, bad, bad, bad)
	if s.Outcome != Escalated && s.Outcome != Lost {
		t.Fatalf("outcome %q after bad replies; anger %d", s.Outcome, s.State.Anger)
	}
	card := sim.Score(s)
	words := []string{}
	for _, p := range card.Pitfalls {
		words = append(words, strings.ToLower(p.Words))
	}
	if !slices.Contains(words, "calm down") {
		t.Errorf("pitfalls %v do not quote \"calm down\"", card.Pitfalls)
	}
}

// TestNoPitfallPays: on every scenario, a reply with "calm down" (or another
// pitfall) added never leaves the customer calmer or the score higher.
func TestNoPitfallPays(t *testing.T) {
	additions := []string{" Please calm down.", " Calm down, it's not a big deal.", " To be fair, you should have read the terms."}
	for _, sc := range sim.Library.Scenarios {
		good := goodReplyFor(sc)
		base := play(t, sc.ID, 7, good)
		baseCard := sim.Score(base)
		for _, add := range additions {
			for _, variant := range []string{good + add, strings.TrimSpace(add) + " " + good} {
				s := play(t, sc.ID, 7, variant)
				card := sim.Score(s)
				if s.State.Anger < base.State.Anger || (len(baseCard.Pitfalls) == 0 && s.State.Anger == base.State.Anger) || card.Score >= baseCard.Score {
					t.Errorf("%s: %q: anger %d (good %d), score %d (good %d)", sc.ID, variant, s.State.Anger, base.State.Anger, card.Score, baseCard.Score)
				}
				if s.Outcome == Resolved {
					t.Errorf("%s: %q resolved", sc.ID, variant)
				}
			}
		}
	}
}

// goodReplyFor builds a decent reply from the scenario's own concern cues.
func goodReplyFor(sc Scenario) string {
	first := strings.Fields(sc.Persona.Name)[0]
	var b strings.Builder
	b.WriteString("Hi " + first + ", I'm so sorry about this; I can see how frustrating it has been. ")
	for _, c := range sc.Concerns {
		cue := strings.TrimSuffix(c.Cues[0], "*")
		b.WriteString("I've arranged the " + cue + " for you myself today. ")
	}
	b.WriteString("I'll email you by 5pm tomorrow to confirm it's all done.")
	return b.String()
}

func TestDeterministicPerSeed(t *testing.T) {
	replies := []string{"We are looking into it.", "Sorry, it should come soon.", goodParcel}
	a := play(t, "retail-late-parcel", 42, replies...)
	b := play(t, "retail-late-parcel", 42, replies...)
	if !reflect.DeepEqual(a, b) {
		t.Error("the same seed and replies gave different sessions")
	}
	differ := false
	for seed := uint64(1); seed < 20 && !differ; seed++ {
		c := play(t, "retail-late-parcel", seed, replies...)
		differ = c.Last != a.Last || c.State.Anger != a.State.Anger
	}
	if !differ {
		t.Error("no seed changed anything")
	}
}

func TestFinishedSessionRefusesReplies(t *testing.T) {
	s := play(t, "retail-late-parcel", 1, goodParcel)
	if _, err := sim.Reply(s, "more"); err != ErrFinished {
		t.Errorf("reply after the end: %v", err)
	}
	s2 := play(t, "retail-late-parcel", 1)
	if _, err := sim.Reply(s2, "  "); err != ErrEmptyReply {
		t.Errorf("empty reply: %v", err)
	}
}
