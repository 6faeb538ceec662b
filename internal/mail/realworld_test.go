package mail

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"unicode"
)

// The tests in this file are issue 15's points about reading real mail,
// one test per point, on fixtures in testdata/: messages written for
// calmdesk after real clients, and real messages from other projects'
// test suites in testdata/thirdparty (see its README for their sources
// and licences).

// realWorld is one expectation on a parsed fixture; empty fields are not
// checked.
type realWorld struct {
	file        string
	from        Address
	subject     string
	textHas     []string // in Text
	newText     string   // NewText exactly
	newHas      []string // in NewText
	newHasNot   []string // not in NewText
	attachments []string // file names, in order; nil: not checked
	attachTypes []string // content types, in order
	auto        AutoKind
	problem     string // a substring of one of Problems
}

func (tt realWorld) check(t *testing.T) {
	t.Helper()
	in := parseFixture(t, tt.file, Limits{})
	if tt.from != (Address{}) && in.From != tt.from {
		t.Errorf("From = %+v, want %+v", in.From, tt.from)
	}
	if tt.subject != "" && in.Subject != tt.subject {
		t.Errorf("Subject = %q, want %q", in.Subject, tt.subject)
	}
	for _, s := range tt.textHas {
		if !strings.Contains(in.Text, s) {
			t.Errorf("Text lacks %q:\n%s", s, in.Text)
		}
	}
	if tt.newText != "" && in.NewText != tt.newText {
		t.Errorf("NewText =\n%q\nwant\n%q", in.NewText, tt.newText)
	}
	for _, s := range tt.newHas {
		if !strings.Contains(in.NewText, s) {
			t.Errorf("NewText lacks %q:\n%s", s, in.NewText)
		}
	}
	for _, s := range tt.newHasNot {
		if strings.Contains(in.NewText, s) {
			t.Errorf("NewText still has %q:\n%s", s, in.NewText)
		}
	}
	if tt.attachments != nil {
		var names, types []string
		for _, a := range in.Attachments {
			names = append(names, a.Filename)
			types = append(types, a.ContentType)
			if a.Data == nil {
				t.Errorf("attachment %q has no data: %s", a.Filename, a.Omitted)
			}
		}
		if strings.Join(names, "|") != strings.Join(tt.attachments, "|") {
			t.Errorf("attachments %q, want %q", names, tt.attachments)
		}
		if tt.attachTypes != nil && strings.Join(types, "|") != strings.Join(tt.attachTypes, "|") {
			t.Errorf("attachment types %q, want %q", types, tt.attachTypes)
		}
	}
	if in.Automatic != tt.auto {
		t.Errorf("Automatic = %q (%s), want %q", in.Automatic, in.AutomaticReason, tt.auto)
	}
	if tt.problem != "" && !strings.Contains(strings.Join(in.Problems, "\n"), tt.problem) {
		t.Errorf("Problems %q lack %q", in.Problems, tt.problem)
	}
	for _, s := range []string{in.Text, in.NewText, in.Subject, in.From.Name} {
		if strings.ContainsRune(s, '\uFFFD') || strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) {
			t.Errorf("garbled: %q", s)
		}
	}
}

// Point 1: a base64 body on one line of 4,464 characters, as Gmail sends
// it, is read (over SMTP: TestSMTPServerAcceptsLongLines).
func TestParseLongLines(t *testing.T) {
	realWorld{
		file:    "gmail_long_line.eml",
		from:    Address{"Lena Vogt", "lena.vogt@gmail.com"},
		textHas: []string{"I am writing for the fourth time about order 88213", "take it back and refund me.\n\nLena Vogt"},
	}.check(t)
}

// Point 2: a part with a name, a non-text type or a disposition is an
// attachment even when its header does not parse cleanly, and its bytes
// never join the customer's text.
func TestParseMalformedAttachmentHeaders(t *testing.T) {
	for _, tt := range []realWorld{
		{ // filename=This is a test.txt, unquoted
			file:        "thirdparty/mikel__spec_fixtures_emails_attachment_emails_attachment_with_unquoted_name.eml",
			newText:     "This is the first part.",
			attachments: []string{"This is a test.txt"},
		},
		{ // name==?utf-8?B?…?=
			file:        "thirdparty/mikel__spec_fixtures_emails_attachment_emails_attachment_with_base64_encoded_name.eml",
			newHas:      []string{"We should not include these files or vcards as attachments."},
			attachments: []string{"This is a test.pdf"},
			attachTypes: []string{"application/pdf"},
		},
		{ // name=管理.doc in raw 8-bit
			file:        "thirdparty/enmime__testdata_mail_mime-bad-8bit-filename.raw",
			newText:     "Text part",
			attachments: []string{"管理.doc"},
			attachTypes: []string{"application/msword"},
		},
		{ // boundary=----=_NextPart_000_0093_01C81419.EB75E850, unquoted
			file:    "thirdparty/mikel__spec_fixtures_emails_mime_emails_raw_email_with_illegal_boundary.eml",
			newHas:  []string{"Hello"},
			textHas: []string{"Hello"},
		},
		{ // a part header fold broken ("name=…" unindented): the zip stays an attachment
			file:        "thirdparty/enmime__testdata_low-quality_bad-header-wrap.raw",
			newText:     "A text section",
			attachments: []string{"7DDA4_foo_9E5D72.zip"},
			attachTypes: []string{"application/x-zip-compressed"},
			problem:     "without a name joined to Content-Type",
		},
	} {
		t.Run(tt.file, tt.check)
	}
	for _, tt := range []struct{ in, name, want string }{
		{`attachment; filename*=ISO-8859-1''Eelanal%FC%FCsi%20p%E4ring.jpg`, "filename", "Eelanalüüsi päring.jpg"},
		{`attachment; filename*0*=utf-8''%E7%AE%A1; filename*1*=%E7%90%86; filename*2=".doc"`, "filename", "管理.doc"},
		{`text/plain; name="a.txt"; name="b.txt"`, "name", "a.txt"},
		{`multipart/mixed; boundary="unclosed`, "boundary", "unclosed"},
		{`multipart/alternative; boundary=----=_NextPart_000_0093_01C81419.EB75E850`, "boundary", "----=_NextPart_000_0093_01C81419.EB75E850"},
	} {
		if _, params := parseParams(tt.in); params[tt.name] != tt.want {
			t.Errorf("parseParams(%q)[%s] = %q, want %q", tt.in, tt.name, params[tt.name], tt.want)
		}
	}
	t.Run("alternatives are one message", func(t *testing.T) {
		raw := "From: a@b.example\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nHello.\r\n" +
			"--b\r\nContent-Type: text/watch-html\r\n\r\n<b>Hello.</b>\r\n--b\r\nContent-Type: text/plain\r\n\r\nHello again.\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>Hello.</p>\r\n--b--\r\n"
		in, err := ParseBytes([]byte(raw), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if in.Text != "Hello." || len(in.Attachments) != 0 || !strings.Contains(in.HTML, "<p>Hello.</p>") {
			t.Errorf("Text %q, HTML %q, attachments %+v", in.Text, in.HTML, in.Attachments)
		}
	})
	t.Run("binary in a text part", func(t *testing.T) {
		raw := "From: a@b.example\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSee the file.\r\n" +
			"--b\r\nContent-Type: text/plain\r\n\r\n\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x01\x02\x03\x04\x05\x06\x0e\x0f\x10\x11\x12\r\n--b--\r\n"
		in, err := ParseBytes([]byte(raw), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if in.Text != "See the file." || len(in.Attachments) != 1 || in.Attachments[0].ContentType != "application/octet-stream" {
			t.Errorf("Text %q, attachments %+v", in.Text, in.Attachments)
		}
	})
}

// Point 3: the only text part, inline with a file name (Netscape, some
// phones), is the body; a file name on a text part beside a body keeps it
// an attachment.
func TestParseInlineNamedTextIsTheBody(t *testing.T) {
	realWorld{
		file:        "netscape_inline_text.eml",
		newHas:      []string{"a fatura 5521 cobra duas vezes o mesmo serviço. Já liguei três vezes"},
		attachments: []string{"fatura.gif"},
	}.check(t)
	realWorld{
		file:        "thirdparty/mikel__spec_fixtures_emails_attachment_emails_attachment_with_unquoted_name.eml",
		newText:     "This is the first part.",
		attachments: []string{"This is a test.txt"},
	}.check(t)
}

// Point 4: raw 8-bit headers, encoded-words with raw 8-bit bytes, inside
// quoted display names, in UTF-7, split across words: all decoded.
func TestParseHeaderDecoding(t *testing.T) {
	in := parseFixture(t, "headers_8bit.eml", Limits{})
	if in.From != (Address{"Jürgen Müller", "j.mueller@contoso.example"}) {
		t.Errorf("From = %+v (raw Latin-1)", in.From)
	}
	if in.Subject != "Rückerstattung für Bestellung 4471 à régler" {
		t.Errorf("Subject = %q (encoded-words with raw UTF-8)", in.Subject)
	}
	if len(in.Cc) != 2 || in.Cc[0].Name != "François Lefèvre" || in.Cc[1].Name != "Björn Ström" {
		t.Errorf("Cc = %+v (quoted Windows-1252 word, UTF-7 word)", in.Cc)
	}
	if len(in.ReplyTo) != 1 || in.ReplyTo[0].Name != "Zé Ninguém" {
		t.Errorf("Reply-To = %+v (raw UTF-8)", in.ReplyTo)
	}
	for _, tt := range []struct {
		in   string
		want []Address
	}{
		{"Big Bug bb@bug.com", []Address{{"Big Bug", "bb@bug.com"}}},
		{"Bob Dunite <bob@extern> Bobby Dunite <bobby@extern>", []Address{{"Bob Dunite", "bob@extern"}, {"Bobby Dunite", "bobby@extern"}}},
		{"Smith, Ana <ana@example.com>", []Address{{"Smith, Ana", "ana@example.com"}}},
		{"Pete(A wonderful \\) chap) <pete(his account)@silly.test(his host)>", []Address{{"Pete", "pete@silly.test"}}},
	} {
		if got := parseAddressList(tt.in); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("parseAddressList(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
	for _, tt := range []struct{ in, want string }{
		{"=?utf-8?B?w6k=?==?utf-8?B?w6k=?=", "éé"},
		{"=?UTF-8?B?4oKs?= =?UTF-8?B?IDEw?=", "€ 10"},
		{"=?utf-8?B?4oI=?= =?utf-8?B?rA==?=", "€"}, // a character split across two words
		{"caf\xe9 =?iso-8859-1?q?cr=E8me?=", "café crème"},
		{"=?x-unknown?q?plain?=", "plain"},
		{"Re:=?utf-8?q?_f=C3=BCr?=", "Re: für"},
		{"=?utf-8*de?q?gr=C3=BC=C3=9Fe?=", "grüße"},
		{"=?utf-7?q?+AOk-t+AOk-?=", "été"},
	} {
		if got := decodeHeaderText(tt.in); got != tt.want {
			t.Errorf("decodeHeaderText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Point 8: quoted history in the forms Outlook/Hotmail's HTML, localised
// clients, Android, mail.ru and Yandex write it.
func TestStripQuotesRealClients(t *testing.T) {
	for _, tt := range []realWorld{
		{file: "thirdparty/talonhtmlwrap__hotmail.eml", newText: "Hi. I am fine.\n\nThanks,\nAlex"},
		{file: "thirdparty/talonhtmlwrap__mail_ru.eml", newText: "Hi. I am fine.\n\nThanks,\nAlex"},
		{file: "thirdparty/talonhtmlwrap__windows_mail.eml", newText: "Hi. I am fine.\n\nThanks,\nAlex"},
		{file: "thirdparty/talonhtmlwrap__yandex_ru.eml", newText: "Hi. I am fine.\n\nThanks,\nAlex"},
		{file: "thirdparty/talonhtmlwrap__ms_outlook_2010.eml", newText: "Hi. I am fine.\n\nThanks,\n\nAlex"},
		{file: "thirdparty/talon__tests_fixtures_standard_replies_android.eml", newText: "Hello"},
	} {
		t.Run(tt.file, tt.check)
	}
	for _, tt := range []struct{ name, in, want string }{
		{"hotmail date first", "Fine.\n\nDate: Thu, 26 Jun 2014 13:53:45 +0400\nSubject: Test\nFrom: a@x.example\nTo: b@x.example\n\nold", "Fine."},
		{"russian outlook", "Спасибо.\n\nОт: Иван <i@x.example>\nОтправлено: 26 июня 2014 г. 14:00\nКому: b@x.example\nТема: заказ\n\nold", "Спасибо."},
		{"german outlook", "Danke.\n\nVon: Sam <s@x.example>\nGesendet: Montag, 2. März 2026 17:40\nAn: Ich\nBetreff: x\n\nalt", "Danke."},
		{"french outlook", "Merci.\n\nDe : Sam <s@x.example>\nEnvoyé : lundi 2 mars 2026 17:40\nÀ : moi\nObjet : x\n\nvieux", "Merci."},
		{"spanish outlook", "Gracias.\n\nDe: Sam <s@x.example>\nEnviado: lunes, 2 de marzo de 2026 17:40\nPara: yo\nAsunto: x\n\nviejo", "Gracias."},
		{"dashed rule then block", "Reply\n\n ------------------------------\n\n*From:* Sam [mailto:s@x.example]\n*Sent:* Thursday\n*To:* me\n*Subject:* x\n\nold", "Reply"},
		{"yandex", "Ok.\n\n26.06.2014, 14:41, \"Sam\" <s@x.example>:\n> old", "Ok."},
		{"mail.ru", "Ok.\n\nThu, 26 Jun 2014 14:00:51 +0400 от Sam <s@x.example>:\n> old", "Ok."},
		{"android russian wrapped", "Ok\n02.04.2012 14:20 пользователь \"s@x.example\" <\ns@x.example> написал:\n\n> Hi", "Ok"},
		{"a date and an address in the text stay", "Call me on 02.04.2026 at 14:20, my mail is ana@x.example:\nthe order is 4471.", "Call me on 02.04.2026 at 14:20, my mail is ana@x.example:\nthe order is 4471."},
		{"list footer", "Oh thanks.\n\n-Abhishek\n\n_______________________________________________\nriak-users mailing list\nriak-users@lists.example.com", "Oh thanks.\n\n-Abhishek"},
		{"sent from my desk is words", "Here is another email\n\nSent from my desk, is much easier then my mobile phone.", "Here is another email\n\nSent from my desk, is much easier then my mobile phone."},
		{"sent from my several words", "Here\n\nSent from my Verizon Wireless BlackBerry", "Here"},
		{"carrier footer", "Test test. Hi.\n\n-------------------------------\nSent via Bell Mobility's Text Messaging service.", "Test test. Hi."},
		{"a from line and a date line alone stay", "From: Lisbon\nDate: tomorrow\nStill no parcel.", "From: Lisbon\nDate: tomorrow\nStill no parcel."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := StripQuotes(tt.in); got != tt.want {
				t.Errorf("StripQuotes(%q) =\n%q\nwant\n%q", tt.in, got, tt.want)
			}
		})
	}
}

// Point 9: automatic mail recognised by what it is, not by who it seems
// to come from; TNEF read.
func TestParseAutomaticRealWorld(t *testing.T) {
	for _, tt := range []realWorld{
		{file: "postmaster_person.eml", newHas: []string{"Please remove the\nwhole domain"}},
		{file: "yahoo_arf.eml", auto: Report},
		{file: "outlook_read_receipt.eml", auto: AutoReply, attachments: []string{}},
		{
			file:        "outlook_tnef_message.eml",
			newText:     "Hello,\n\nthe invoice for order 4471 charges the delivery twice (2 × 15 €). The corrected one is attached.\n\nGrüße,\nMarta Ortiz",
			attachments: []string{"Invoice 4471 corrected.pdf"},
			attachTypes: []string{"application/pdf"},
		},
	} {
		t.Run(tt.file, tt.check)
	}
	in := parseFixture(t, "outlook_tnef_message.eml", Limits{})
	if len(in.Attachments) == 1 && !strings.HasPrefix(string(in.Attachments[0].Data), "%PDF-1.4") {
		t.Errorf("PDF from winmail.dat = %q", in.Attachments[0].Data)
	}
}

// Point 10: a body said to be base64 that is plain text is kept as text;
// unlabelled 8-bit bytes are Windows-1252 (0x80 is €).
func TestParseWrongEncodings(t *testing.T) {
	for _, tt := range []realWorld{
		{
			file:    "base64_is_plain.eml",
			newText: "Hi, my account has been locked since yesterday and the reset link\nyou send me does not work. I have a delivery to schedule today!\n\nKarim",
			problem: "said to be base64 is not",
		},
		{
			file:    "cp1252_unlabelled.eml",
			subject: "Remboursement de 49 €",
			newHas:  []string{"vous m'avez promis un remboursement de 49 € le 2 mars. Toujours rien. “C'est en cours”, me dit-on."},
		},
	} {
		t.Run(tt.file, tt.check)
	}
	t.Run("UTF-16 text is text", func(t *testing.T) {
		raw := "From: a@b.example\r\nContent-Type: text/plain; charset=utf-16le\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
			"SABlAGwAbABvACwAIABtAHkAIABvAHIAZABlAHIAIABpAHMAIABsAGEAdABlAC4A\r\n"
		in, err := ParseBytes([]byte(raw), Limits{})
		if err != nil || in.Text != "Hello, my order is late." || len(in.Attachments) != 0 {
			t.Errorf("Text %q, attachments %d, err %v", in.Text, len(in.Attachments), err)
		}
	})
	t.Run("HTML without a Content-Type", func(t *testing.T) {
		in, err := ParseBytes([]byte("From: svn@example.com\r\nSubject: r213\r\n\r\n<p><b>recordkick</b> changed trunk/README</p><p>test<br></p>\r\n"), Limits{})
		if err != nil || in.Text != "recordkick changed trunk/README\n\ntest" || !strings.Contains(in.HTML, "<b>recordkick</b>") {
			t.Errorf("Text %q, HTML %q, err %v", in.Text, in.HTML, err)
		}
	})
	for _, tt := range []struct {
		in, charset, want string
	}{
		{"49 \x80", "", "49 €"},
		{"49 \x80", "iso-8859-1", "49 €"},
		{"49 \x80", "us-ascii", "49 €"},
		{"caf\xc3\xa9", "iso-8859-1", "café"}, // labelled Latin-1, written in UTF-8
		{"\xa4", "iso-8859-15", "€"},
		{"+AOk-t+AOk-", "utf-7", "été"},
		{"caf\xe9 cr\xc3\xa8me", "utf-8", "café crème"}, // mixed: the stray byte is Windows-1252
		{"Dij\x8aat", "iso-2022-jp", "DijŠat"},          // 8-bit bytes in a 7-bit charset
	} {
		if got, _ := decodeCharset([]byte(tt.in), tt.charset); got != tt.want {
			t.Errorf("decodeCharset(%q, %q) = %q, want %q", tt.in, tt.charset, got, tt.want)
		}
	}
}

// Point 11: what a careful parser recovers from is read, with the repair
// noted; only a message with no header at all is refused, saying why.
func TestParseRecoversBrokenHeaders(t *testing.T) {
	for _, tt := range []realWorld{
		{ // " From: …": white space before the first field
			file:    "thirdparty/enmime__testdata_low-quality_bad-header-start.raw",
			from:    Address{"James Hillyerd", "james@makita.skynet"},
			newText: "A text section",
			problem: "white space before the first header field",
		},
		{ // "quite Delivered-To: …": a line without a name inside the header
			file:    "thirdparty/mikel__spec_fixtures_emails_plain_emails_raw_email_incorrect_header.eml",
			from:    Address{"xxx xxx", "xxx@xxx.xxx"},
			subject: "Stop adware/spyware once and for all.",
			newHas:  []string{"You are infected with:"},
		},
		{ // "From  : …", a broken fold "__", comments in addresses
			file:    "thirdparty/mikel__spec_fixtures_emails_rfc2822_example13.eml",
			from:    Address{"John Doe", "jdoe@machine.example"},
			subject: "Saying Hello",
			newHas:  []string{"This is a message just to say hello."},
		},
		{ // mbox "From " line, a line of white space inside a folded Subject
			file:    "thirdparty/mikel__spec_fixtures_emails_rfc2822_example14.eml",
			from:    Address{"Atsushi Yoshida", "atsushi@example.com"},
			subject: "Re: TEST テストテスト",
			newText: "Hello",
		},
		{ // the header ends without a blank line
			file:    "thirdparty/enmime__testdata_mail_qp-utf8-header-no-break.raw",
			subject: "MIME UTF8 Test ¢ More Text",
			newHas:  []string{"Lorem ipsum dolor sit amet"},
			problem: "not ended by a blank line",
		},
		{file: "thirdparty/mikel__spec_fixtures_emails_rfc2822_example10.eml", from: Address{"Pete", "pete@silly.test"}},
		{ // a relay that broke its own Received: fold
			file:    "broken_received_fold.eml",
			from:    Address{"Noor Haddad", "noor.haddad@gmail.example"},
			subject: "Order 6610 arrived open",
			newText: "The box of order 6610 arrived open and the charger is missing.",
			problem: "without a name joined to Received",
		},
		{file: "bom_first.eml", from: Address{"Tomasz Nowak", "t.nowak@poczta.example"}, subject: "Zamówienie 7781", problem: "byte-order mark"},
		{file: "thirdparty/mikel__spec_fixtures_emails_error_emails_bad_encoded_subject.eml", subject: "TEST"}, // no From: the SMTP receiver uses the envelope sender
	} {
		t.Run(tt.file, tt.check)
	}
	raw, err := os.ReadFile("testdata/thirdparty/enmime__testdata_mail_erroneous.raw")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseBytes(raw, Limits{}); !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "no header fields") {
		t.Errorf("a file without a header: err = %v, want ErrMalformed saying so", err)
	}
}

// NUL and the other C0 controls (tab and newline apart) leave decoded
// text, so that a customer's message is never refused for them: PostgreSQL
// cannot store NUL (the desk test is in mailintake).
func TestParseStripsControlCharacters(t *testing.T) {
	in := parseFixture(t, "nul_controls.eml", Limits{})
	if in.Subject != "Refund status" {
		t.Errorf("Subject = %q", in.Subject)
	}
	want := "Hello, my refund for order 9921 is still pending. Please check.\nThanks, Ravi"
	if in.NewText != want {
		t.Errorf("NewText = %q, want %q", in.NewText, want)
	}
	for _, r := range in.Text {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
			t.Errorf("control %U left in %q", r, in.Text)
		}
	}
}
