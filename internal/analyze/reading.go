// Package analyze reads a customer message for anger, its reasons, the
// customer's concerns and the signals that matter for escalation. It is pure:
// text in, Reading out, no I/O; its models are embedded in the binary.
package analyze

// Level names the anger band a score falls in.
type Level string

// Anger levels, from calm to furious.
const (
	Calm    Level = "calm"
	Annoyed Level = "annoyed"
	Angry   Level = "angry"
	Furious Level = "furious"
)

// Reading is what calmdesk knows about one customer message. Offsets (Start,
// End) are byte offsets into the text that was read. The JSON names are part
// of the public API contract.
type Reading struct {
	// Language is the detected language ("en"); Supported is false when the
	// engine cannot read it, and then the scores are zero and say nothing.
	Language  string `json:"language"`
	Supported bool   `json:"supported"`

	Anger int   `json:"anger"` // 0-100; 50 means a careful human would call it angry or annoyed
	Level Level `json:"level"`
	Angry bool  `json:"angry"` // annoyed, angry or furious

	Emotions map[string]float64 `json:"emotions"` // label -> probability
	Labels   []string           `json:"labels"`   // emotions the model asserts

	Sentiment      string  `json:"sentiment"` // negative|neutral|positive
	SentimentScore float64 `json:"sentiment_score"`
	Complaint      bool    `json:"complaint"`

	Reasons  []Reason  `json:"reasons"`
	Concerns []Concern `json:"concerns"`
	Signals  []Signal  `json:"signals"`
	Category string    `json:"category"`
	// CategoryScore is the category model's confidence in Category, 0-1.
	CategoryScore float64    `json:"category_score,omitempty"`
	Sentences     []Sentence `json:"sentences"`
}

// Reason is one piece of evidence behind the anger score.
type Reason struct {
	Kind   string  `json:"kind"` // word, phrase, problem, caps, exclamation, profanity, insult, sarcasm, negation, emoji
	Text   string  `json:"text"`
	Start  int     `json:"start"`
	End    int     `json:"end"`
	Weight float64 `json:"weight"`
}

// Concern is one point the customer makes.
type Concern struct {
	Kind       string   `json:"kind"` // problem, request, question, expectation, feeling
	Text       string   `json:"text"`
	Start      int      `json:"start"`
	End        int      `json:"end"`
	Entities   []Entity `json:"entities"`
	Paraphrase string   `json:"paraphrase"` // second person: "you were charged twice for order 4471"
}

// Entity is a fact named in a concern.
type Entity struct {
	Kind  string `json:"kind"` // order_number, account_number, ticket_number, money, date, duration, count
	Text  string `json:"text"`
	Value string `json:"value"` // normalised: "4471", "59.90 USD", "P21D", "3"
	Start int    `json:"start"`
	End   int    `json:"end"`
}

// Signal is a cue that matters for routing and escalation.
type Signal struct {
	Kind  string `json:"kind"` // manager_request, legal_threat, regulator_complaint, chargeback, public_exposure, churn_threat, safety_issue, repeat_contact, long_wait, vulnerable_customer
	Text  string `json:"text"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

// Sentence is the score of one sentence, so a UI can highlight the hottest.
type Sentence struct {
	Start int `json:"start"`
	End   int `json:"end"`
	Anger int `json:"anger"`
}
