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
		if got := LanguageOfWords(tc.in, Words(tc.in, nil)); got != tc.want {
			t.Errorf("Language(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
