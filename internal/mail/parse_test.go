package mail

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func parseFixture(t *testing.T, name string, limits Limits) *Inbound {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	in, err := Parse(f, limits)
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return in
}

func TestParseFixtures(t *testing.T) {
	tests := []struct {
		file       string
		from       Address
		subject    string
		messageID  string
		inReplyTo  string
		refs       int
		caseRef    int64
		newText    string   // exact NewText
		textHas    []string // Text contains (the full message is kept)
		htmlHas    []string
		htmlHasNot []string
		auto       AutoKind
		attach     int
		problems   bool
	}{
		{
			file:       "gmail_reply.eml",
			from:       Address{"Dana Whitfield", "dana.whitfield@gmail.com"},
			subject:    "Re: Refund still missing [#1234]",
			messageID:  "CAJx9f+ZQk1uN1aR5dE3mQ@mail.gmail.com",
			inReplyTo:  "reply-1234-2@calmdesk.example",
			refs:       2,
			caseRef:    1234,
			newText:    "This is the third time I am writing. I was charged twice for order 4471 and\nnobody has refunded me. I want my money back by Friday.\n\nDana",
			textHas:    []string{"> Thanks for reaching out."},
			htmlHas:    []string{"<blockquote>", "third time"},
			htmlHasNot: []string{"style="},
		},
		{
			file:       "outlook_reply.eml",
			from:       Address{"Jürgen Müller", "j.mueller@contoso.example"},
			subject:    "RE: Invoice 88213 is wrong [#88]",
			inReplyTo:  "reply-88-1@calmdesk.example",
			refs:       1,
			caseRef:    88,
			newText:    "Hello,\n\nthe invoice still shows € 412,50 instead of € 312,50. That’s not acceptable, we were promised a correction last week.\n\nRegards\nJürgen Müller\nHead of Purchasing",
			textHas:    []string{"we will send the corrected invoice tomorrow"},
			htmlHasNot: []string{"<style", "margin-top"},
		},
		{
			file:    "outlook_original_message.eml",
			from:    Address{"Priya Raman", "priya@fabrikam.example"},
			subject: "RE: Delivery delayed again",
			newText: "Still nothing. The tracking page has said \"in transit\" for nine days.\n\nPriya",
			textHas: []string{"-----Original Message-----"},
		},
		{
			file:      "apple_mail.eml",
			from:      Address{"Tom Okafor", "tom.okafor@icloud.example"},
			messageID: "A1B2C3D4-E5F6-4711-8899-AABBCCDDEEFF@icloud.example",
			refs:      2,
			caseRef:   5150,
			newText:   "Here is a photo of the hinge. It snapped after two weeks, I am really disappointed.\n\nTom",
			htmlHas:   []string{`src="cid:4F1A2B3C-hinge@icloud.example"`},
			attach:    1,
		},
		{
			file:    "iphone.eml",
			from:    Address{"Lena Brandt", "lena.b@mail.example"},
			caseRef: 77,
			newText: `Are you serious? The replacement is broken too. I need this fixed today, not "soon".`,
			textHas: []string{"Sent from my iPhone", "> Hi Lena"},
		},
		{
			file:       "html_only.eml",
			from:       Address{"Marketing-averse customer", "ray@webmail.example"},
			newText:    "After the update all my notes are gone. Years of work!\n\nI want to know what happened and whether you can restore them.\n\n- Device: Pixel 8\n- App version: 4.2.0\n\nRay",
			htmlHas:    []string{"<b>all my notes are gone</b>"},
			htmlHasNot: []string{"tracker.example"},
		},
		{
			file:       "hostile_html.eml",
			from:       Address{"Admin Bcc: victim@example.com", "attacker@evil.example"},
			subject:    "Urgent Bcc: all@calmdesk.example",
			newText:    "Please click here to see my complaint.\n\nmy order",
			htmlHas:    []string{`href="https://shop.example/order/4471"`},
			htmlHasNot: []string{"<script", "onload", "onerror", "javascript:", "<iframe", "<form", "<input", "<style", "evil.example", "<svg"},
			attach:     1,
		},
		{
			file:     "broken_mime.eml",
			from:     Address{"Olu Adeyemi", "olu@example.net"},
			newText:  "I ordered three weeks ago and still nothing. This is ridiculous.",
			problems: true,
		},
		{
			file:     "invalid_charset.eml",
			from:     Address{"Kor", "kor@example.org"}, // unknown charset: read as UTF-8 or Windows-1252
			newText:  "My refund is late éè and I am angry.",
			htmlHas:  []string{"Invalid utf-8 here: ÿþÃ end"}, // bytes that are not UTF-8 read as Windows-1252
			problems: true,
		},
		{
			file:    "bounce.eml",
			from:    Address{"Mail Delivery System", "MAILER-DAEMON@mx.calmdesk.example"},
			auto:    Bounce,
			newText: "", // not checked below for bounces beyond being non-empty
			attach:  2,
		},
		{
			file:      "out_of_office.eml",
			from:      Address{"Anne Laurent", "anne.laurent@corp.example"},
			caseRef:   310,
			inReplyTo: "reply-310-2@calmdesk.example",
			auto:      AutoReply,
		},
		{
			file:    "attachments.eml",
			from:    Address{"Grace Hopper", "grace@navy.example"},
			newText: "The mug arrived in pieces. Receipt and photo attached.",
			attach:  2,
		},
		{
			file:    "gmail_android.eml",
			from:    Address{"Zoë Novak", "zoe.novak@gmail.com"},
			caseRef: 2024,
			newText: "Cancelled?? I paid €380 for this room and now you tell me two days before? Unacceptable.",
		},
		{
			file:       "outlook_html_only.eml",
			from:       Address{"Okonkwo, Chidi", "chidi.okonkwo@bank.example"},
			caseRef:    5001,
			inReplyTo:  "reply-5001-1@calmdesk.example",
			newText:    "I have been stuck at the airport for three hours because my card is blocked.\n\nNobody answers the phone. Unblock it now.\n\nChidi",
			htmlHasNot: []string{"<style", "MsoNormal", "font-size"},
		},
		{
			file:    "yahoo_reply.eml",
			from:    Address{"Maria Gomez", "maria_gomez77@yahoo.example"},
			caseRef: 314,
			newText: "I never agreed to renew. Cancel it and refund me please.\nMaria",
		},
		{
			file:    "interleaved.eml",
			from:    Address{"Sam Patel", "sam.patel@example.com"},
			caseRef: 9001,
			newText: "The business plan, since 2023.\n\nYes, right after it. Nothing works since.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			in := parseFixture(t, tt.file, Limits{})
			if in.From != tt.from {
				t.Errorf("From = %+v, want %+v", in.From, tt.from)
			}
			if tt.subject != "" && in.Subject != tt.subject {
				t.Errorf("Subject = %q, want %q", in.Subject, tt.subject)
			}
			if tt.messageID != "" && in.MessageID != tt.messageID {
				t.Errorf("MessageID = %q, want %q", in.MessageID, tt.messageID)
			}
			if in.MessageID == "" {
				t.Errorf("MessageID empty")
			}
			if tt.inReplyTo != "" && (len(in.InReplyTo) != 1 || in.InReplyTo[0] != tt.inReplyTo) {
				t.Errorf("InReplyTo = %q, want %q", in.InReplyTo, tt.inReplyTo)
			}
			if tt.refs != 0 && len(in.References) != tt.refs {
				t.Errorf("References = %q, want %d", in.References, tt.refs)
			}
			if in.CaseRef != tt.caseRef {
				t.Errorf("CaseRef = %d, want %d", in.CaseRef, tt.caseRef)
			}
			if in.Date.IsZero() {
				t.Errorf("Date not parsed")
			}
			if tt.newText != "" && in.NewText != tt.newText {
				t.Errorf("NewText =\n%q\nwant\n%q", in.NewText, tt.newText)
			}
			for _, s := range tt.textHas {
				if !strings.Contains(in.Text, s) {
					t.Errorf("Text lacks %q:\n%s", s, in.Text)
				}
			}
			for _, s := range tt.htmlHas {
				if !strings.Contains(in.HTML, s) {
					t.Errorf("HTML lacks %q:\n%s", s, in.HTML)
				}
			}
			for _, s := range tt.htmlHasNot {
				if strings.Contains(strings.ToLower(in.HTML), strings.ToLower(s)) {
					t.Errorf("HTML has %q:\n%s", s, in.HTML)
				}
			}
			if in.Automatic != tt.auto {
				t.Errorf("Automatic = %q (%s), want %q", in.Automatic, in.AutomaticReason, tt.auto)
			}
			if in.Automatic != NotAutomatic && in.AutomaticReason == "" {
				t.Errorf("Automatic without a reason")
			}
			if len(in.Attachments) != tt.attach {
				t.Errorf("%d attachments, want %d", len(in.Attachments), tt.attach)
			}
			if (len(in.Problems) > 0) != tt.problems {
				t.Errorf("Problems = %q, want some: %v", in.Problems, tt.problems)
			}
		})
	}
}

func TestParseHeaderDetails(t *testing.T) {
	in := parseFixture(t, "gmail_reply.eml", Limits{})
	if got := in.DeliveredTo; len(got) != 1 || got[0] != "support@calmdesk.example" {
		t.Errorf("DeliveredTo = %q", got)
	}
	if len(in.To) != 1 || in.To[0] != (Address{"Calm Support", "support@calmdesk.example"}) {
		t.Errorf("To = %+v", in.To)
	}
	want := time.Date(2026, 3, 3, 10, 13, 55, 0, time.UTC)
	if !in.Date.Equal(want) {
		t.Errorf("Date = %v, want %v", in.Date, want)
	}
	out := parseFixture(t, "outlook_reply.eml", Limits{})
	if len(out.Cc) != 1 || out.Cc[0].Name != "Kim, Lee" {
		t.Errorf("Cc = %+v", out.Cc)
	}
}

func TestParseAttachments(t *testing.T) {
	in := parseFixture(t, "attachments.eml", Limits{})
	pdf, img := in.Attachments[0], in.Attachments[1]
	if pdf.Filename != "receipt.pdf" || pdf.ContentType != "application/pdf" || pdf.Size != int64(len(pdf.Data)) || !strings.HasPrefix(string(pdf.Data), "%PDF-1.4") || pdf.Inline {
		t.Errorf("pdf = %+v", pdf)
	}
	if img.Filename != "Foto zerbrochen ☕.png" || img.ContentType != "image/png" || img.Size != 70 {
		t.Errorf("image = %+v", img)
	}

	apple := parseFixture(t, "apple_mail.eml", Limits{})
	a := apple.Attachments[0]
	if !a.Inline || a.ContentID != "4F1A2B3C-hinge@icloud.example" || a.ContentType != "image/png" || len(a.Data) != 70 {
		t.Errorf("inline image = %+v", a)
	}

	hostile := parseFixture(t, "hostile_html.eml", Limits{})
	if f := hostile.Attachments[0].Filename; f != "passwd" {
		t.Errorf("path traversal filename kept: %q", f)
	}
}

func TestParseLimits(t *testing.T) {
	t.Run("attachment too large", func(t *testing.T) {
		in := parseFixture(t, "attachments.eml", Limits{MaxAttachmentBytes: 100})
		pdf := in.Attachments[0]
		if pdf.Data != nil || pdf.Size != 900 || !strings.Contains(pdf.Omitted, "larger than 100 bytes") {
			t.Errorf("pdf = %+v", pdf)
		}
		if img := in.Attachments[1]; img.Data == nil {
			t.Errorf("small image dropped: %+v", img)
		}
		if len(in.Problems) == 0 {
			t.Errorf("no problem recorded")
		}
	})
	t.Run("too many attachments", func(t *testing.T) {
		in := parseFixture(t, "attachments.eml", Limits{MaxAttachments: 1})
		if in.Attachments[0].Data == nil || in.Attachments[1].Data != nil || in.Attachments[1].Omitted == "" || in.Attachments[1].Size != 70 {
			t.Errorf("attachments = %+v", in.Attachments)
		}
	})
	t.Run("message too large", func(t *testing.T) {
		f, _ := os.Open("testdata/attachments.eml")
		defer f.Close()
		_, err := Parse(f, Limits{MaxMessageBytes: 500})
		if !errors.Is(err, ErrTooLarge) {
			t.Fatalf("err = %v, want ErrTooLarge", err)
		}
	})
	t.Run("text truncated", func(t *testing.T) {
		in := parseFixture(t, "gmail_reply.eml", Limits{MaxTextBytes: 20})
		if len(in.Text) > 20 || len(in.HTML) > 20 || len(in.Problems) == 0 {
			t.Errorf("Text %d bytes, HTML %d bytes, problems %q", len(in.Text), len(in.HTML), in.Problems)
		}
	})
}

func TestParseMalformedHeader(t *testing.T) {
	_, err := Parse(strings.NewReader("this is not\na header\n\nbody"), Limits{})
	if !errors.Is(err, ErrMalformed) {
		t.Fatalf("err = %v, want ErrMalformed", err)
	}
}

func TestParseHeaderInjection(t *testing.T) {
	raw := "From: =?utf-8?q?Eve=0D=0ATo:_boss@x.example?= <eve@x.example>\r\n" +
		"Subject: =?utf-8?q?hi=0AX-Evil:_1?=\r\n" +
		"Message-ID: <a\r\n b@x>\r\n\r\nhello\r\n"
	in, err := Parse(strings.NewReader(raw), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{in.From.Name, in.Subject, in.MessageID} {
		if strings.ContainsAny(s, "\r\n") {
			t.Errorf("CR/LF survived in %q", s)
		}
	}
	if in.From.Name != "Eve To: boss@x.example" || in.From.Email != "eve@x.example" {
		t.Errorf("From = %+v", in.From)
	}
}

func TestParsePrecedenceBulk(t *testing.T) {
	raw := "From: news@shop.example\r\nPrecedence: bulk\r\nSubject: Deals\r\n\r\nBuy now\r\n"
	in, err := Parse(strings.NewReader(raw), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if in.Automatic != Bulk {
		t.Errorf("Automatic = %q", in.Automatic)
	}
	raw = "From: Bob <bob@x.example>\r\nX-Autoreply: yes\r\nSubject: Away\r\n\r\nAway\r\n"
	in, _ = Parse(strings.NewReader(raw), Limits{})
	if in.Automatic != AutoReply {
		t.Errorf("X-Autoreply: Automatic = %q", in.Automatic)
	}
	raw = "From: Bob <bob@x.example>\r\nAuto-Submitted: no\r\nX-Auto-Response-Suppress: All\r\nSubject: Help\r\n\r\nHelp\r\n"
	in, _ = Parse(strings.NewReader(raw), Limits{})
	if in.Automatic != NotAutomatic {
		t.Errorf("ordinary Outlook mail: Automatic = %q (%s)", in.Automatic, in.AutomaticReason)
	}
}

func TestParseAutomaticHeaders(t *testing.T) {
	tests := []struct {
		name, raw string
		want      AutoKind
	}{
		{"failed recipients", "From: mail@isp.example\r\nX-Failed-Recipients: x@y.example\r\nSubject: failure\r\n\r\nfailed\r\n", Bounce},
		{"read receipt", "From: a@b.example\r\nContent-Type: multipart/report; report-type=disposition-notification; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nRead.\r\n--b--\r\n", AutoReply},
		{"postmaster bounce", "From: postmaster@isp.example\r\nSubject: Undelivered Mail Returned to Sender\r\n\r\nx\r\n", Bounce},
		{"postmaster person", "From: postmaster@isp.example\r\nSubject: x\r\n\r\nx\r\n", NotAutomatic},
		{"list", "From: a@b.example\r\nList-Id: <news.b.example>\r\nList-Unsubscribe: <mailto:u@b.example>\r\n\r\nx\r\n", Bulk},
		{"person", "From: a@b.example\r\nSubject: Out of office? No, I am angry\r\n\r\nx\r\n", NotAutomatic},
	}
	for _, tt := range tests {
		in, err := Parse(strings.NewReader(tt.raw), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if in.Automatic != tt.want {
			t.Errorf("%s: Automatic = %q (%s), want %q", tt.name, in.Automatic, in.AutomaticReason, tt.want)
		}
	}
}

func TestParseDedupKey(t *testing.T) {
	raw := "From: a@b.example\r\nSubject: no id\r\n\r\nx\r\n"
	a, _ := Parse(strings.NewReader(raw), Limits{})
	b, _ := Parse(strings.NewReader(raw), Limits{})
	c, _ := Parse(strings.NewReader(raw+"y\r\n"), Limits{})
	if a.DedupKey() == "" || a.DedupKey() != b.DedupKey() || a.DedupKey() == c.DedupKey() || !strings.HasPrefix(a.DedupKey(), "sha256:") {
		t.Errorf("keys %q %q %q", a.DedupKey(), b.DedupKey(), c.DedupKey())
	}
	g := parseFixture(t, "gmail_reply.eml", Limits{})
	if g.DedupKey() != g.MessageID {
		t.Errorf("DedupKey = %q, want the Message-ID", g.DedupKey())
	}
}

// TestParseLargeAttachment parses a message with a 25 MB attachment with
// the default limits: it is kept whole.
func TestParseLargeAttachment(t *testing.T) {
	if testing.Short() {
		t.Skip("25 MB message")
	}
	data := bytes.Repeat([]byte("calmdesk"), 25_000_000/8)
	var b bytes.Buffer
	b.WriteString("From: Big <big@example.com>\r\nSubject: video of the fault\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nSee the video.\r\n--x\r\nContent-Type: video/mp4\r\nContent-Disposition: attachment; filename=fault.mp4\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString(data)
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n--x--\r\n")
	in, err := Parse(&b, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	a := in.Attachments[0]
	if a.Size != int64(len(data)) || !bytes.Equal(a.Data, data) || a.Omitted != "" || in.NewText != "See the video." {
		t.Errorf("attachment size %d omitted %q, text %q", a.Size, a.Omitted, in.NewText)
	}
}

func TestParseCharsets(t *testing.T) {
	raw := "From: =?KOI8-R?B?58TFIM3PyiDawcvB2j8=?= <ivan@example.ru>\r\n" +
		"Subject: =?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTyEiSlY2YiRPJF4kQCRHJDkkKxsoQg==?=\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/plain; charset=koi8-r\r\nContent-Transfer-Encoding: base64\r\n\r\n58TFIM3PyiDawcvB2j8=\r\n" +
		"--b\r\nContent-Type: text/plain; charset=Shift_JIS\r\nContent-Transfer-Encoding: base64\r\n\r\ngqiW4oKijYeC7YK5\r\n" +
		"--b--\r\n"
	in, err := Parse(strings.NewReader(raw), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if in.From.Name != "Где мой заказ?" || in.Subject != "こんにちは、返金はまだですか" {
		t.Errorf("From %q, Subject %q", in.From.Name, in.Subject)
	}
	if in.Text != "Где мой заказ?\nお問い合わせ" {
		t.Errorf("Text = %q", in.Text)
	}
}

func TestParseBlankTextPartUsesHTML(t *testing.T) {
	raw := "From: a@b.example\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/plain\r\n\r\n \r\n\r\n" +
		"--b\r\nContent-Type: text/html\r\n\r\n<p>Real words</p>\r\n--b--\r\n"
	in, err := Parse(strings.NewReader(raw), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if in.NewText != "Real words" || !in.TextFromHTML {
		t.Errorf("NewText = %q, TextFromHTML %v", in.NewText, in.TextFromHTML)
	}
}
