package desk

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"sync"
)

// CaseAnswer is a case's API answer (GET /api/v1/cases/{id}): the
// encoded CaseDetail, with the parts asked for, and its ETag.
type CaseAnswer struct {
	// Body is the answer as encoding/json's Encoder writes it, newline
	// included. It may be shared with other callers: do not modify it.
	Body []byte
	// ETag is a quoted strong entity tag: a SHA-256 of Body, so it
	// changes whenever the answer does, and every instance running the
	// same code gives the same tag for the same answer.
	ETag string
}

// DefaultCaseCacheBytes bounds the encoded answers a desk keeps
// (Options.CaseCacheBytes): about 1,300 cases of 25 KB.
const DefaultCaseCacheBytes = 32 << 20

// caseVersion is what the answer of a case is read from, as far as it
// can change: the case's version and its customer's (migration 00021:
// triggers bump them in the transaction of every write to a row the
// answer is read from).
type caseVersion struct{ caseV, customerV int64 }

// CaseAnswer returns case id's encoded answer for u, with the parts
// asked for (AllCaseParts: the whole case). The desk checks,
// in one small query, that u still holds cases:read (the user's row, not
// the caller's copy of it: a role taken away or a user disabled stops
// here at once) and reads the case's version. An answer encoded earlier
// at that version is answered as it is; only a case that changed since
// is read and encoded again. The version is read before the case, so a
// kept answer is never older than its version: a write that lands
// between the two reads is in the answer, and moves the version past it.
func (d *Desk) CaseAnswer(ctx context.Context, u User, id int64, parts CaseParts) (CaseAnswer, error) {
	v, err := d.caseVersionFor(ctx, u, id)
	if err != nil {
		return CaseAnswer{}, err
	}
	key := answerKey{id, parts}
	if a, ok := d.answers.get(key, v); ok {
		return a, nil
	}
	c, err := d.caseDetail(ctx, id, readingEncoded, parts)
	if err != nil {
		return CaseAnswer{}, err
	}
	buf := answerBuffers.Get().(*[]byte)
	b, err := c.appendParts((*buf)[:0], parts)
	if err != nil {
		return CaseAnswer{}, fmt.Errorf("desk: encode case %d: %w", id, err)
	}
	b = append(b, '\n')
	// The pooled buffer grows once to the size of an answer; what is kept
	// or returned is an exact copy of it.
	a := CaseAnswer{Body: append([]byte(nil), b...), ETag: ETag(b)}
	if cap(b) <= 1<<20 { // a rare huge answer's buffer is not kept
		*buf = b
		answerBuffers.Put(buf)
	}
	d.answers.put(key, v, a)
	return a, nil
}

// answerBuffers keep the encoder's buffers: growing a new one to the
// size of a case's answer for every read was a tenth of its CPU.
var answerBuffers = sync.Pool{New: func() any { return new([]byte) }}

// ETag returns the quoted strong entity tag of an answer's bytes.
func ETag(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
}

// caseVersionFor checks that u may read cases and returns the version of
// case id, in one query on the read pool (prepared on SQLite).
func (d *Desk) caseVersionFor(ctx context.Context, u User, id int64) (caseVersion, error) {
	var role Role
	var caseV, customerV sql.NullInt64
	err := d.prepared.QueryRowContext(ctx,
		`SELECT u.role, c.version, cu.version
		   FROM users u LEFT JOIN cases c ON c.id = $2 LEFT JOIN customers cu ON cu.id = c.customer_id
		  WHERE u.id = $1 AND u.disabled_at IS NULL`, u.ID, id).Scan(&role, &caseV, &customerV)
	if errors.Is(err, sql.ErrNoRows) {
		return caseVersion{}, &ForbiddenError{Permission: PermCasesRead}
	}
	if err != nil {
		return caseVersion{}, fmt.Errorf("desk: get case %d: %w", id, err)
	}
	if err := require(User{ID: u.ID, Role: role}, PermCasesRead); err != nil {
		return caseVersion{}, err
	}
	if !caseV.Valid {
		return caseVersion{}, notFound("case")
	}
	return caseVersion{caseV.Int64, customerV.Int64}, nil
}

// answerKey names a kept answer: a case, and the parts it holds.
type answerKey struct {
	id    int64
	parts CaseParts
}

// answerCache keeps the latest encoded answer of recently read cases, up
// to a total size; past it, entries picked at random (Go's map order)
// make room. Only an answer at the version the database holds now is
// ever given out, so a write on any instance retires it.
type answerCache struct {
	mu    sync.RWMutex
	max   int // bytes; 0 keeps nothing
	size  int
	cases map[answerKey]cachedAnswer
}

type cachedAnswer struct {
	version caseVersion
	answer  CaseAnswer
}

// entrySize is what an entry counts against the bound: its bytes and
// roughly the map's and the tag's share.
func entrySize(a CaseAnswer) int { return len(a.Body) + len(a.ETag) + 96 }

func (c *answerCache) get(key answerKey, v caseVersion) (CaseAnswer, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.cases[key]
	if !ok || e.version != v {
		return CaseAnswer{}, false
	}
	return e.answer, true
}

func (c *answerCache) put(key answerKey, v caseVersion, a CaseAnswer) {
	n := entrySize(a)
	if n > c.max/8 { // a huge answer would push out many others
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.cases[key]; ok {
		if e.version.caseV >= v.caseV && e.version.customerV >= v.customerV {
			return // a slower reader of an older version: keep the newer
		}
		c.size -= entrySize(e.answer)
		delete(c.cases, key)
	}
	for other, e := range c.cases {
		if c.size+n <= c.max {
			break
		}
		c.size -= entrySize(e.answer)
		delete(c.cases, other)
	}
	if c.cases == nil {
		c.cases = map[answerKey]cachedAnswer{}
	}
	c.cases[key] = cachedAnswer{version: v, answer: a}
	c.size += n
}
