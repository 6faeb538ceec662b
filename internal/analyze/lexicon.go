package analyze

import (
	_ "embed"
	"strconv"
	"strings"
)

// vaderTSV is the token and mean-valence columns of the VADER lexicon (MIT,
// see data/VADER-LICENSE).
//
//go:embed data/vader.tsv
var vaderTSV string

// Word lists behind the cue features and the reasons. They are part of the
// emotion model's features: changing them means retraining.
var (
	negationWords = []string{"not", "no", "never", "nothing", "nobody", "none", "nowhere", "neither", "nor", "cannot",
		"don't", "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't", "won't", "wouldn't", "can't",
		"couldn't", "shouldn't", "haven't", "hasn't", "hadn't", "dont", "doesnt", "didnt", "isnt", "wasnt",
		"wont", "cant", "couldnt", "havent", "hasnt", "without"}
	profanityWords = []string{"fuck", "fucking", "fucked", "fuckin", "fucks", "motherfucker", "shit", "shitty", "bullshit",
		"crap", "crappy", "damn", "damned", "goddamn", "wtf", "ffs", "stfu", "ass", "asshole", "assholes", "bitch",
		"bastard", "bastards", "piss", "pissed", "hell", "effing", "frigging", "freaking", "bloody", "dick", "screw", "screwed"}
	insultWords = []string{"idiot", "idiots", "idiotic", "moron", "morons", "moronic", "stupid", "incompetent", "useless",
		"pathetic", "clown", "clowns", "scam", "scammers", "scammer", "thieves", "thief", "liar", "liars", "crooks",
		"clueless", "dumb", "disgrace", "amateurs", "amateur", "fraud", "fraudsters", "criminals", "cowboys", "imbecile", "imbeciles"}
	youWords = []string{"you", "your", "you're", "yours", "yourself", "yourselves", "youre", "ur", "u"}
)

// newLexicon builds the lexicon from the embedded VADER file and word lists.
func newLexicon() *lexicon {
	lx := &lexicon{words: make(map[uint64]*wordInfo, 9000)}
	for line := range strings.SplitSeq(vaderTSV, "\n") {
		tok, val, ok := strings.Cut(line, "\t")
		if !ok || strings.ContainsAny(tok, " ") || tok == "" || !isWordByte(tok[0]) {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(val), 32)
		if err != nil {
			continue
		}
		wi := lx.info(wordHash(tok))
		wi.valence = float32(v)
		wi.kind |= lexValence
	}
	for _, set := range []struct {
		words []string
		kind  uint8
	}{
		{negationWords, lexNegation},
		{profanityWords, lexProfanity},
		{insultWords, lexInsult},
		{youWords, lexYou},
	} {
		for _, w := range set.words {
			lx.info(wordHash(w)).kind |= set.kind
		}
	}
	for w, n := range numberWords {
		wi := lx.info(wordHash(w))
		wi.classes |= 1 << classCount
		wi.number = n
	}
	for w, n := range ordinalWords {
		wi := lx.info(wordHash(w))
		wi.classes |= 1 << classOrdinal
		wi.number = n
	}
	for w := range unitWords {
		lx.info(wordHash(w)).classes |= 1 << classUnit
	}
	lx.addPatterns()
	for _, set := range []map[uint64]bool{keysOf(idKeywords), keysOf(weekdays), relativeDays, relativeMods, keysOf(monthNames)} {
		for h := range set {
			lx.info(h).kind |= lexEntity
		}
	}
	for _, wi := range lx.words {
		if wi.classes&(1<<classCount|1<<classOrdinal) != 0 {
			wi.kind |= lexEntity
		}
	}
	lx.info(hTwice).kind |= lexEntity
	for h := range firstToSecond {
		lx.info(h).kind |= lexSwap
	}
	for _, h := range []uint64{hYou, hU, hAm, hWas} {
		lx.info(h).kind |= lexSwap
	}
	lx.freeze()
	return lx
}

func keysOf[V any](m map[uint64]V) map[uint64]bool {
	out := make(map[uint64]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}

// freeze moves the words into an open-addressing table: one probe per word
// at run time instead of a map look-up.
func (lx *lexicon) freeze() {
	lx.table = newWordTable(len(lx.words))
	lx.list = make([]*wordInfo, 0, len(lx.words))
	for h, wi := range lx.words {
		lx.table.put(h, int32(len(lx.list)))
		lx.list = append(lx.list, wi)
	}
}
