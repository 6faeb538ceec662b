package analyze

import (
	"unicode/utf8"

	"github.com/calmdesk/calmdesk/internal/textkit"
)

// mood is what an emoji says about its writer, for the rules.
type mood uint8

const (
	moodNone    mood = iota
	moodAngry        // 😡 🤬: anger, counted like shouting
	moodEyeRoll      // 🙄 🙃 😒: sarcasm when said of a problem
	moodSad          // 😢 😞: a feeling, not anger
	moodHappy        // 😊 👍: softens, as thanks do
)

var emojiMoods = map[rune]mood{
	'😡': moodAngry, '😠': moodAngry, '🤬': moodAngry, '😤': moodAngry, '👿': moodAngry, '💢': moodAngry, '🖕': moodAngry,
	'🙄': moodEyeRoll, '🙃': moodEyeRoll, '😒': moodEyeRoll, '🤦': moodEyeRoll,
	'😢': moodSad, '😞': moodSad, '😔': moodSad, '😕': moodSad, '☹': moodSad, '🙁': moodSad, '😭': moodSad,
	'😟': moodSad, '😩': moodSad, '😫': moodSad, '😥': moodSad, '😓': moodSad, '💔': moodSad,
	'😊': moodHappy, '😀': moodHappy, '😃': moodHappy, '😄': moodHappy, '😁': moodHappy, '🙂': moodHappy,
	'😍': moodHappy, '🥰': moodHappy, '👍': moodHappy, '🙏': moodHappy, '❤': moodHappy, '💙': moodHappy,
	'💚': moodHappy, '💜': moodHappy, '🧡': moodHappy, '💛': moodHappy, '🥂': moodHappy, '🎉': moodHappy,
	'🥳': moodHappy, '😌': moodHappy, '🤩': moodHappy,
}

type emojiAt struct {
	mood       mood
	start, end int
}

// findEmoji appends the emoji of text that carry a mood to out, in order.
// Text without any byte of a 3- or 4-byte UTF-8 sequence is skipped at once.
func findEmoji(text string, out []emojiAt) []emojiAt {
	for i := 0; i < len(text); {
		// Eight ASCII bytes at a time: most text has no emoji at all.
		i = textkit.SkipASCIIBlocks(text, i)
		if i >= len(text) {
			break
		}
		c := text[i]
		if c < 0xe2 {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		if m := emojiMoods[r]; m != moodNone {
			out = append(out, emojiAt{m, i, i + n})
		}
		i += n
	}
	return out
}
