package importer

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/calmdesk/calmdesk/internal/mail"
)

// ErrAutomatic marks an mbox message sent by a machine (an auto-reply or a
// bounce): not a customer speaking, so not imported.
var ErrAutomatic = errors.New("automatic mail (auto-reply, bounce or bulk), not imported")

// mboxReader splits an mbox (mboxrd: a message starts at a line beginning
// "From ", and ">From " lines in bodies lose one ">") and parses each
// message with mail.Parse.
type mboxReader struct {
	br      *bufio.Reader
	opt     Options
	pending []byte // the "From " line that starts the next message
	n       int
	done    bool
	threads map[string]string // Message-ID -> thread, to group replies
}

func newMbox(r io.Reader, opt Options) func() (Record, error) {
	m := &mboxReader{br: bufio.NewReaderSize(r, 64<<10), opt: opt, threads: map[string]string{}}
	return m.next
}

func (m *mboxReader) next() (Record, error) {
	for {
		raw, err := m.message()
		if err != nil {
			return Record{}, err
		}
		m.n++
		if len(bytes.TrimSpace(raw)) == 0 {
			continue
		}
		rec, err := m.record(raw)
		if err != nil {
			return Record{}, &RecordError{m.n, err}
		}
		return rec, nil
	}
}

// message returns the raw bytes of the next message, without its "From " line.
func (m *mboxReader) message() ([]byte, error) {
	if m.done {
		return nil, io.EOF
	}
	var buf bytes.Buffer
	started := m.pending != nil
	for {
		line, err := m.br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// A very long line: keep reading it whole.
			buf.Write(line)
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = m.br.ReadSlice('\n')
				buf.Write(line)
			}
			line = nil
		}
		if len(line) > 0 {
			if bytes.HasPrefix(line, []byte("From ")) {
				if started {
					m.pending = append(m.pending[:0], line...)
					return buf.Bytes(), nil
				}
				started = true
				m.pending = []byte{}
			} else {
				if !started {
					if len(bytes.TrimSpace(line)) == 0 {
						continue
					}
					return nil, fmt.Errorf("importer: not an mbox file: it does not begin with a \"From \" line")
				}
				buf.Write(unescapeFrom(line))
			}
		}
		if err == io.EOF {
			m.done = true
			if !started {
				return nil, io.EOF
			}
			return buf.Bytes(), nil
		}
		if err != nil {
			return nil, fmt.Errorf("importer: mbox: %w", err)
		}
	}
}

// unescapeFrom undoes mboxrd quoting: ">From ", ">>From " … lose one ">".
func unescapeFrom(line []byte) []byte {
	i := 0
	for i < len(line) && line[i] == '>' {
		i++
	}
	if i > 0 && bytes.HasPrefix(line[i:], []byte("From ")) {
		return line[1:]
	}
	return line
}

func (m *mboxReader) record(raw []byte) (Record, error) {
	msg, err := mail.ParseBytes(raw, mail.DefaultLimits())
	if err != nil {
		return Record{}, err
	}
	if msg.Automatic != mail.NotAutomatic {
		return Record{}, fmt.Errorf("%w: %s", ErrAutomatic, msg.AutomaticReason)
	}
	rec := Record{
		Position:      m.n,
		ExternalID:    msg.DedupKey(),
		InReplyTo:     append(append([]string{}, msg.InReplyTo...), msg.References...),
		CustomerEmail: msg.From.Email,
		CustomerName:  msg.From.Name,
		Subject:       msg.Subject,
		Text:          firstNonBlank(msg.NewText, msg.Text, msg.Subject),
		RawText:       msg.Text,
		At:            msg.Date,
	}
	if m.isSupport(msg.From.Email) {
		rec.Direction, rec.AgentEmail = Outbound, msg.From.Email
		rec.CustomerEmail, rec.CustomerName = "", ""
		for _, a := range append(append([]mail.Address{}, msg.To...), msg.Cc...) {
			if !m.isSupport(a.Email) {
				rec.CustomerEmail, rec.CustomerName = a.Email, a.Name
				break
			}
		}
	}
	rec.Thread = m.thread(msg)
	return finish(rec)
}

// thread is the thread of the first known message this one answers, else
// the root of its References, else the message itself.
func (m *mboxReader) thread(msg *mail.Inbound) string {
	id := msg.DedupKey()
	t := ""
	for _, ref := range append(append([]string{}, msg.InReplyTo...), msg.References...) {
		if known, ok := m.threads[ref]; ok {
			t = known
			break
		}
	}
	if t == "" && len(msg.References) > 0 {
		t = msg.References[0]
	}
	if t == "" && len(msg.InReplyTo) > 0 {
		t = msg.InReplyTo[0]
	}
	if t == "" {
		t = id
	}
	m.threads[id] = t
	return t
}

func (m *mboxReader) isSupport(addr string) bool {
	addr = strings.ToLower(addr)
	for _, s := range m.opt.SupportAddresses {
		s = strings.ToLower(strings.TrimSpace(s))
		if s == addr || (strings.HasPrefix(s, "@") && strings.HasSuffix(addr, s)) {
			return true
		}
	}
	return false
}

func firstNonBlank(options ...string) string {
	for _, s := range options {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}
