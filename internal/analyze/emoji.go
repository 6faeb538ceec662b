package analyze

import "unicode/utf8"

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
		for i+8 <= len(text) && word8(text[i:i+8])&0x8080808080808080 == 0 {
			i += 8
		}
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

// word8 is the first eight bytes of s as one little-endian word (the
// compiler makes it one load).
func word8(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}
