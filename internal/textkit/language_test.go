package textkit

import "testing"

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
		{"order 注文 status please", "en"}, // mostly Latin letters
	} {
		if got := Language(tc.in, WordHashes(Words(tc.in, nil))); got != tc.want {
			t.Errorf("Language(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestBlankMarkup(t *testing.T) {
	for _, tc := range []struct {
		in    string
		looks bool
		want  string
	}{
		{"a < b and c > d", false, "a             d"}, // blanked only when it looks like markup
		{"<p>Hi &amp; bye</p>", true, "   Hi       bye    "},
		{"<p>one</p>\n<p>two</p>", true, "   one    \n   two    "},
		{"x<script>var a = '<b>';</script>y", true, "x                               y"},
		{"<b>unclosed", true, "   unclosed"},
		{"tom & jerry; ok", false, "tom          ok"}, // an entity is & to ; within 10 bytes
	} {
		if got := LooksLikeMarkup(tc.in); got != tc.looks {
			t.Errorf("LooksLikeMarkup(%q) = %v, want %v", tc.in, got, tc.looks)
		}
		got := BlankMarkup(tc.in)
		if got != tc.want {
			t.Errorf("BlankMarkup(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if len(got) != len(tc.in) {
			t.Errorf("BlankMarkup(%q) changed the length", tc.in)
		}
	}
}
