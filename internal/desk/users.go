package desk

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/calmdesk/calmdesk/internal/store"
)

// User is a person who signs in: an agent, supervisor, admin or trainee.
type User struct {
	ID        int64     `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	CreatedAt time.Time `json:"created_at"`
	Disabled  bool      `json:"disabled"`
	Skills    []string  `json:"skills"`
	stamp     string    // changes with the password; see SessionStamp
}

// SessionStamp is a short fingerprint of the user's password hash: a
// browser session remembers it at sign-in and ends when it no longer
// matches, so changing a password signs out every other session.
func (u User) SessionStamp() string { return u.stamp }

// passwordStamp fingerprints the password hash and the session epoch,
// which deactivation moves on (epoch 0 gives the stamp of before epochs
// existed, so no session ended when they were introduced).
func passwordStamp(hash string, epoch int64) string {
	if epoch != 0 {
		hash += "\x00" + strconv.FormatInt(epoch, 10)
	}
	sum := sha256.Sum256([]byte(hash))
	return hex.EncodeToString(sum[:8])
}

// Can reports whether the user may do p.
func (u User) Can(p Permission) bool { return !u.Disabled && u.Role.Can(p) }

// NewUser is the input to AddUser.
type NewUser struct {
	Email    string
	Name     string
	Role     Role
	Password string // empty: a random one is generated and returned
}

// MinPasswordLength is the shortest password AddUser accepts.
const MinPasswordLength = 10

// bcryptCost is bcrypt's default; tests lower it through the package variable.
var bcryptCost = bcrypt.DefaultCost

// AddUser creates a user and returns it with the password that was set
// (the generated one when none was given).
func (d *Desk) AddUser(ctx context.Context, actor Actor, in NewUser) (User, string, error) {
	in.Email = normaliseEmail(in.Email)
	in.Name = strings.TrimSpace(in.Name)
	v := validator{}
	v.check(validEmail(in.Email), "email", "must be an email address")
	v.check(in.Name != "" && utf8.ValidString(in.Name) && len(in.Name) <= 200, "name", "must be 1-200 characters of valid UTF-8")
	v.check(in.Role.Valid(), "role", "must be one of agent, supervisor, admin, trainee")
	v.check(in.Password == "" || len(in.Password) >= MinPasswordLength, "password", fmt.Sprintf("must be at least %d characters", MinPasswordLength))
	v.check(len(in.Password) <= 72, "password", "must be at most 72 bytes")
	if err := v.err(); err != nil {
		return User{}, "", err
	}
	if in.Password == "" {
		in.Password = randomPassword()
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(in.Password), bcryptCost)
	if err != nil {
		return User{}, "", fmt.Errorf("desk: hash password: %w", err)
	}
	u := User{Email: in.Email, Name: in.Name, Role: in.Role, CreatedAt: d.clock(), Skills: []string{}, stamp: passwordStamp(string(hash), 0)}
	err = d.db.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx,
			`INSERT INTO users (email, name, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			u.Email, u.Name, string(u.Role), string(hash), u.CreatedAt).Scan(&u.ID)
		if err != nil {
			return err
		}
		return audit(ctx, tx, u.CreatedAt, actor, 0, "user.created", map[string]any{"user_id": u.ID, "email": u.Email, "role": u.Role})
	})
	if err != nil {
		if store.IsUniqueViolation(err) {
			return User{}, "", &ValidationError{Fields: map[string]string{"email": "a user with this email already exists"}}
		}
		return User{}, "", fmt.Errorf("desk: add user %s: %w", in.Email, err)
	}
	return u, in.Password, nil
}

// SetSkills sets the case categories a user handles; automatic assignment
// gives a categorised case only to agents whose skills include it (or who
// have none, meaning any).
func (d *Desk) SetSkills(ctx context.Context, actor Actor, email string, skills []string) (User, error) {
	u, err := d.UserByEmail(ctx, email)
	if err != nil {
		return User{}, err
	}
	clean := []string{}
	for _, s := range skills {
		if s = strings.TrimSpace(s); s != "" {
			if !utf8.ValidString(s) || len(s) > 100 {
				return User{}, &ValidationError{Fields: map[string]string{"skills": "each skill is a category name of at most 100 bytes"}}
			}
			clean = append(clean, s)
		}
	}
	now := d.clock()
	err = d.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET skills = $2 WHERE id = $1`, u.ID, encodeStrings(clean)); err != nil {
			return err
		}
		return audit(ctx, tx, now, actor, 0, "user.skills", map[string]any{"user_id": u.ID, "skills": clean})
	})
	if err != nil {
		return User{}, fmt.Errorf("desk: set skills of %s: %w", u.Email, err)
	}
	u.Skills = clean
	return u, nil
}

// Users lists every user, oldest first.
func (d *Desk) Users(ctx context.Context) ([]User, error) {
	rows, err := d.db.Read().QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("desk: list users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("desk: list users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// UserByEmail finds a user by email.
func (d *Desk) UserByEmail(ctx context.Context, email string) (User, error) {
	row := d.db.Read().QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email = $1`, normaliseEmail(email))
	u, err := scanUser(row)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, notFound("user")
	}
	return u, err
}

// User finds a user by id.
func (d *Desk) User(ctx context.Context, id int64) (User, error) {
	row := d.prepared.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id) // every page request's user
	u, err := scanUser(row)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, notFound("user")
	}
	return u, err
}

// CountUsers says how many users exist; serve creates a first admin when none does.
func (d *Desk) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := d.db.Read().QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n)
	return n, err
}

// dummyHash keeps Authenticate's timing the same for unknown emails: a
// bcrypt hash at the default cost of a string nobody uses as a password,
// written out so that starting the binary does not spend ~60 ms making it.
var dummyHash = []byte("$2a$10$hnGR6pdBzC87JwydyDXTWecyFGK0imU4hlonKMVBsL96u263LZC.i")

// Authenticate checks an email and password and returns the user, or
// ErrUnauthenticated without saying which of the two was wrong.
func (d *Desk) Authenticate(ctx context.Context, email, password string) (User, error) {
	var u User
	var hash string
	var disabled sql.NullTime
	var epoch int64
	err := d.db.Read().QueryRowContext(ctx,
		`SELECT id, email, name, role, created_at, disabled_at, password_hash, session_epoch FROM users WHERE email = $1`,
		normaliseEmail(email)).Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.CreatedAt, &disabled, &hash, &epoch)
	if errors.Is(err, sql.ErrNoRows) {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return User{}, ErrUnauthenticated
	}
	if err != nil {
		return User{}, fmt.Errorf("desk: authenticate: %w", err)
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil || disabled.Valid || hash == "" {
		return User{}, ErrUnauthenticated
	}
	u.stamp = passwordStamp(hash, epoch)
	return u, nil
}

const userColumns = `id, email, name, role, created_at, disabled_at, skills, password_hash, session_epoch`

type rowScanner interface{ Scan(dest ...any) error }

func scanUser(r rowScanner) (User, error) {
	var u User
	var disabled sql.NullTime
	var skills, hash string
	var epoch int64
	if err := r.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.CreatedAt, &disabled, &skills, &hash, &epoch); err != nil {
		return User{}, err
	}
	u.stamp = passwordStamp(hash, epoch)
	u.Disabled = disabled.Valid
	u.Skills = decodeStrings(skills)
	return u, nil
}

func normaliseEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func validEmail(s string) bool {
	if len(s) > 254 || !utf8.ValidString(s) || strings.ContainsAny(s, "\r\n<> ") {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s, "@")
}

// randomPassword returns 20 characters from an alphabet without look-alikes.
func randomPassword() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 20)
	for i := range b {
		b[i] = alphabet[randIndex(len(alphabet))]
	}
	return string(b)
}

func randIndex(n int) int {
	var b [1]byte
	for {
		_, _ = rand.Read(b[:])
		if int(b[0]) < 256-256%n {
			return int(b[0]) % n
		}
	}
}
