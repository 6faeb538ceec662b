package textkit

import (
	"strings"
	"testing"
)

func TestLanguage(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"refund NOW", "en"},
		{"Where is my parcel? I have been waiting for two weeks.", "en"},
		{"12345 678", "und"},
		{"", "und"},
		{"Hola, mi pedido no ha llegado y necesito una respuesta por favor", "es"},
		{"Bonjour, je n'ai pas reçu ma commande et je suis très déçu", "fr"},
		{"Hallo, meine Bestellung ist noch nicht da, bitte helfen Sie mir", "de"},
		{"Olá, o meu pedido ainda não chegou, obrigado", "pt"},
		{"Ciao, il mio ordine non è arrivato, grazie", "it"},
		{"Hallo, mijn bestelling is nog niet aangekomen, dank", "nl"},
		{"Здравствуйте, мой заказ не пришёл", "ru"},
		{"注文した商品がまだ届いていません", "ja"},
		{"我的订单还没有到", "zh"},
		{"주문한 상품이 아직 도착하지 않았습니다", "ko"},
		{"Hola amigo", "en"}, // one function word is no proof
		{"My order from café Zürich never came", "en"},
		{"order 注文 status please", "en"},         // mostly Latin letters
		{strings.Repeat("1 ", 250) + "ok", "en"}, // a word with a letter after 200 numbers
		{strings.Repeat("the ", 5) + strings.Repeat("x ", 200) + "y el la que es para por", "en"}, // only the first 200 words count
		{strings.Repeat("y el que es para por ", 40) + "the the the", "es"},
	} {
		ws := Words(tc.in, nil)
		got := Language(tc.in, len(ws), func(i int) (uint64, bool) { return ws[i].Hash, ws[i].Flags&WordNumber != 0 })
		if got != tc.want {
			t.Errorf("Language(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := LanguageOfText(tc.in); got != tc.want {
			t.Errorf("LanguageOfText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSkipASCIIBlocks(t *testing.T) {
	for _, tc := range []struct {
		in   string
		from int
		want int
	}{
		{"", 0, 0},
		{"short", 0, 0},                    // fewer than eight bytes: byte by byte
		{"0123456789abcdef", 0, 16},        // all ASCII: to the end
		{"0123456789abcdefXYZ", 0, 16},     // the last three go byte by byte
		{"01234567é0123456789", 0, 8},      // stops at the block with é
		{"0123é5670123456789abcdef", 0, 0}, // é in the first block
		{"0123é5670123456789abcdef", 6, 22},
	} {
		if got := SkipASCIIBlocks(tc.in, tc.from); got != tc.want {
			t.Errorf("SkipASCIIBlocks(%q, %d) = %d, want %d", tc.in, tc.from, got, tc.want)
		}
	}
}
